import * as core from '@actions/core'
import type { Backend } from '../../backend/types.js'
import { errorMessage } from '../../util/errors.js'
import type { TeardownState } from './teardown-state.js'

/**
 * Removes the bottle and its network by name (the main step; the post step sweeps by label).
 * What is already gone is fine. Failures are warnings, never thrown; the result
 * says whether everything is gone.
 */
export async function teardownResources(backend: Backend, state: Pick<TeardownState, 'bottleName' | 'networkName'>): Promise<boolean> {
  let clean = true
  const attempt = async (what: string, act: () => Promise<void>) => {
    try {
      await act()
    } catch (err) {
      clean = false
      core.warning(`Could not remove ${what}: ${errorMessage(err)}`)
    }
  }
  // the bottle and the network's relay side by side; the network once nothing is on it
  const { bottleName, networkName } = state
  await Promise.all([
    bottleName ? attempt(`bottle ${bottleName}`, () => backend.remove(bottleName)) : undefined,
    networkName && backend.removeSidecars ? attempt(`the relay of network ${networkName}`, () => backend.removeSidecars!(networkName)) : undefined
  ])
  if (state.networkName) {
    try {
      await backend.removeNetwork(state.networkName)
    } catch (err) {
      clean = false
      core.warning(`Could not remove network ${state.networkName}: ${errorMessage(err)}`)
    }
  }
  return clean
}
