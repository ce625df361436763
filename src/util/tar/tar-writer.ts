import type { Writable } from 'node:stream'
import { BLOCK, encodeHeader, fitsUstar, type HeaderFields, paxRecord } from './tar-header.js'

const BATCH_BYTES = 1024 * 1024

/**
 * Writes a tar stream entry by entry into `out`, waiting whenever `out` is full (the archive is
 * never held whole in memory). Names longer than ustar holds go in a pax record first.
 */
export class TarWriter {
  constructor(
    private readonly out: Writable,
    private readonly owner: { uid: number; gid: number }
  ) {}

  /** small pieces (headers, small files) gathered into one write: thousands of tiny writes cost more than the bytes */
  private pending: Buffer[] = []
  private pendingBytes = 0

  private async write(chunk: Buffer): Promise<void> {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= BATCH_BYTES) await this.flush()
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    if (this.out.write(chunk)) return
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.out.off('error', onError)
        resolve()
      }
      const onError = (err: Error) => {
        this.out.off('drain', onDrain)
        reject(err)
      }
      this.out.once('drain', onDrain)
      this.out.once('error', onError)
    })
  }

  private async header(h: Omit<HeaderFields, 'uid' | 'gid'>): Promise<void> {
    const pax: string[] = []
    if (!fitsUstar(h.name)) pax.push(paxRecord('path', h.name))
    if (h.linkname && !fitsUstar(h.linkname)) pax.push(paxRecord('linkpath', h.linkname))
    if (pax.length) {
      const data = Buffer.from(pax.join(''), 'utf8')
      await this.write(encodeHeader({ name: 'PaxHeader', type: 'pax', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: h.mtime }))
      await this.write(padded(data))
    }
    await this.write(encodeHeader({ ...h, ...this.owner, name: truncated(h.name), linkname: h.linkname && truncated(h.linkname) }))
  }

  async directory(name: string, mode: number, mtime: number): Promise<void> {
    await this.header({ name: name.endsWith('/') ? name : `${name}/`, type: 'dir', mode, size: 0, mtime })
  }

  async symlink(name: string, target: string, mtime: number): Promise<void> {
    await this.header({ name, type: 'symlink', mode: 0o777, size: 0, mtime, linkname: target })
  }

  /** A regular file whose bytes come from `chunks` and add up to exactly `size`. */
  async file(name: string, mode: number, mtime: number, size: number, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    await this.header({ name, type: 'file', mode, size, mtime })
    let written = 0
    for await (const chunk of chunks) {
      written += chunk.length
      if (written > size) throw new Error(`tar: ${name} grew while it was copied`)
      await this.write(chunk)
    }
    if (written !== size) throw new Error(`tar: ${name} changed size while it was copied`)
    const pad = (BLOCK - (size % BLOCK)) % BLOCK
    if (pad) await this.write(Buffer.alloc(pad))
  }

  /** The two zero blocks that end an archive; ends `out`. */
  async end(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2))
    await this.flush()
    this.out.end()
  }
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK
  return pad ? Buffer.concat([data, Buffer.alloc(pad)]) : data
}

/** The ustar field's copy of a long name (the pax record before it is what readers use). */
function truncated(value: string): string {
  let v = value
  while (Buffer.byteLength(v, 'utf8') > 100) v = v.slice(0, -1)
  return v
}
