import type { RunTelemetry } from '../../telemetry/run-telemetry.js'
import * as core from '@actions/core'
import type { Backend } from '../../backend/types.js'
import type { UpstreamVerdict } from '../../proxy/upstream-health.js'
import { Redactor } from '../../transcript/redact.js'
import type { StructuredCheck } from '../../transcript/structured-output.js'
import { Cancellation } from './cancellation.js'
import type { Bottle } from '../launch/launch.js'
import { PhaseClock } from '../../transcript/phase-clock.js'
import type { RunControl, RunOutcome } from './run-claude.js'
import type { RunRecords } from './run-records.js'
import { encodeTeardownState, TEARDOWN_STATE_KEY, type TeardownState } from '../teardown/teardown-state.js'
import type { UndoScope } from '../teardown/undo.js'
import type { WorkspaceCopy } from '../workspace/workspace-copy.js'
import type { DoorOutcome } from '../../workspace-door/door.js'
import type { ProgressComment } from '../../githubgate/progress-comment.js'

/**
 * What the main step has done so far: each stage writes what it made here, and the teardown,
 * the signal handler and the outputs read it whatever stage the run got to.
 */
export class RunLedger {
  readonly clock = new PhaseClock(line => core.info(line))
  /** what teardown removes and puts back, in the step's state as soon as each part exists (the post step reads it) */
  readonly teardown: TeardownState = { backend: 'docker' }
  /** the running claude, which a cancellation, a record fault or the upstream's verdict stops */
  readonly control: RunControl = {}
  readonly cancellation = new Cancellation()
  /** the known secrets; once the workspace is isolated, the checkout's credentials too */
  redactor: Redactor
  backend?: Backend
  /** what killed runs left, being removed beside this run's start (awaited before teardown) */
  reaping: Promise<unknown> = Promise.resolve()
  /** the state dir, once prepared ('' before) */
  transcriptDir = ''
  records?: RunRecords
  bottle?: Bottle
  outcome?: RunOutcome
  /** what the model upstream's answers ended the run with */
  verdict?: UpstreamVerdict
  /** claude's answer checked against json-schema */
  structured?: StructuredCheck
  /** the runner's workspace as the bottle's copy has it (the door compares with it after the run) */
  workspace?: WorkspaceCopy
  /** the step already failed with claude's own line (the door's refusal then adds none) */
  failed = false
  /** what the workspace door brought back and refused */
  door?: DoorOutcome
  /** the comment kept up to date on the triggering pull request or issue (progress-comment) */
  progress?: ProgressComment
  /** the run's OpenTelemetry export, when an endpoint is set */
  telemetry?: RunTelemetry
  /** the trigger check refused the run: nothing was started */
  notAllowed = false

  constructor(known: string[]) {
    this.redactor = new Redactor(known)
  }

  /** Writes the teardown state to GITHUB_STATE. */
  saveTeardown(): void {
    core.saveState(TEARDOWN_STATE_KEY, encodeTeardownState(this.teardown))
  }

  /** Stops claude if it runs (the normal path then tears down). */
  stopClaude(): void {
    this.control.current?.kill('SIGTERM')
  }

  /** What an undo acts on now: the teardown state and the live backend and bottle. */
  undoScope(): UndoScope {
    return { state: this.teardown, save: () => this.saveTeardown(), backend: this.backend, bottle: this.bottle }
  }
}
