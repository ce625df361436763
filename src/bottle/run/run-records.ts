import path from 'node:path'
import * as core from '@actions/core'
import type { SkippedEntry } from '../../transcript/guest-files.js'
import { type RecordFault, type RecordWatch, writeRecordFile } from '../../transcript/record-sink.js'
import { RECORD_NOTES } from '../../transcript/record-files.js'

const FREE_SPACE =
  "Free space on the runner (the run's record is written there as claude runs, claude's config dir is copied there after) " +
  'or point RUNNER_TEMP at a larger disk'

/** The fault code of a record that reached its cap (not an errno: the disk is fine). */
export const RECORD_CAPPED = 'RECORD_CAPPED'

/** The one line for a record the disk refused (or that reached its cap) during the run: which file, why, and what to do. */
export function diskFaultLine(fault: RecordFault, runnerTemp: string): string {
  if (fault.code === RECORD_CAPPED) {
    return (
      `The run's record ${path.basename(fault.file)} was ${fault.message}. A run whose actions are no longer recorded does not go on, ` +
      'so claude was stopped (an agent can fill a record on purpose to hide what it does next)'
    )
  }
  const what = `${path.basename(fault.file)}: ${fault.code} ${fault.message.replace(/^E[A-Z]+: /, '')}`
  return (
    `The run's record cannot be written under RUNNER_TEMP (${runnerTemp}): ${what}. ` +
    `A run that cannot be recorded does not go on, so claude was stopped. ${FREE_SPACE}`
  )
}

/** The one line for a disk that refused a write before claude ran (the state dir, the claude download). */
export function diskFullBeforeRunLine(err: Error, runnerTemp: string): string {
  return `Cannot write under RUNNER_TEMP (${runnerTemp}): ${err.message}. The run stopped before claude ran. ${FREE_SPACE}`
}

/**
 * The main step's watch over the run's records: the first write the disk refuses stops claude
 * (an agent whose actions are not recorded is what this action exists to prevent). A record that
 * reaches its cap stops claude too — the agent decides how much goes into each record, and could
 * otherwise fill one (16 MiB of refused requests in egress.jsonl, say) and act unrecorded from
 * then on — and is noted in `record-notes.json` at once (so the post step's report says what
 * was cut even if this process is killed) and warned about once.
 */
export class RunRecords implements RecordWatch {
  fault?: RecordFault
  private readonly notes: SkippedEntry[] = []

  constructor(
    private readonly stateDir: string,
    private readonly stop: () => void
  ) {}

  /** Before claude runs: a record already refused (or cut) ends the run, as it would have stopped claude. */
  throwIfFaulted(): void {
    const f = this.fault
    if (f) throw Object.assign(new Error(`${path.basename(f.file)}: ${f.message}`), { code: f.code })
  }

  onFault(fault: RecordFault): void {
    if (this.fault) return
    this.fault = fault
    this.stop()
  }

  onCapped(file: string, keptBytes: number, cap: number): void {
    const reason = `cut at ${keptBytes} bytes: the record reached its cap of ${cap} bytes, what followed was not kept`
    core.warning(`${file}: ${reason}`)
    this.notes.push({ source: file, reason })
    // a refused write is silent: the warning above still says it
    writeRecordFile(path.join(this.stateDir, RECORD_NOTES), `${JSON.stringify(this.notes, null, 2)}\n`, () => undefined)
    this.onFault({ file, code: RECORD_CAPPED, message: reason })
  }
}
