import fs from 'node:fs'
import path from 'node:path'

/**
 * Writing the accepted changes into the runner's workspace without ever following a link: every
 * parent of a path is checked, component by component from the workspace root, to be a real
 * directory (a link there, even one the runner had, refuses the path); the last component is
 * never followed either. Files are created anew (O_EXCL|O_NOFOLLOW) from the staged copy, with
 * mode 0644 or 0755 and the workspace's owner. Runs once nothing in the bottle runs any more.
 */

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY } = fs.constants

export class ApplyRefused extends Error {}

export interface Workspace {
  root: string
  /** the owner new files get (when the action runs as root): the workspace root's */
  owner?: { uid: number; gid: number }
}

export function workspaceTarget(root: string): Workspace {
  const st = fs.lstatSync(root)
  return { root, owner: process.getuid?.() === 0 ? { uid: st.uid, gid: st.gid } : undefined }
}

/** The parent directory of `rel` on the runner, every component of it a real directory (not a link). */
function realParent(ws: Workspace, rel: string): string {
  let dir = ws.root
  const parts = rel.split('/').slice(0, -1)
  for (const part of parts) {
    dir = path.join(dir, part)
    const st = fs.lstatSync(dir, { throwIfNoEntry: false })
    if (!st) throw new ApplyRefused(`its parent ${path.relative(ws.root, dir)} does not exist on the runner`)
    if (!st.isDirectory())
      throw new ApplyRefused(`its parent ${path.relative(ws.root, dir)} is ${st.isSymbolicLink() ? 'a link' : 'not a directory'} on the runner`)
  }
  return dir
}

/** Removes what is at `rel` (a file or link itself; a directory only when empty). */
export function removeEntry(ws: Workspace, rel: string): void {
  const p = path.join(realParent(ws, rel), path.basename(rel))
  const st = fs.lstatSync(p, { throwIfNoEntry: false })
  if (!st) return
  if (!st.isDirectory()) {
    fs.unlinkSync(p)
    return
  }
  try {
    fs.rmdirSync(p)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY') throw new ApplyRefused('a directory that still holds files on the runner (some were not deleted)')
    throw err
  }
}

export function makeDirectory(ws: Workspace, rel: string): void {
  const p = path.join(realParent(ws, rel), path.basename(rel))
  const st = fs.lstatSync(p, { throwIfNoEntry: false })
  if (st?.isDirectory()) return
  if (st) removeEntry(ws, rel)
  fs.mkdirSync(p, { mode: 0o755 })
  fs.chmodSync(p, 0o755) // just made: a real directory, nothing to follow
  if (ws.owner) fs.lchownSync(p, ws.owner.uid, ws.owner.gid)
}

/** Writes the staged bytes as a new regular file at `rel` (what was there, a file or a link, is removed first). */
export function writeFile(ws: Workspace, rel: string, staged: string, executable: boolean): void {
  const p = path.join(realParent(ws, rel), path.basename(rel))
  if (fs.lstatSync(p, { throwIfNoEntry: false })) removeEntry(ws, rel)
  const mode = executable ? 0o755 : 0o644
  const out = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)
  const input = fs.openSync(staged, O_RDONLY | O_NOFOLLOW)
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024)
    for (let n = fs.readSync(input, buf); n > 0; n = fs.readSync(input, buf)) fs.writeSync(out, buf, 0, n)
    fs.fchmodSync(out, mode) // the umask does not decide the mode
    if (ws.owner) fs.fchownSync(out, ws.owner.uid, ws.owner.gid)
  } finally {
    fs.closeSync(input)
    fs.closeSync(out)
  }
}

/** Whether the runner's file at `rel` has exactly these bytes (sha256) and executable bit. */
export function sameAsRunner(ws: Workspace, rel: string, sha256: string, executable: boolean, hash: (p: string) => string): boolean {
  const p = path.join(ws.root, rel)
  const st = fs.lstatSync(p, { throwIfNoEntry: false })
  if (!st?.isFile() || ((st.mode & 0o100) !== 0) !== executable) return false
  return hash(p) === sha256
}
