import type { RunFacts } from '../../telemetry/run-facts.js'
import { runPlace } from '../../telemetry/run-facts.js'
import type { Outputs } from './outputs.js'
import type { RunLedger } from '../run/run-ledger.js'

/** What the run's trace says of the run as it ended: the settled outputs' figures, the phase clock, claude's tool calls as they arrived. */
export function telemetryFacts(ledger: RunLedger, settled: Outputs, env: NodeJS.ProcessEnv): Omit<RunFacts, 'model' | 'decisions' | 'content'> {
  const n = (v: string) => (Number.isFinite(Number(v)) ? Number(v) : 0)
  return {
    // the step's node process started at timeOrigin: the root span is the whole step as the runner ran it
    startMs: Math.round(performance.timeOrigin),
    endMs: Date.now(),
    place: runPlace(env),
    backend: ledger.backend?.kind ?? '',
    conclusion: settled.conclusion,
    costUsd: n(settled['cost-usd']),
    inputTokens: n(settled['input-tokens']),
    outputTokens: n(settled['output-tokens']),
    numTurns: n(settled['num-turns']),
    phases: ledger.clock.timings,
    tools: ledger.outcome?.toolTimes.calls ?? [],
    toolsDropped: ledger.outcome?.toolTimes.dropped ?? 0
  }
}
