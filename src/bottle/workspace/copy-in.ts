import fs from 'node:fs'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import * as core from '@actions/core'
import { BottleError } from '../../util/errors.js'
import { TarWriter } from '../../util/tar/tar-writer.js'
import type { Guest } from '../guest.js'
import type { GuestRepo } from './guest-repo.js'
import type { Manifest } from './manifest.js'

/** Files up to this size are read whole (one read, scanned, sent); larger ones are scanned, then sent, in chunks. */
const WHOLE_FILE_BYTES = 16 * 1024 * 1024
const CHUNK_BYTES = 1024 * 1024

export interface CopiedIn {
  files: number
  bytes: number
}

/** Whether `data` holds one of the secrets. */
function holdsSecret(data: Buffer, secrets: readonly Buffer[]): boolean {
  return secrets.some(s => data.indexOf(s) !== -1)
}

function* chunksOf(fd: number, size: number): Generator<Buffer> {
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
function openRegular(p: string): { fd: number; size: number } | undefined {
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
  return { fd, size: st.size }
}

/**
 * Copies the workspace (as `manifest` lists it) and the bottle's own `.git` into the guest at
 * the same path, as one tar stream untarred there by the guest user. A file that holds one of
 * the run's secrets stays out (one warning naming it) and is held back in the manifest, so the
 * door never writes or deletes it after the run.
 */
export async function copyWorkspaceIn(guest: Guest, manifest: Manifest, repo: GuestRepo | undefined, secrets: readonly string[]): Promise<CopiedIn> {
  const needles = [...new Set(secrets.filter(s => s.length >= 8))].map(s => Buffer.from(s))
  const { uid, gid } = guest.plan.guestUser
  const input = new PassThrough({ highWaterMark: 4 * CHUNK_BYTES })
  const untar = guest.backend.exec(guest.name, ['sh', '-c', 'cd "$1" && exec tar -x -p -f -', 'sh', manifest.root], { user: { uid, gid }, input })
  const tar = new TarWriter(input, { uid, gid })
  const copied: CopiedIn = { files: 0, bytes: 0 }
  const write = async () => {
    for (const [rel, e] of [...manifest.entries]) {
      if (e.type === 'dir') await tar.directory(rel, e.mode, e.mtime)
      else if (e.type === 'symlink') await tar.symlink(rel, e.target ?? '', e.mtime)
      else {
        const opened = openRegular(path.join(manifest.root, rel))
        if (!opened) {
          manifest.entries.delete(rel)
          manifest.heldBack.set(rel, 'not readable on the runner')
          continue
        }
        const { fd, size } = opened
        try {
          const whole = size <= WHOLE_FILE_BYTES ? fs.readFileSync(fd) : undefined
          if (whole ? holdsSecret(whole, needles) : largeFileHoldsSecret(fd, size, needles)) {
            manifest.entries.delete(rel)
            manifest.heldBack.set(rel, "holds one of the run's secrets")
            core.warning(`workspace: ${rel} holds one of the run's secrets: it is not copied into the bottle`)
            continue
          }
          await tar.file(rel, e.mode, e.mtime, whole?.length ?? size, whole ? [whole] : chunksOf(fd, size))
          e.size = whole?.length ?? size
          copied.files++
          copied.bytes += e.size
        } finally {
          fs.closeSync(fd)
        }
      }
    }
    for (const [rel, why] of manifest.heldBack)
      if (why.startsWith('a credential file')) core.warning(`workspace: ${rel} is ${why}: it is not copied into the bottle`)
    for (const p of repo?.pieces ?? []) {
      const rel = `.git/${p.rel}`
      if ('dir' in p) await tar.directory(rel, 0o755, 0)
      else if ('data' in p) await tar.file(rel, 0o644, Math.floor(Date.now() / 1000), p.data.length, [p.data])
      else {
        const opened = openRegular(p.hostPath)
        if (!opened) throw new Error(`cannot read ${p.hostPath}`)
        try {
          await tar.file(rel, 0o444, Math.floor(Date.now() / 1000), opened.size, chunksOf(opened.fd, opened.size))
        } finally {
          fs.closeSync(opened.fd)
        }
      }
    }
    await tar.end()
  }
  const written = write().catch((err: unknown) => {
    input.destroy()
    return err as Error
  })
  const [r, failed] = await Promise.all([untar, written])
  if (r.code !== 0 || failed) {
    const why = failed?.message ?? r.stderr.trim().split('\n').at(-1) ?? ''
    throw new BottleError(
      `copying the workspace into the bottle failed (${why})`,
      'The guest image needs `sh` and `tar`; raise `workspace-max-mb` or `memory` if the copy does not fit'
    )
  }
  return copied
}
