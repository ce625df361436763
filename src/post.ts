import * as core from '@actions/core'
import { backendFromRef } from './backend/from-ref.js'
import type { Backend } from './backend/types.js'
import { publishRecord } from './bottle/collect/publish.js'
import { linkArtifact } from './bottle/collect/progress-handoff.js'
import { decodeTeardownState, encodeTeardownState, TEARDOWN_STATE_KEY, type TeardownState } from './bottle/teardown/teardown-state.js'
import { undo } from './bottle/teardown/undo.js'
import { readInputs, readRunnerEnv } from './config/inputs.js'
import { parsePostConfig } from './config/post-config.js'
import { errorMessage } from './util/errors.js'
import { PhaseClock, readPhases, stepWallMs, writePhases, type PhaseRecord } from './transcript/phase-clock.js'

/** main's phases and steps, with this step's time so far added. */
function withPost(main: PhaseRecord | undefined, postMs: number): PhaseRecord {
  return {
    phases: [...(main?.phases ?? []).filter(p => p.phase !== 'post'), { phase: 'post', ms: Math.round(postMs) }],
    steps: { ...main?.steps, post: stepWallMs() }
  }
}

/**
 * The post step runs always (also after failure or cancellation): it removes whatever the
 * main step left, from the state it saved (the same undo as the main step's), then publishes the run's redacted record
 * (artifact, report, job summary). It only warns: it never fails a green job.
 */
export async function runPost(backendFor: (state: TeardownState) => Backend = backendFromRef): Promise<void> {
  try {
    const state = decodeTeardownState(core.getState(TEARDOWN_STATE_KEY))
    if (!state?.slug) {
      core.info('bot-bottle post: the main step started nothing')
      return
    }
    const stateDir = state.stateDir
    const clock = new PhaseClock(line => core.info(`bot-bottle post: ${line}`))
    const started = performance.now()
    await clock.time('post', async () => {
      // the same undo as the main step's (each step on its own), then the record
      await undo({
        state,
        save: () => core.saveState(TEARDOWN_STATE_KEY, encodeTeardownState(state)),
        backend: backendFor(state),
        sweep: true,
        prefix: 'bot-bottle post: '
      })
      // inputs are parsed after the undo: a bad one must not leave the bottle running
      if (stateDir) {
        const config = parsePostConfig(
          readInputs(name => core.getInput(name)),
          readRunnerEnv(process.env),
          process.env
        )
        const artifactUrl = await publishRecord(stateDir, config, () => withPost(readPhases(stateDir), performance.now() - started))
        await linkArtifact(stateDir, artifactUrl, config)
      }
    })
    if (stateDir) writePhases(stateDir, withPost(readPhases(stateDir), clock.timings[0]!.ms))
  } catch (err) {
    core.warning(`bot-bottle post: ${errorMessage(err)}`)
  }
}
