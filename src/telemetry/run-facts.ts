import fs from 'node:fs'
import path from 'node:path'
import type { PhaseTiming } from '../transcript/phase-clock.js'
import { jsonlObject, pricedCall } from '../transcript/model-log.js'
import { RECORD_CAPS } from '../transcript/record-sink.js'
import type { TokenCounts } from '../transcript/tokens.js'
import type { ToolTime } from '../transcript/tool-timeline.js'
import { readRegularFile } from '../util/no-follow.js'

/**
 * What the run's trace and metrics are made of, read after the run from what the host kept: the
 * phase clock, claude's stream as it arrived, and the daemons' decision logs in the state dir.
 * The logs are the host's, but their values (hosts, refs, models, tool names) are the agent's
 * choice: the trace plan redacts and caps every one.
 */

/** One request the model proxy logged. */
export interface ModelRequest {
  startMs: number
  durationMs: number
  firstByteMs?: number
  decision: string
  status?: number
  reason?: string
  /** a billed Messages call: its model, tokens and cost */
  call?: { model: string; tokens: TokenCounts; costUsd?: number }
  model?: string
}

/** One decision of a gate (egress proxy, git gate, GitHub gate): when, and what it said. */
export interface GateDecision {
  gate: 'egress' | 'git' | 'github'
  timeMs: number
  /** allowed / blocked / pushed / applied / …, as the log says */
  verdict: string
  /** host:port, ref, tool: what it was about */
  subject: string
  /** the rule or reason the log gives */
  rule: string
}

/** Where the run ran: the workflow's coordinates, from the runner's environment. */
export interface RunPlace {
  repository: string
  workflow: string
  job: string
  runId: string
  runAttempt: string
  eventName: string
}

export interface RunFacts {
  /** the main step's start (its node process) and now, ms since the epoch */
  startMs: number
  endMs: number
  place: RunPlace
  backend: string
  conclusion: string
  /** the outputs' figures, as the user reads them */
  costUsd: number
  inputTokens: number
  outputTokens: number
  numTurns: number
  phases: PhaseTiming[]
  /** every request the model proxy logged (the trace's spans take the first MAX_MODEL_SPANS; the metrics count all) */
  model: ModelRequest[]
  tools: ToolTime[]
  /** tool calls claude's stream named past the timeline's cap */
  toolsDropped: number
  /** every gate decision logged, in time order (the trace's events take the first MAX_DECISIONS; the metrics count all) */
  decisions: GateDecision[]
  /** with otel-content: the prompt and claude's answer (redacted later, as every attribute) */
  content?: { prompt: string; result: string }
}

/** The most model request spans and gate decision events a trace holds (a run can log any number: the metrics count them all). */
export const MAX_MODEL_SPANS = 1_000
export const MAX_DECISIONS = 500
/** A decision log is capped where it is written (record-sink.ts): a larger file is not the run's. */
const MAX_LOG_BYTES = RECORD_CAPS.decisionLog + 64 * 1024

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined)

/** The lines of a host log in the state dir, up to MAX_LOG_BYTES (never through a link). */
function logLines(stateDir: string, name: string): string[] {
  const data = readRegularFile(path.join(stateDir, name), MAX_LOG_BYTES)
  return data
    ? data
        .toString('utf8')
        .split('\n')
        .filter(l => l.trim())
    : []
}

/** model.jsonl as requests (lines that are not a timed JSON object are skipped). */
export function modelRequests(lines: readonly string[]): ModelRequest[] {
  const requests: ModelRequest[] = []
  for (const line of lines) {
    const row = jsonlObject(line)
    const startMs = row && Date.parse(text(row['time']))
    if (!row || !startMs || Number.isNaN(startMs)) continue
    const call = pricedCall(row)
    requests.push({
      startMs,
      durationMs: count(row['duration_ms']) ?? 0,
      firstByteMs: count(row['first_byte_ms']),
      decision: text(row['decision']),
      status: count(row['status']),
      reason: text(row['reason']) || undefined,
      model: text(row['model']) || undefined,
      ...(call && { call })
    })
  }
  return requests
}

/** One gate's log as decisions. */
function decisionsOf(gate: GateDecision['gate'], lines: readonly string[]): GateDecision[] {
  const out: GateDecision[] = []
  for (const line of lines) {
    const row = jsonlObject(line)
    const timeMs = row && Date.parse(text(row['time']))
    if (!row || !timeMs || Number.isNaN(timeMs)) continue
    const subject =
      gate === 'egress'
        ? `${text(row['host'])}:${text(row['port'])}`
        : gate === 'git'
          ? text(row['ref']) || text(row['service'])
          : `${text(row['tool'])} ${text(row['target'])}`.trim()
    out.push({ gate, timeMs, verdict: text(row['decision']), subject, rule: text(row['rule']) || text(row['reason']) })
  }
  return out
}

/** Every gate's decisions, in time order. */
export function gateDecisions(stateDir: string): GateDecision[] {
  const gates: [GateDecision['gate'], string][] = [
    ['egress', 'egress.jsonl'],
    ['git', 'git.jsonl'],
    ['github', 'github.jsonl']
  ]
  return gates.flatMap(([gate, file]) => decisionsOf(gate, logLines(stateDir, file))).sort((a, b) => a.timeMs - b.timeMs)
}

/** The workflow's coordinates from the runner's environment. */
export function runPlace(env: NodeJS.ProcessEnv): RunPlace {
  return {
    repository: env['GITHUB_REPOSITORY'] ?? '',
    workflow: env['GITHUB_WORKFLOW'] ?? '',
    job: env['GITHUB_JOB'] ?? '',
    runId: env['GITHUB_RUN_ID'] ?? '',
    runAttempt: env['GITHUB_RUN_ATTEMPT'] ?? '',
    eventName: env['GITHUB_EVENT_NAME'] ?? ''
  }
}

/** The model log's requests and the gates' decisions of a run's state dir. */
export function readRunLogs(stateDir: string): Pick<RunFacts, 'model' | 'decisions'> {
  if (!stateDir || !fs.existsSync(stateDir)) return { model: [], decisions: [] }
  return { model: modelRequests(logLines(stateDir, 'model.jsonl')), decisions: gateDecisions(stateDir) }
}
