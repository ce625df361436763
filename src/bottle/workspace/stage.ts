import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Mount } from '../../backend/types.js'
import { currentOwner, ownerIsGone } from '../teardown/owner.js'
import type { Manifest } from '../../workspace-door/manifest.js'
import { holdBackSecret, needlesOf } from './vet.js'
import { type StageJob, stageInWorker } from './stage-files.js'

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

/** Under the stage, as the guest sees it too: the vetted copies under their workspace paths, and the list of them. */
export const STAGE_TREE = 'tree'
export const STAGE_LIST = 'list'

/**
 * Staging of one run, within the disk's room: the copies in `tree`, and `list`, the staged
 * paths NUL-separated, which the guest's tar copies exactly (a copy missing is then its error,
 * never a file silently lost, which the door would read as the agent deleting it).
 */
export class Stage {
  /** false once a worker could not write (a full disk): it said so, the stream took the rest */
  usable = true
  private room: number
  readonly tree: string

  constructor(readonly dir: string) {
    this.room = roomIn(dir)
    this.tree = path.join(dir, STAGE_TREE)
    fs.mkdirSync(this.tree, { recursive: true })
    fs.chmodSync(this.tree, 0o755)
  }

  /** Writes the list of what was staged (each path `./`-prefixed: never read as an option). */
  writeList(files: Iterable<string>): void {
    const names = [...files].map(f => `./${f}\0`).join('')
    const list = path.join(this.dir, STAGE_LIST)
    fs.writeFileSync(list, names, { flag: 'wx' })
    fs.chmodSync(list, 0o644) // whatever the runner's umask: the guest user reads it
  }

  /** The room the workers share, each its part of what it would stage. */
  roomFor(bytes: number, of: number): number {
    return of === 0 ? 0 : Math.floor((this.room * bytes) / of)
  }

  /** Empties the staging directory (the mount then shows nothing); the guest has its copy by now. */
  async clear(): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[])
    await Promise.all(names.map(n => fs.promises.rm(path.join(this.dir, n), { recursive: true, force: true })))
  }
}

/** Workers copying into the stage: two where the runner has two cores (the engine starts the bottle meanwhile). */
function workerCount(files: number): number {
  return files < 64 ? 1 : Math.max(1, Math.min(2, os.availableParallelism()))
}

/** Splits files into `n` runs of consecutive paths with about equal bytes (neighbours share directories). */
function shares<T>(files: T[], sizeOf: (f: T) => number, n: number): T[][] {
  const total = files.reduce((a, f) => a + sizeOf(f), 0)
  const out: T[][] = [[]]
  let acc = 0
  for (const f of files) {
    if (acc >= (total * out.length) / n && out.length < n) out.push([])
    out.at(-1)!.push(f)
    acc += sizeOf(f)
  }
  return out
}

/**
 * Vets every file the guest can take from the stage and copies it there, in worker threads (see
 * stage-files.ts), so it runs while the engine creates and starts the bottle. A file goes in
 * through the stage when it is large enough to gain from it (STAGE_MIN_BYTES) and readable by the
 * guest user through the mount whoever owns the copy (so: readable by others; its mode is kept).
 * A file with a secret is held back here as in the stream.
 */
export async function stageWorkspace(manifest: Manifest, stage: Stage, secrets: readonly string[]): Promise<Staged> {
  const needles = needlesOf(secrets).map(n => n.toString('hex'))
  const files = [...manifest.entries].filter(([, e]) => e.type === 'file' && e.size >= STAGE_MIN_BYTES && !e.data)
  const staged: Staged = { files: new Set(), bytes: 0 }
  if (files.length === 0) {
    stage.writeList([])
    return staged
  }
  const want = files.reduce((a, [, e]) => a + e.size, 0)
  const parts = shares(files, ([, e]) => e.size, workerCount(files.length))
  const results = await Promise.all(
    parts.map(part => {
      const bytes = part.reduce((a, [, e]) => a + e.size, 0)
      const job: StageJob = {
        root: manifest.root,
        dir: stage.tree,
        files: part.map(([rel, e]) => [rel, e.mtime]),
        needles,
        room: stage.roomFor(bytes, want)
      }
      return stageInWorker(job)
    })
  )
  for (const [i, part] of parts.entries()) {
    for (const [j, [rel, e]] of part.entries()) {
      const outcome = results[i]!.outcomes[j]
      if (outcome === 'secret') holdBackSecret(manifest, rel)
      else if (typeof outcome === 'number') {
        staged.files.add(rel)
        e.size = outcome
        staged.bytes += outcome
      }
    }
  }
  if (results.some(r => r.stopped)) stage.usable = false
  stage.writeList(staged.files)
  return staged
}

/** The bytes the stage would take for `manifest`: every file large enough for it (what others may read is known only when opened). */
export function stageWant(manifest: Manifest): number {
  let bytes = 0
  for (const e of manifest.entries.values()) if (e.type === 'file' && e.size >= STAGE_MIN_BYTES && !e.data) bytes += e.size
  return bytes
}
