import { BLOCK, parseHeader, parsePax, type TarType } from './tar-header.js'

/**
 * A tar stream read as hostile data, chunk by chunk as it arrives (nothing buffered but one
 * header or one name record): headers are checksummed, pax and GNU long-name records are
 * bounded, and every entry is handed to the caller, who decides what, if anything, to keep.
 * It never touches the file system.
 */

export interface TarEntry {
  /** the name as the archive gives it (pax `path` / GNU long name applied): a label until the caller vets it */
  name: string
  type: TarType
  mode: number
  size: number
  linkname: string
}

export interface TarSink {
  /** a new entry; its `size` bytes follow through data() */
  entry(e: TarEntry): void
  data(chunk: Buffer): void
  /** the entry's bytes are complete */
  entryEnd(): void
}

/** The most a pax or long-name record may hold: names, not data. */
const MAX_META_BYTES = 1024 * 1024

export class TarReader {
  private buffered: Buffer[] = []
  private bufferedLength = 0
  /** bytes of the current entry's data still to come, then its padding */
  private remaining = 0
  private padding = 0
  private inEntry = false
  /** a pax or long-name record being gathered */
  private meta?: { kind: TarType; parts: Buffer[]; size: number }
  private pending: { path?: string; linkpath?: string; size?: number } = {}
  ended = false

  constructor(private readonly sink: TarSink) {}

  push(chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset)
        const part = chunk.subarray(offset, offset + take)
        if (this.meta) this.meta.parts.push(part)
        else this.sink.data(part)
        this.remaining -= take
        offset += take
        if (this.remaining === 0) this.finishData()
        continue
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, chunk.length - offset)
        this.padding -= skip
        offset += skip
        continue
      }
      const need = BLOCK - this.bufferedLength
      const part = chunk.subarray(offset, offset + need)
      this.buffered.push(part)
      this.bufferedLength += part.length
      offset += part.length
      if (this.bufferedLength === BLOCK) {
        const block = Buffer.concat(this.buffered)
        this.buffered = []
        this.bufferedLength = 0
        this.header(block)
      }
    }
  }

  /** The stream is over: throws if it stopped inside an entry. */
  end(): void {
    if (this.remaining > 0 || this.inEntry || this.meta || this.bufferedLength > 0) throw new Error('tar: the archive ends inside an entry')
  }

  private header(block: Buffer): void {
    const h = parseHeader(block)
    if (!h) {
      this.ended = true // the first zero block ends it: what follows is not read
      return
    }
    if (h.type === 'pax' || h.type === 'pax-global' || h.type === 'gnu-longname' || h.type === 'gnu-longlink') {
      if (h.size > MAX_META_BYTES) throw new Error(`tar: a ${h.type} record of ${h.size} bytes is larger than a name can be`)
      this.meta = { kind: h.type, parts: [], size: h.size }
      this.startData(h.size)
      return
    }
    const name = this.pending.path ?? h.name
    const linkname = this.pending.linkpath ?? h.linkname
    const size = this.pending.size ?? h.size
    this.pending = {}
    // only regular files carry data: a link or directory that claims a size gets none read as its content
    const dataSize = h.type === 'file' || h.type === 'other' ? size : h.size
    this.inEntry = true
    this.sink.entry({ name, type: h.type, mode: h.mode, size: dataSize, linkname })
    this.startData(dataSize)
  }

  private startData(size: number): void {
    this.remaining = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK
    if (size === 0) this.finishData()
  }

  private finishData(): void {
    const meta = this.meta
    if (meta) {
      this.meta = undefined
      const data = Buffer.concat(meta.parts)
      if (meta.kind === 'gnu-longname') this.pending.path = data.toString('utf8').replace(/\0+$/, '')
      else if (meta.kind === 'gnu-longlink') this.pending.linkpath = data.toString('utf8').replace(/\0+$/, '')
      else if (meta.kind === 'pax') {
        const rec = parsePax(data)
        if (rec.has('path')) this.pending.path = rec.get('path')
        if (rec.has('linkpath')) this.pending.linkpath = rec.get('linkpath')
        const size = rec.get('size')
        if (size !== undefined) {
          if (!/^\d+$/.test(size)) throw new Error('tar: a pax size is not a number')
          this.pending.size = Number(size)
        }
      }
      return
    }
    this.inEntry = false
    this.sink.entryEnd()
  }
}
