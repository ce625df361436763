import * as core from '@actions/core'
import { removeStage } from '../workspace/stage.js'
import type { Backend } from '../../backend/types.js'
import { errorMessage } from '../../util/errors.js'
import type { Bottle } from '../launch/launch.js'
import { reportClosed } from '../launch/daemon-report.js'
import { RUN_LABEL } from '../prepare/plan.js'
import { teardownResources } from './teardown.js'
import type { TeardownState } from './teardown-state.js'

/** What one undo acts on: the ledger (teardown state) and, in the main step, the live objects. */
export interface UndoScope {
  state: TeardownState
  /** writes the ledger to GITHUB_STATE (so a later step knows what is left) */
  save(): void
  backend?: Backend
  /** the main step's host daemons */
  bottle?: Bottle
  /** the post step: also remove anything still labelled with the run's slug */
  sweep?: boolean
  /** log prefix ('bot-bottle post: ') */
  prefix?: string
  /** main's own teardown, after launch settled (not the signal handler's, which may race a create): a clean one is noted in the ledger */
  final?: boolean
}

/** Runs one step of the undo; a failure is one warning line and never skips the next step. */
async function step(prefix: string, what: string, act: () => Promise<void> | void): Promise<void> {
  try {
    await act()
  } catch (err) {
    core.warning(`${prefix}could not ${what}: ${errorMessage(err)}`)
  }
}

/**
 * The one undo that main's `finally`, the second-signal handler and the post step all call:
 * remove the bottle and its network (and, in the post step, anything labelled with the run),
 * then stop the daemons. Nothing on the runner needs putting back: the bottle only ever had its
 * own copy of the workspace. Idempotent.
 *
 * The bottle goes first: while it lives, a process the agent left behind can hold a connection
 * to a daemon open, and nothing the guest does may delay its own removal. The daemons' close()
 * ends their connections and has a deadline of its own.
 */
export async function undo(s: UndoScope): Promise<void> {
  const prefix = s.prefix ?? ''
  let gone = false
  const backend = s.backend
  if (backend) {
    await step(prefix, 'remove the bottle', async () => {
      if (s.sweep && s.state.tornDown) {
        core.info(`${prefix}nothing left to tear down (the main step removed the bottle, its relay and its network); transcripts kept in ${s.state.stateDir}`)
        gone = true
      } else if (s.sweep && s.state.slug) {
        // whatever the main step managed or not: everything labelled with the run's slug
        const removed = await backend.sweep(RUN_LABEL, s.state.slug)
        core.info(`${prefix}${removed.length ? `removed ${removed.join(', ')}` : 'nothing left to tear down'}; transcripts kept in ${s.state.stateDir}`)
        gone = true
      } else gone = await teardownResources(backend, s.state)
      if (gone && s.final && !s.sweep) {
        s.state.tornDown = true
        s.save()
      }
    })
  }
  if (s.bottle) reportClosed(await s.bottle.daemons.close(), prefix)
  // the copy-in's staged files (copies of workspace files), if a run ended before it emptied them
  if (s.state.stateDir) {
    try {
      removeStage(s.state.stateDir)
    } catch {
      // best effort: the post step tries again
    }
  }
}
