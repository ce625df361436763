import * as core from '@actions/core'
import { DockerBackend } from './backend/docker/docker-backend.js'
import type { Backend } from './backend/types.js'
import { RUN_LABEL } from './bottle/plan.js'
import { publishRecord } from './bottle/publish.js'
import { restoreWorkspaceGitLogged } from './bottle/git-guard.js'
import { decodeTeardownState, TEARDOWN_STATE_KEY, type TeardownState } from './bottle/teardown-state.js'
import { SmolvmBackend } from './backend/smolvm/smolvm-backend.js'
import { errorMessage } from './util/errors.js'

function defaultBackendFor(state: TeardownState): Backend {
  return state.backend === 'smolvm' ? new SmolvmBackend(state.cli ?? 'smolvm') : new DockerBackend()
}

/**
 * The post step runs always (also after failure or cancellation): it removes whatever the
 * main step left, from the state it saved, then publishes the run's redacted record
 * (artifact, report, job summary). It only warns: it never fails a green job.
 */
export async function runPost(backendFor: (state: TeardownState) => Backend = defaultBackendFor): Promise<void> {
  const state = decodeTeardownState(core.getState(TEARDOWN_STATE_KEY))
  if (!state?.slug) {
    core.info('bot-bottle post: the main step started nothing')
    return
  }
  // Each step on its own: one that fails never skips the next. Whatever the main step managed
  // or not, remove everything labelled with the run's slug; then put .git back if the main step
  // did not (even when the sweep failed: a .git the agent planted is the worse risk); then publish.
  await postStep('tear down', async () => {
    const removed = await backendFor(state).sweep(RUN_LABEL, state.slug!)
    core.info(`bot-bottle post: ${removed.length ? `removed ${removed.join(', ')}` : 'nothing left to tear down'}; transcripts kept in ${state.stateDir}`)
  })
  if (state.gitGuard) restoreWorkspaceGitLogged(state.gitGuard, 'bot-bottle post: ')
  if (state.stateDir) await postStep('publish the record', () => publishRecord(state.stateDir!))
}

async function postStep(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (err) {
    core.warning(`bot-bottle post: could not ${what}: ${errorMessage(err)}`)
  }
}
