import type { Backend } from '../../backend/types.js'
import type { Config } from '../../config/config.js'
import type { UpstreamVerdict } from '../../proxy/upstream-health.js'
import { isDiskFault, type RecordFault } from '../../transcript/record-sink.js'
import { errorMessage } from '../../util/errors.js'
import type { StructuredCheck } from '../../transcript/structured-output.js'
import { engineLostLine } from './engine-health.js'
import type { RunOutcome } from './run-claude.js'
import { diskFaultLine, diskFullBeforeRunLine } from './run-records.js'

/** One line saying why a run did not succeed. */
export function failureReason(outcome: RunOutcome, timeoutMinutes: number): string {
  switch (outcome.conclusion) {
    case 'timeout':
      return `claude did not finish within timeout-minutes (${timeoutMinutes})`
    case 'max-turns':
      return `claude used up max-turns after ${outcome.result?.numTurns ?? '?'} turns; raise max-turns or narrow the task`
    case 'error':
      return `claude exited ${outcome.exitCode ?? 'on a signal'} without a result; see ${outcome.stderrFile}`
    default:
      return (outcome.result?.result || 'claude reported an error').split('\n')[0]!
  }
}

/** The one line for a run the model upstream's answers ended: the input to fix, and what the upstream said. */
export function verdictLine(v: UpstreamVerdict, config: Config): string {
  const kind = config.credential.kind
  if (v.conclusion === 'auth-error' && kind === 'bedrock') {
    return (
      `Input 'provider' (bedrock, aws-region '${config.credential.region}'): no usable AWS credentials on the runner (${v.detail}). ` +
      'Check the role aws-actions/configure-aws-credentials assumed before this step, its bedrock:InvokeModel* permissions and model access in that region'
    )
  }
  if (v.conclusion === 'auth-error' && kind === 'vertex') {
    return (
      `Input 'provider' (vertex, vertex-project '${config.credential.project}'): no usable Google Cloud credentials on the runner (${v.detail}). ` +
      'Check google-github-actions/auth before this step, and that its identity may use Vertex AI (roles/aiplatform.user) in that project'
    )
  }
  if (v.conclusion === 'auth-error') {
    const input = config.credential.kind === 'api-key' ? 'anthropic-api-key' : 'claude-code-oauth-token'
    return `Input '${input}': the model API refused this credential (${v.detail}). Check the secret and what it is allowed to do`
  }
  if (v.conclusion === 'budget-exceeded') return `${v.detail}; the model proxy refused further requests. Raise the cap or narrow the task`
  const upstream = new URL(config.anthropicBaseUrl).origin
  return `Input 'anthropic-base-url': ${upstream} cannot be reached: ${v.detail}. Check the URL, and the runner's network or its HTTPS_PROXY`
}

/** What ended the run, as main saw it. */
export interface RunEnd {
  cancelled: boolean
  verdict?: UpstreamVerdict
  recordFault?: RecordFault
  outcome: RunOutcome
  structured?: StructuredCheck
  config: Config
  backend?: Backend
}

/**
 * The one error line of a run that did not succeed (undefined: it did), by precedence: a
 * cancellation, what the host saw upstream, a record that could not be kept, an engine that went
 * away, then claude's own conclusion, and last an answer that did not match json-schema.
 */
export async function failureLine(end: RunEnd): Promise<string | undefined> {
  const { verdict, recordFault, outcome, structured, config } = end
  if (end.cancelled) return "claude run concluded 'cancelled': the run was cancelled"
  if (verdict) return `claude run concluded '${verdict.conclusion}': ${verdictLine(verdict, config)}`
  if (recordFault) return `claude run concluded 'error': ${diskFaultLine(recordFault, config.runner.runnerTemp)}`
  if (outcome.conclusion !== 'success') {
    const lost = outcome.conclusion === 'error' ? await engineLostLine(end.backend) : undefined
    return `claude run concluded '${outcome.conclusion}': ${lost ?? failureReason(outcome, config.timeoutMinutes)}`
  }
  if (structured && !structured.ok) return `claude run concluded 'invalid-output': ${structured.reason}`
  return undefined
}

/** The error line of a run that stopped before claude's end: the cause a user can act on (a full disk, an engine that went away), not its symptom. */
export async function stoppedRunLine(err: unknown, backend: Backend | undefined, runnerTemp: string): Promise<string> {
  if (isDiskFault(err)) return diskFullBeforeRunLine(err, runnerTemp)
  return (await engineLostLine(backend)) ?? errorMessage(err)
}
