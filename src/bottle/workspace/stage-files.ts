import type fsModule from 'node:fs'
import type pathModule from 'node:path'
import { Worker } from 'node:worker_threads'

/**
 * The stage's copying, off the main thread: a worker reads each file, scans it for the run's
 * secrets and writes exactly the bytes it scanned into the stage. The main thread meanwhile asks
 * the engine to create and start the bottle; on the same thread the copying and the engine's
 * answers took turns (bench/workspace-copy.mjs: 200 MB staged in 1.3–1.9 s beside the bottle's
 * start, 0.4–0.5 s in workers).
 */

/** One worker's share: files (path under `root`, whole-second mtime), where to copy, the secrets' bytes, its room. */
export interface StageJob {
  root: string
  dir: string
  files: [rel: string, mtime: number][]
  /** the secrets, hex (a worker gets plain data) */
  needles: string[]
  room: number
}

/** Per file, in the job's order: the bytes staged; 'secret' (no copy left); 'stream' (not staged: the exec stream takes it and says why, if it must). */
export type StageOutcome = number | 'secret' | 'stream'

export interface StageResult {
  outcomes: StageOutcome[]
  /** whether a write failed (a full disk): the files after it were left to the stream */
  stopped: boolean
}

/**
 * The worker's loop. Self-contained (it runs as the worker's source, given fs and path): no
 * imports, no closures. A file is opened without following a link and without blocking (a FIFO
 * never hangs it), taken only when it is a regular file others may read (the guest user reads the
 * copy whoever owns it), created in the stage exclusively, never through a link. A write that
 * fails (a full disk) ends the staging: every file left is for the stream.
 */
export function stageFiles(job: StageJob, fs: typeof fsModule, path: typeof pathModule): StageResult {
  // files up to WHOLE_BYTES are read whole; larger ones scanned and copied in chunks, each with the end of the one before
  const WHOLE_BYTES = 16 * 1024 * 1024
  const CHUNK_BYTES = 1024 * 1024
  const needles = job.needles.map(h => Buffer.from(h, 'hex'))
  const overlap = Math.max(0, ...needles.map(n => n.length - 1))
  const holds = (b: Buffer) => needles.some(n => b.indexOf(n) !== -1)
  const made = new Set<string>(['.'])
  const parent = (rel: string): void => {
    const d = path.posix.dirname(rel)
    if (made.has(d)) return
    parent(d)
    try {
      fs.mkdirSync(path.join(job.dir, d))
      fs.chmodSync(path.join(job.dir, d), 0o755)
    } catch (err) {
      // the other worker made it: the stage is private to this run, so a directory there is one of ours
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(path.join(job.dir, d)).isDirectory()) throw err
    }
    made.add(d)
  }
  const writeAll = (fd: number, b: Buffer) => {
    for (let off = 0; off < b.length; ) off += fs.writeSync(fd, b, off, b.length - off)
  }
  let buf = Buffer.allocUnsafe(CHUNK_BYTES + overlap)
  let room = job.room
  let usable = true
  const out: StageOutcome[] = []
  for (const [rel, mtime] of job.files) {
    if (!usable) {
      out.push('stream')
      continue
    }
    let src: number
    try {
      src = fs.openSync(path.join(job.root, rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK)
    } catch {
      out.push('stream')
      continue
    }
    let dst: number | undefined
    const to = path.join(job.dir, rel)
    try {
      const st = fs.fstatSync(src)
      if (!st.isFile() || (st.mode & 0o004) === 0) {
        out.push('stream')
        continue
      }
      if (st.size > room) {
        out.push('stream')
        continue
      }
      parent(rel)
      dst = fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600)
      let copied = 0
      let secret = false
      if (st.size <= WHOLE_BYTES) {
        if (buf.length < st.size) buf = Buffer.allocUnsafe(st.size)
        let n = 0
        for (let r = 1; n < st.size && r > 0; n += r) r = fs.readSync(src, buf, n, st.size - n, n)
        const data = buf.subarray(0, n)
        secret = holds(data)
        if (!secret) writeAll(dst, data)
        copied = n
      } else {
        // each window is the end of the chunk before plus the next chunk: a secret across two chunks is seen
        let tail = 0
        for (let pos = 0; pos < st.size && !secret; ) {
          const r = fs.readSync(src, buf, tail, Math.min(CHUNK_BYTES, st.size - pos), pos)
          if (r === 0) break
          const window = buf.subarray(0, tail + r)
          secret = holds(window)
          if (!secret) writeAll(dst, window.subarray(tail))
          pos += r
          copied += r
          const keep = Math.min(overlap, window.length)
          window.copy(buf, 0, window.length - keep)
          tail = keep
        }
      }
      if (secret) {
        fs.closeSync(dst)
        dst = undefined
        fs.rmSync(to, { force: true })
        out.push('secret')
        continue
      }
      fs.fchmodSync(dst, st.mode & 0o777)
      fs.futimesSync(dst, mtime, mtime)
      room -= copied
      out.push(copied)
    } catch {
      if (dst !== undefined) {
        // ours (created exclusively above): a partial copy never stays; what was there before is not ours to remove
        fs.closeSync(dst)
        dst = undefined
        fs.rmSync(to, { force: true })
      }
      usable = false // a full disk or an unwritable stage: every later file would fail alike
      out.push('stream')
    } finally {
      if (dst !== undefined) fs.closeSync(dst)
      fs.closeSync(src)
    }
  }
  return { outcomes: out, stopped: !usable }
}

/** The worker's source: the loop above, given the job and fs and path. */
const WORKER_SOURCE = `const { parentPort, workerData } = require('node:worker_threads')
parentPort.postMessage((${stageFiles.toString()})(workerData, require('node:fs'), require('node:path')))`

/**
 * Runs one job in a worker thread. Unref'd: a run that ends meanwhile (cancelled, failed) never
 * waits for it; its teardown removes the stage, and the worker's next write then fails.
 */
export function stageInWorker(job: StageJob): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: job })
    worker.unref()
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', code => reject(new Error(`the staging worker exited (${code}) without its result`)))
  })
}
