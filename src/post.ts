import * as core from '@actions/core'
import { DockerBackend } from './backend/docker/docker-backend.js'
import type { Backend } from './backend/types.js'
import { teardownResources } from './bottle/teardown.js'
import { decodeTeardownState, TEARDOWN_STATE_KEY } from './bottle/teardown-state.js'
import { errorMessage } from './util/errors.js'

/**
 * The post step runs always (also after failure or cancellation) and removes whatever the
 * main step left, from the state it saved. It only warns: it never fails a green job.
 */
export async function runPost(backendFor: (kind: string) => Backend = () => new DockerBackend()): Promise<void> {
  try {
    const state = decodeTeardownState(core.getState(TEARDOWN_STATE_KEY))
    if (!state || (!state.bottleName && !state.networkName)) {
      core.info('bot-bottle post: nothing left to tear down')
      return
    }
    await teardownResources(backendFor(state.backend), state)
    core.info(`bot-bottle post: teardown done${state.stateDir ? `; transcripts kept in ${state.stateDir}` : ''}`)
  } catch (err) {
    core.warning(`bot-bottle post: ${errorMessage(err)}`)
  }
}
