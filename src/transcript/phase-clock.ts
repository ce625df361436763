import fs from 'node:fs'
import path from 'node:path'
import { readRegularFile } from '../util/no-follow.js'

/** The phases of one run, in the order they run; main times all but the last, the post step the last. */
export const PHASES = [
  'resolve backend',
  'prepare',
  'network',
  'daemons',
  'bottle start',
  'provision',
  'claude',
  'bring back',
  'collect',
  'teardown',
  'post'
] as const
export type Phase = (typeof PHASES)[number]

export interface PhaseTiming {
  phase: Phase
  ms: number
  /** when it (first) started, ms since the epoch: where its span starts in the run's trace */
  at?: number
}

/** What the benchmarks and the post step read: each phase, and each step's whole wall time (from its node process's start). */
export interface PhaseRecord {
  phases: PhaseTiming[]
  steps: { main?: number; post?: number }
}

/** In the state dir, beside the other host records. */
export const PHASES_FILE = 'phases.json'

/**
 * Times the run's phases: one log line per phase as it ends, and the list for the table.
 * A phase timed twice (never, today) adds up.
 */
export class PhaseClock {
  readonly timings: PhaseTiming[] = []
  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** Runs `work` as `phase`; the time is logged and kept also when it throws. */
  async time<T>(phase: Phase, work: () => Promise<T> | T): Promise<T> {
    const started = this.now()
    try {
      return await work()
    } finally {
      this.add(phase, started)
    }
  }

  /** Starts `phase` now; the returned function ends it (once). */
  start(phase: Phase): () => void {
    const started = this.now()
    let ended = false
    return () => {
      if (ended) return
      ended = true
      this.add(phase, started)
    }
  }

  private add(phase: Phase, started: number): void {
    const took = this.now() - started
    const whole = Math.max(0, Math.round(took))
    const known = this.timings.find(t => t.phase === phase)
    if (known) known.ms += whole
    else this.timings.push({ phase, ms: whole, at: Math.round(Date.now() - took) })
    this.log(`⏱ ${phase}: ${whole} ms`)
  }
}

/** This node process's wall time so far (it started at performance.timeOrigin: node's own start and the bundle's load included). */
export function stepWallMs(): number {
  return Math.round(performance.now())
}

/** The record in the state dir, checked field by field (written by the host, but read as data all the same). */
export function readPhases(stateDir: string): PhaseRecord | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(readRegularFile(path.join(stateDir, PHASES_FILE))?.toString('utf8') ?? '')
  } catch {
    return undefined
  }
  const r = raw as Partial<PhaseRecord> | null
  if (!r || !Array.isArray(r.phases)) return undefined
  const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined)
  const phases = r.phases.flatMap(p => (PHASES.includes(p?.phase) && ms(p?.ms) !== undefined ? [{ phase: p.phase, ms: ms(p.ms)! }] : []))
  const steps = { main: ms(r.steps?.main), post: ms(r.steps?.post) }
  return { phases, steps }
}

/** Writes (replaces) the record; a failure to write is the caller's warning, never the run's end. */
export function writePhases(stateDir: string, record: PhaseRecord): void {
  fs.writeFileSync(path.join(stateDir, PHASES_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
}

/** The job summary's table: each phase, its share of the two steps, and what was not in any phase (node's start, loading the bundle). */
export function renderPhaseTable(record: PhaseRecord): string {
  const total = (record.steps.main ?? 0) + (record.steps.post ?? 0)
  const timed = record.phases.reduce((sum, p) => sum + p.ms, 0)
  const share = (ms: number) => (total > 0 ? `${Math.round((100 * ms) / total)}%` : '')
  const rows = record.phases.map(p => `| ${p.phase} | ${p.ms} | ${share(p.ms)} |`)
  if (total > 0)
    rows.push(
      `| (outside the phases: node start, bundle load) | ${Math.max(0, total - timed)} | ${share(Math.max(0, total - timed))} |`,
      `| **main + post** | **${total}** | 100% |`
    )
  return ['**Where the time went** (ms)', '', '| phase | ms | share |', '|---|---|---|', ...rows, ''].join('\n')
}
