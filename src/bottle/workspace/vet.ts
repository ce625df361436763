import fs from 'node:fs'
import * as core from '@actions/core'
import type { Manifest } from '../../workspace-door/manifest.js'

/**
 * Vetting a workspace file on its way into the bottle: opened without following a link (a FIFO
 * never hangs the runner), read, and held back when it holds one of the run's secrets.
 */

/** Files up to this size are read whole (one read, scanned, sent); larger ones are scanned, then sent, in chunks. */
const WHOLE_FILE_BYTES = 16 * 1024 * 1024
const CHUNK_BYTES = 1024 * 1024

/** The run's secrets as the bytes searched for (shorter ones would match by chance). */
export function needlesOf(secrets: readonly string[]): Buffer[] {
  return [...new Set(secrets.filter(s => s.length >= 8))].map(s => Buffer.from(s))
}

/** Whether `data` holds one of the secrets. */
function holdsSecret(data: Buffer, secrets: readonly Buffer[]): boolean {
  return secrets.some(s => data.indexOf(s) !== -1)
}

export function* chunksOf(fd: number, size: number): Generator<Buffer> {
  let pos = 0
  while (pos < size) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - pos))
    const n = fs.readSync(fd, buf, 0, buf.length, pos)
    if (n === 0) throw new Error('the file shrank while it was read')
    pos += n
    yield n === buf.length ? buf : buf.subarray(0, n)
  }
}

/** A large file scanned chunk by chunk, each chunk with the end of the one before (a secret across two chunks is seen). */
function largeFileHoldsSecret(fd: number, size: number, secrets: readonly Buffer[]): boolean {
  const overlap = Math.max(0, ...secrets.map(s => s.length - 1))
  let tail = Buffer.alloc(0)
  for (const chunk of chunksOf(fd, size)) {
    const window = Buffer.concat([tail, chunk])
    if (holdsSecret(window, secrets)) return true
    tail = window.subarray(Math.max(0, window.length - overlap))
  }
  return false
}

/** Opens a workspace file for reading: never a link, never a FIFO that would hang the runner. */
export function openRegular(p: string): { fd: number; size: number; st: fs.Stats } | undefined {
  let fd: number
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK)
  } catch {
    return undefined
  }
  const st = fs.fstatSync(fd)
  if (!st.isFile()) {
    fs.closeSync(fd)
    return undefined
  }
  return { fd, size: st.size, st }
}

/** Reads an opened file and tells whether it holds a secret; the bytes read when it was read whole. */
export function vet(fd: number, size: number, needles: readonly Buffer[]): { secret: boolean; whole?: Buffer } {
  const whole = size <= WHOLE_FILE_BYTES ? fs.readFileSync(fd) : undefined
  return { secret: whole ? holdsSecret(whole, needles) : largeFileHoldsSecret(fd, size, needles), whole }
}

/** Keeps a file with a secret out of the bottle: one warning naming it, and the door never writes or deletes it. */
export function holdBackSecret(manifest: Manifest, rel: string): void {
  manifest.entries.delete(rel)
  manifest.heldBack.set(rel, "holds one of the run's secrets")
  core.warning(`workspace: ${rel} holds one of the run's secrets: it is not copied into the bottle`)
}
