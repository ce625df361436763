import * as core from '@actions/core'
import type { Backend } from '../backend/types.js'
import { errorMessage } from '../util/errors.js'
import type { TeardownState } from './teardown-state.js'

/**
 * Removes the bottle and its network by name (the main step; the post step sweeps by label).
 * What is already gone is fine. Failures are warnings, never thrown; the result
 * says whether everything is gone.
 */
export async function teardownResources(backend: Backend, state: Pick<TeardownState, 'bottleName' | 'networkName'>): Promise<boolean> {
  let clean = true
  if (state.bottleName) {
    try {
      await backend.remove(state.bottleName)
    } catch (err) {
      clean = false
      core.warning(`Could not remove bottle ${state.bottleName}: ${errorMessage(err)}`)
    }
  }
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
