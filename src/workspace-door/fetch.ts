import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { execInto } from '../backend/exec-into.js'
import type { Backend } from '../backend/types.js'
import { SecretScanner } from '../gitgate/secret-scan.js'
import type { Redactor } from '../transcript/redact.js'
import { TarReader, type TarEntry } from '../util/tar/tar-reader.js'

/**
 * The bytes of the changed files, out of the bottle as tar streams read as hostile data: only
 * entries of type regular file, each exactly the next path asked for and of the size the listing
 * gave, are kept; each lands in a host-only staging file (never in the workspace), hashed and
 * scanned for secrets as it streams. Anything else ends the stream and leaves the rest unread.
 */

export interface Fetched {
  /** the staged copy on the host */
  staged: string
  sha256: string
  executable: boolean
  /** kinds of secrets the gate's scan found in it */
  secrets: string[]
}

/** Paths a tar command line carries at most (argv stays far under ARG_MAX). */
const BATCH_BYTES = 64 * 1024

function batches(paths: readonly string[]): string[][] {
  const out: string[][] = []
  let current: string[] = []
  let bytes = 0
  for (const p of paths) {
    const n = Buffer.byteLength(p) + 1
    if (current.length && bytes + n > BATCH_BYTES) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(p)
    bytes += n
  }
  if (current.length) out.push(current)
  return out
}

export interface FetchRequest {
  backend: Backend
  bottle: string
  root: string
  user: { uid: number; gid: number }
  stagingDir: string
  redactor: Redactor
  timeoutMs: number
}

/**
 * Fetches `files` (path → the size the listing gave). Returns what arrived whole; a path that did
 * not is in `failed` with why.
 */
export async function fetchFiles(
  req: FetchRequest,
  files: ReadonlyMap<string, number>
): Promise<{ fetched: Map<string, Fetched>; failed: Map<string, string> }> {
  const fetched = new Map<string, Fetched>()
  const failed = new Map<string, string>()
  fs.mkdirSync(req.stagingDir, { recursive: true, mode: 0o700 })
  let n = 0
  for (const batch of batches([...files.keys()])) {
    const queue = [...batch]
    let current: { path: string; fd: number; hash: crypto.Hash; scanner: SecretScanner; entry: TarEntry; staged: string } | undefined
    const reader = new TarReader({
      entry: e => {
        // tar keeps the order it was given; what it could not read is missing, not reordered
        const at = queue.indexOf(e.name)
        if (at === -1) throw new Error('the stream names a path that was not asked for')
        for (const skipped of queue.splice(0, at + 1).slice(0, -1)) failed.set(skipped, 'could not be read in the bottle')
        const want = e.name
        if (e.type !== 'file') throw new Error(`${want} is not a regular file in the stream`)
        if (e.size !== files.get(want)) throw new Error(`${want} changed size after it was listed`)
        const staged = path.join(req.stagingDir, String(n++))
        const fd = fs.openSync(staged, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600)
        current = { path: want, fd, hash: crypto.createHash('sha256'), scanner: new SecretScanner(req.redactor), entry: e, staged }
      },
      data: chunk => {
        if (!current) return
        fs.writeSync(current.fd, chunk)
        current.hash.update(chunk)
        current.scanner.write(chunk)
      },
      entryEnd: () => {
        if (!current) return
        fs.closeSync(current.fd)
        fetched.set(current.path, {
          staged: current.staged,
          sha256: current.hash.digest('hex'),
          executable: (current.entry.mode & 0o100) !== 0,
          secrets: current.scanner.end()
        })
        current = undefined
      }
    })
    const argv = ['tar', '-c', '-f', '-', '--format=pax', '--no-recursion', '-C', req.root, '--', ...batch]
    const ran = await execInto(req.backend, req.bottle, argv, { user: req.user, timeoutMs: req.timeoutMs }, chunk => reader.push(chunk))
    const code = ran.code
    let broken = ran.broken
    if (current) fs.closeSync((current as { fd: number }).fd)
    if (!broken && code !== 0 && !reader.ended) broken = `tar in the bottle exited with ${code}`
    for (const p of batch)
      if (!fetched.has(p)) failed.set(p, broken ? `could not be read out of the bottle (${broken})` : 'could not be read out of the bottle')
  }
  return { fetched, failed }
}
