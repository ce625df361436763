import fs from 'node:fs'
import path from 'node:path'
import type { Mount } from '../../backend/types.js'
import type { Manifest } from './manifest.js'
import { holdBackSecret, needlesOf, openRegular, vet } from './vet.js'

/**
 * The fast way in: vetted workspace files are hard-linked into a staging directory on the
 * runner that the bottle mounts read-only, and the guest copies them into its own workspace
 * itself (a local copy instead of every byte through the engine's exec stream). Nothing in the
 * staging directory is writable from inside: docker's read-only bind, and on smolvm the virtiofs
 * device's own read-only flag (smolvm launcher.rs:1647-1656, enforced host-side). It is emptied
 * as soon as the copy is made.
 */

/** Where the guest sees the staging directory and, when shared, the runner's git objects. */
export const GUEST_STAGE = '/opt/bot-bottle/workspace-in'
export const GUEST_OBJECTS = '/opt/bot-bottle/git-objects'

/** The staging directory of a run, inside its private state dir. */
export function stageDirOf(stateDir: string): string {
  return path.join(stateDir, 'workspace-in')
}

/** Makes the (empty) staging directory; the guest user must be able to read it through the mount. */
export function makeStage(stateDir: string): string {
  const dir = stageDirOf(stateDir)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir)
  fs.chmodSync(dir, 0o755)
  return dir
}

/** The bottle's read-only mounts for the copy in: the staging directory, and the runner's objects when they are shared. */
export function stageMounts(stage: string, objectsDir: string | undefined): Mount[] {
  const mounts: Mount[] = [{ host: stage, guest: GUEST_STAGE, readOnly: true }]
  if (objectsDir) mounts.push({ host: objectsDir, guest: GUEST_OBJECTS, readOnly: true })
  return mounts
}

/**
 * Below this size a file goes through the exec stream: its few bytes cost less there than a
 * link made and removed on the runner and a copy in the guest (measured in bench/workspace-copy.mjs).
 */
export const STAGE_MIN_BYTES = 8 * 1024

/**
 * Whether a vetted file can go in by a hard link: large enough to gain from it, readable by the
 * guest user through the mount whoever owns it (so: readable by others), and its only name (a
 * second name in the workspace would come out of the guest's tar as a hard link, which the door
 * refuses to bring back).
 */
export function linkable(st: fs.Stats): boolean {
  return st.isFile() && st.size >= STAGE_MIN_BYTES && (st.mode & 0o004) !== 0 && st.nlink === 1
}

/** What went into the stage: the paths (the stream skips them) and their bytes. */
export interface Staged {
  files: Set<string>
  bytes: number
}

/** Staging of one run: links files in, creating each parent once. */
export class Stage {
  private readonly made = new Set<string>([''])
  /** false once a link failed for a reason that holds for every file (another filesystem, no permission) */
  usable = true
  linked = 0

  constructor(readonly dir: string) {}

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
   * Links `hostPath` (opened as `fd`, its content vetted) in at `rel`. True when the staged name
   * is that very inode; false when the file must go in another way.
   */
  link(rel: string, hostPath: string, opened: fs.Stats): boolean {
    if (!this.usable) return false
    const to = path.join(this.dir, rel)
    try {
      this.parent(rel)
      fs.linkSync(hostPath, to)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // another filesystem, or one without hard links, fails every file alike; a permission (protected_hardlinks) or a link count fails this one
      if (code === 'EXDEV' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') this.usable = false
      return false
    }
    // the name may have been swapped since it was opened and read: only the inode that was vetted may stay
    const st = fs.lstatSync(to, { throwIfNoEntry: false })
    if (!st || st.ino !== opened.ino || st.dev !== opened.dev || !st.isFile()) {
      fs.rmSync(to, { force: true })
      return false
    }
    this.linked++
    return true
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
 * Vets every file the guest can take from the stage and hard-links it there. A file with a
 * secret is held back here as in the stream. Yields to the event loop between batches, so it
 * can run while the engine creates and starts the bottle.
 */
export async function stageWorkspace(manifest: Manifest, stage: Stage, secrets: readonly string[]): Promise<Staged> {
  const needles = needlesOf(secrets)
  const staged: Staged = { files: new Set(), bytes: 0 }
  let n = 0
  for (const [rel, e] of [...manifest.entries]) {
    if (!stage.usable) break
    if (e.type !== 'file' || e.size < STAGE_MIN_BYTES) continue
    if (++n % BATCH === 0) await new Promise(resolve => setImmediate(resolve))
    const hostPath = path.join(manifest.root, rel)
    const opened = openRegular(hostPath)
    if (!opened) continue // the stream says why
    try {
      if (!linkable(opened.st)) continue
      const { secret, whole } = vet(opened.fd, opened.size, needles)
      if (secret) holdBackSecret(manifest, rel)
      else if (stage.link(rel, hostPath, opened.st)) {
        staged.files.add(rel)
        e.size = whole?.length ?? opened.size
        staged.bytes += e.size
      }
    } finally {
      fs.closeSync(opened.fd)
    }
  }
  return staged
}
