/** A run's facts for the telemetry tests: every kind of span, a secret planted in what the agent chooses. */
import type { RunFacts } from '../../src/telemetry/run-facts.js'
import { Redactor } from '../../src/transcript/redact.js'

export const SECRET = 'sk-ant-api03-telemetry-secret-0123456789'
export const redactor = new Redactor([SECRET])
export const ctx = { redact: (t: string) => redactor.redact(t), provider: 'anthropic' }

export function facts(over: Partial<RunFacts> = {}): RunFacts {
  const t0 = 1_760_000_000_000
  return {
    startMs: t0,
    endMs: t0 + 10_000,
    place: { repository: 'o/r', workflow: 'agent', job: 'fix', runId: '77', runAttempt: '2', eventName: 'pull_request' },
    backend: 'docker',
    conclusion: 'success',
    costUsd: 0.0123,
    inputTokens: 300,
    outputTokens: 40,
    numTurns: 2,
    phases: [
      { phase: 'prepare', ms: 100, at: t0 + 200 },
      { phase: 'claude', ms: 5000, at: t0 + 3000 },
      { phase: 'post', ms: 50 }
    ],
    model: [
      {
        startMs: t0 + 3100,
        durationMs: 900,
        firstByteMs: 250,
        decision: 'forwarded',
        status: 200,
        model: 'claude-sonnet-4-5',
        call: { model: 'claude-sonnet-4-5', tokens: { input: 300, output: 40, cacheRead: 100, cacheCreation: 50 }, costUsd: 0.0123 }
      },
      { startMs: t0 + 4200, durationMs: 3, decision: 'refused', status: 403, reason: `key ${SECRET}` }
    ],
    tools: [
      { id: 'toolu_1', name: 'Bash', startMs: t0 + 4100, endMs: t0 + 4600, error: false },
      { id: 'toolu_2', name: `mcp__evil__${SECRET}`, startMs: t0 + 5000 }
    ],
    decisions: [
      { gate: 'egress', timeMs: t0 + 4300, verdict: 'blocked', subject: `${SECRET}.example:443`, rule: 'not allowed' },
      { gate: 'git', timeMs: t0 + 4400, verdict: 'blocked', subject: 'refs/heads/main', rule: 'protected ref' }
    ],
    toolsDropped: 0,
    ...over
  }
}
