import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Mount } from '../../backend/types.js'
import { currentOwner, ownerIsGone } from '../teardown/owner.js'
import type { Manifest } from '../../workspace-door/manifest.js'
import { copyVetted, holdBackSecret, needlesOf, openRegular } from './vet.js'

/**
 * The fast way in: workspace files are read and vetted on the runner and the bytes that were
 * vetted are written into a staging directory in the run's state dir, which the bottle mounts
 * read-only; the guest copies them into its own workspace itself (a local copy instead of every
 * byte through the engine's exec stream). Copies, not hard links: the guest never sees a runner
 * inode (it would see later writes to it unvetted, and its ctime would change under the runner's
 * git). Nothing in the staging directory is writable from inside: docker's read-only bind, and on
 * smolvm the virtiofs device's own read-only flag (smolvm launcher.rs:1646-1686, enforced
 * host-side). It is emptied as soon as the copy is made.
 */

/** Where the guest sees the staging directory and, when shared, the runner's git objects. */
export const GUEST_STAGE = '/opt/bot-bottle/workspace-in'
export const GUEST_OBJECTS = '/opt/bot-bottle/git-objects'

/** Where the run's staging directory is found: in its state dir, or a link there to one in memory. */
export function stageDirOf(stateDir: string): string {
  return path.join(stateDir, 'workspace-in')
}

/** Where the bottle's repository's objects are packed when they are not borrowed (private, removed with the stage). */
export function packDirOf(stateDir: string): string {
  return path.join(stateDir, 'repo-pack')
}

/** A memory file system for the stage where the runner has one: its copies cost no disk writes. */
export const MEMORY_DIR = '/dev/shm'
const MEMORY_STAGE = /^bot-bottle-stage-[A-Za-z0-9]{6}$/

/**
 * Makes the (empty) staging directory: in memory (`/dev/shm`, inside a private 0700 directory)
 * where the runner has one with room for `wantBytes` past the margin and `wantBytes` is at most a
 * quarter of the runner's free memory, linked from the state dir
 * so every teardown finds it; else in the state dir. The guest user must be able to read the
 * stage itself through the mount.
 */
export function makeStage(stateDir: string, wantBytes: number, memoryDir: string | null = MEMORY_DIR): string {
  removeStage(stateDir)
  const at = stageDirOf(stateDir)
  // in memory only while it is small beside what the runner has free: the bottle's own copy takes as much again
  const fitsInMemory = (dir: string) => roomIn(dir) >= wantBytes && wantBytes <= os.freemem() / 4
  if (memoryDir && fs.statSync(memoryDir, { throwIfNoEntry: false })?.isDirectory() && fitsInMemory(memoryDir)) {
    try {
      const parent = fs.mkdtempSync(path.join(memoryDir, 'bot-bottle-stage-'))
      // whose it is: a run killed without a post step leaves it in memory until a later run reaps it
      fs.writeFileSync(path.join(parent, 'owner'), currentOwner())
      const dir = path.join(parent, 'stage')
      fs.mkdirSync(dir)
      fs.chmodSync(dir, 0o755)
      fs.symlinkSync(dir, at)
      return dir
    } catch {
      // no room or no rights there: the state dir
    }
  }
  fs.mkdirSync(at)
  fs.chmodSync(at, 0o755)
  return at
}

/**
 * Removes the memory stages of runs killed without a post step (their owner provably gone, see
 * owner.ts), ours only; returns what it removed.
 */
export function reapStaleStages(memoryDir: string = MEMORY_DIR): string[] {
  const removed: string[] = []
  let names: string[] = []
  try {
    names = fs.readdirSync(memoryDir)
  } catch {
    return removed
  }
  for (const name of names.filter(n => MEMORY_STAGE.test(n))) {
    const dir = path.join(memoryDir, name)
    const st = fs.lstatSync(dir, { throwIfNoEntry: false })
    if (!st?.isDirectory() || st.uid !== process.getuid?.()) continue
    let owner: string
    try {
      owner = fs.readFileSync(path.join(dir, 'owner'), 'utf8')
    } catch {
      continue // no owner said: not ours to judge
    }
    if (!ownerIsGone(owner)) continue
    fs.rmSync(dir, { recursive: true, force: true })
    removed.push(dir)
  }
  return removed
}

/** Removes the run's staging directory, wherever makeStage put it (only a private memory dir of ours is followed). */
export function removeStage(stateDir: string): void {
  const at = stageDirOf(stateDir)
  const st = fs.lstatSync(at, { throwIfNoEntry: false })
  if (st?.isSymbolicLink()) {
    const parent = path.dirname(fs.readlinkSync(at))
    const owner = fs.lstatSync(parent, { throwIfNoEntry: false })
    if (MEMORY_STAGE.test(path.basename(parent)) && owner?.isDirectory() && owner.uid === process.getuid?.())
      fs.rmSync(parent, { recursive: true, force: true })
  }
  fs.rmSync(at, { recursive: true, force: true })
  fs.rmSync(packDirOf(stateDir), { recursive: true, force: true })
}

/** The bottle's read-only mounts for the copy in: the staging directory, and the runner's objects when they are shared. */
export function stageMounts(stage: string, objectsDir: string | undefined): Mount[] {
  const mounts: Mount[] = [{ host: stage, guest: GUEST_STAGE, readOnly: true }]
  if (objectsDir) mounts.push({ host: objectsDir, guest: GUEST_OBJECTS, readOnly: true })
  return mounts
}

