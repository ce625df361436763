import fs from 'node:fs'
import path from 'node:path'
import type { PhaseTiming } from '../transcript/phase-clock.js'
import { modelLogRow, pricedCall } from '../transcript/model-log.js'
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
  model: ModelRequest[]
  tools: ToolTime[]
  decisions: GateDecision[]
  /** what did not fit (the caps below), per kind */
  dropped: { model: number; decisions: number }
  /** with otel-content: the prompt and claude's answer (redacted later, as every attribute) */
  content?: { prompt: string; result: string }
}

/** The most model requests and gate decisions a trace holds (a run can log any number). */
export const MAX_MODEL_SPANS = 1_000
export const MAX_DECISIONS = 500
/** A decision log is capped where it is written (record-sink.ts): a larger file is not the run's. */
const MAX_LOG_BYTES = RECORD_CAPS.decisionLog + 64 * 1024

type Json = Record<string, unknown>
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

/** model.jsonl as requests, the first MAX_MODEL_SPANS of them. */
export function modelRequests(lines: readonly string[]): { requests: ModelRequest[]; dropped: number } {
  const requests: ModelRequest[] = []
  for (const line of lines) {
    const row = modelLogRow(line)
    const startMs = row && Date.parse(text(row['time']))
    if (!row || !startMs || Number.isNaN(startMs)) continue
    if (requests.length >= MAX_MODEL_SPANS) return { requests, dropped: lines.length - requests.length }
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
  return { requests, dropped: 0 }
}

/** One gate's log as decisions. */
function decisionsOf(gate: GateDecision['gate'], lines: readonly string[]): GateDecision[] {
  const out: GateDecision[] = []
  // each log is in time order: past the first MAX_DECISIONS lines none can be among the first MAX_DECISIONS of all
  for (const line of lines.slice(0, MAX_DECISIONS)) {
    const row = modelLogRow(line) as Json | undefined
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

/** Every gate's decisions in time order, the first MAX_DECISIONS of them. */
export function gateDecisions(stateDir: string): { decisions: GateDecision[]; dropped: number } {
  const logs = { egress: logLines(stateDir, 'egress.jsonl'), git: logLines(stateDir, 'git.jsonl'), github: logLines(stateDir, 'github.jsonl') }
  const all = (Object.entries(logs) as [GateDecision['gate'], string[]][]).flatMap(([gate, lines]) => decisionsOf(gate, lines))
  all.sort((a, b) => a.timeMs - b.timeMs)
  const lines = logs.egress.length + logs.git.length + logs.github.length
  return { decisions: all.slice(0, MAX_DECISIONS), dropped: Math.max(0, lines - MAX_DECISIONS) }
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
export function readRunLogs(stateDir: string): Pick<RunFacts, 'model' | 'decisions' | 'dropped'> {
  const model = stateDir && fs.existsSync(stateDir) ? modelRequests(logLines(stateDir, 'model.jsonl')) : { requests: [], dropped: 0 }
  const gates = stateDir && fs.existsSync(stateDir) ? gateDecisions(stateDir) : { decisions: [], dropped: 0 }
  return { model: model.requests, decisions: gates.decisions, dropped: { model: model.dropped, decisions: gates.dropped } }
}
