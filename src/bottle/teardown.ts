import * as core from '@actions/core'
import type { Backend } from '../backend/types.js'
import { errorMessage } from '../util/errors.js'
import type { TeardownState } from './teardown-state.js'

/**
 * Removes the bottle and its network. Idempotent: the main step and the post step both
 * call it, and what is already gone is fine. Failures are warnings, never thrown; the result
 * says whether everything is gone.
 */
export async function teardownResources(backend: Backend, state: TeardownState): Promise<boolean> {
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
