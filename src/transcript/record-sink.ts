import fs from 'node:fs'
import path from 'node:path'

/**
 * A host record the run writes as it goes (stream.jsonl, stderr.log, the daemons' decision
 * logs). The agent decides how much of it there is, so each has a cap; and the disk under
 * RUNNER_TEMP can fill (the agent can fill it: claude's config dir lives there), so a failed
 * write is reported once and never thrown — an unhandled stream error would kill the step.
 */

/** Caps per record (bytes), documented in the README. */
export const RECORD_CAPS = {
  'stream.jsonl': 256 * 1024 * 1024,
  'stderr.log': 16 * 1024 * 1024,
  decisionLog: 16 * 1024 * 1024
} as const

/** errno codes that mean the disk cannot take a write (full, over quota, read-only) */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG'])

/** Whether `err` is the disk refusing a write. */
export function isDiskFault(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | undefined
  if (!(e instanceof Error)) return false
  // some libraries rethrow the fs error with its message only
  e.code ??= /^(E[A-Z]+):/.exec(e.message)?.[1]
  return DISK_CODES.has(String(e.code))
}

export interface RecordFault {
  file: string
  /** errno code, e.g. ENOSPC */
  code: string
  message: string
}

/** Where a record's trouble is told: the main step stops an unrecorded run, and notes what was cut. */
export interface RecordWatch {
  onFault(fault: RecordFault): void
  onCapped(file: string, keptBytes: number, cap: number): void
}

/** Nobody listening: for daemons started outside a run (tests, benchmarks). */
export const IGNORE_RECORDS: RecordWatch = { onFault: () => undefined, onCapped: () => undefined }

export class RecordSink {
  private readonly stream: fs.WriteStream
  private written = 0
  private stopped = false

  constructor(
    readonly file: string,
    private readonly cap: number,
    private readonly watch: RecordWatch = IGNORE_RECORDS,
    flags: 'w' | 'a' = 'w'
  ) {
    this.stream = fs.createWriteStream(file, { flags, mode: 0o600 })
    this.stream.on('error', err => {
      this.stopped = true
      const e = err as NodeJS.ErrnoException
      this.watch.onFault({ file, code: e.code ?? 'EIO', message: e.message })
    })
  }

  /** Appends `text` unless the cap is reached (then nothing more is kept) or a write failed. */
  write(text: string | Buffer): void {
    if (this.stopped) return
    const bytes = Buffer.byteLength(text)
    if (this.written + bytes > this.cap) {
      this.stopped = true
      this.watch.onCapped(path.basename(this.file), this.written, this.cap)
      return
    }
    this.written += bytes
    this.stream.write(text)
  }

  /** Flushes and closes; resolves also when the stream failed. */
  end(): Promise<void> {
    return new Promise<void>(resolve => {
      if (this.stream.destroyed || this.stream.writableFinished) return resolve()
      this.stream.once('error', () => resolve())
      this.stream.end(() => resolve())
    })
  }
}

/** Writes a small host record (0600) at once; a refused write is one warning, never a throw. */
export function writeRecordFile(file: string, text: string, warn: (line: string) => void): boolean {
  try {
    fs.writeFileSync(file, text, { mode: 0o600 })
    return true
  } catch (err) {
    warn(`could not write ${path.basename(file)}: ${(err as Error).message}`)
    return false
  }
}
