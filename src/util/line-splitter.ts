/**
 * Splits a byte stream into lines with bounded memory: a line longer than `maxBytes` is never
 * held whole. Its first bytes are dropped as soon as it passes the cap, the rest is counted
 * and skipped up to its newline, and the caller hears of it once, with its full length.
 */

/** What a line longer than the cap became: its length, nothing of its content. */
export interface OverlongLine {
  bytes: number
  maxBytes: number
}

/** 16 MiB: far above any line claude writes (its tool outputs are cut to a few hundred KiB). */
export const MAX_STREAM_LINE_BYTES = 16 * 1024 * 1024

const NEWLINE = 0x0a

export class LineSplitter {
  private parts: Buffer[] = []
  private held = 0
  /** bytes of the current line when it is over the cap (then nothing of it is held) */
  private skipped = 0

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (line: OverlongLine) => void,
    private readonly maxBytes = MAX_STREAM_LINE_BYTES
  ) {}

  push(chunk: Buffer): void {
    let start = 0
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.take(chunk.subarray(start, nl))
      this.endLine()
      start = nl + 1
    }
    if (start < chunk.length) this.take(chunk.subarray(start))
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.held > 0 || this.skipped > 0) this.endLine()
  }

  private take(bytes: Buffer): void {
    if (this.skipped > 0) {
      this.skipped += bytes.length
      return
    }
    if (this.held + bytes.length > this.maxBytes) {
      this.skipped = this.held + bytes.length
      this.parts = []
      this.held = 0
      return
    }
    if (bytes.length) this.parts.push(bytes)
    this.held += bytes.length
  }

  private endLine(): void {
    if (this.skipped > 0) {
      this.onOverlong({ bytes: this.skipped, maxBytes: this.maxBytes })
    } else {
      const text = Buffer.concat(this.parts, this.held).toString('utf8')
      this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text)
    }
    this.parts = []
    this.held = 0
    this.skipped = 0
  }
}

/** A splitter that hands each line to `onLine`, and an over-long one as '' with its `overlong` (the streamers' contract). */
export function lineSplitterFor(onLine: (line: string, overlong?: OverlongLine) => void): LineSplitter {
  return new LineSplitter(
    line => onLine(line),
    overlong => onLine('', overlong)
  )
}