/**
 * Below this size a file goes through the exec stream: its few bytes cost less there than a
 * file written and removed on the runner and copied again in the guest (bench/workspace-copy.mjs).
 */
export const STAGE_MIN_BYTES = 8 * 1024

/** Free space the staging leaves where it writes (the record needs disk after the run; a memory stage, the bottle's memory). */
const STAGE_FREE_MARGIN = 1024 * 1024 * 1024

/**
 * Whether a file can go in through the stage: large enough to gain from it, and readable by the
 * guest user through the mount whoever owns the copy (so: readable by others; its mode is kept).
 */
export function stageable(st: fs.Stats): boolean {
  return st.isFile() && st.size >= STAGE_MIN_BYTES && (st.mode & 0o004) !== 0
}

/** What went into the stage: the paths (the stream skips them) and their bytes. */
export interface Staged {
  files: Set<string>
  bytes: number
}

/** Free bytes on the file system of `dir`, less the margin; Infinity when it cannot be asked. */
function roomIn(dir: string): number {
  try {
    const st = fs.statfsSync(dir)
    return st.bavail * st.bsize - STAGE_FREE_MARGIN
  } catch {
    return Number.POSITIVE_INFINITY
  }
}

/** Staging of one run: vetted copies written in, each parent made once, within the disk's room. */
export class Stage {
  private readonly made = new Set<string>([''])
  /** false once staging must stop (the run is ending, or writing failed): the stream takes the rest */
  usable = true
  written = 0
  private room: number

  constructor(readonly dir: string) {
    this.room = roomIn(dir)
  }

  private parent(rel: string): void {
    const dir = path.posix.dirname(rel)
    if (dir === '.' || this.made.has(dir)) return
    this.parent(dir)
    const p = path.join(this.dir, dir)
    fs.mkdirSync(p)
    fs.chmodSync(p, 0o755)
    this.made.add(dir)
  }

  /**
   * Copies the opened file in at `rel`, scanning what it copies: 'secret' when it holds one (no
   * copy is left), 'staged' when the copy holds exactly the bytes vetted, 'not staged' when the
   * stream must take it (no room, or the write failed).
   */
  put(rel: string, src: { fd: number; size: number; st: fs.Stats }, needles: readonly Buffer[], mtime: number): 'staged' | 'secret' | 'not staged' {
    if (!this.usable || src.size > this.room) return 'not staged'
    const to = path.join(this.dir, rel)
    let out: number | undefined
    try {
      this.parent(rel)
      out = fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600)
      const copied = copyVetted(src.fd, src.size, needles, out)
      if (copied === 'secret') {
        fs.closeSync(out)
        out = undefined
        fs.rmSync(to, { force: true })
        return 'secret'
      }
      fs.fchmodSync(out, src.st.mode & 0o777)
      fs.futimesSync(out, mtime, mtime)
      this.room -= copied
      this.written += copied
      return 'staged'
    } catch {
      if (out !== undefined) fs.closeSync(out)
      out = undefined
      fs.rmSync(to, { force: true })
      this.usable = false // a full disk or an unwritable state dir: every later file would fail alike
      return 'not staged'
    } finally {
      if (out !== undefined) fs.closeSync(out)
    }
  }

  /** Empties the staging directory (the mount then shows nothing); the guest has its copy by now. */
  async clear(): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[])
    await Promise.all(names.map(n => fs.promises.rm(path.join(this.dir, n), { recursive: true, force: true })))
  }
}

/** Files between two turns of the event loop: staging runs beside the bottle's start. */
const BATCH = 128

/**
 * Vets every file the guest can take from the stage and copies it there. A file with a secret
 * is held back here as in the stream. Yields to the event loop between batches, so it can run
 * while the engine creates and starts the bottle.
 */
export async function stageWorkspace(manifest: Manifest, stage: Stage, secrets: readonly string[]): Promise<Staged> {
  const needles = needlesOf(secrets)
  const staged: Staged = { files: new Set(), bytes: 0 }
  let n = 0
  for (const [rel, e] of [...manifest.entries]) {
    if (!stage.usable) break
    if (e.type !== 'file' || e.size < STAGE_MIN_BYTES || e.data) continue
    if (++n % BATCH === 0) await new Promise(resolve => setImmediate(resolve))
    const opened = openRegular(path.join(manifest.root, rel))
    if (!opened) continue // the stream says why
    try {
      if (!stageable(opened.st)) continue
      const put = stage.put(rel, opened, needles, e.mtime)
      if (put === 'secret') holdBackSecret(manifest, rel)
      else if (put === 'staged') {
        staged.files.add(rel)
        e.size = fs.statSync(path.join(stage.dir, rel)).size
        staged.bytes += e.size
      }
    } finally {
      fs.closeSync(opened.fd)
    }
  }
  return staged
}

/** The bytes the stage would take for `manifest`: every file large enough for it (what others may read is known only when opened). */
export function stageWant(manifest: Manifest): number {
  let bytes = 0
  for (const e of manifest.entries.values()) if (e.type === 'file' && e.size >= STAGE_MIN_BYTES && !e.data) bytes += e.size
  return bytes
}
