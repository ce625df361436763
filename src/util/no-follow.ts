import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

/**
 * File access for paths the guest could write. Nothing here follows a symbolic link in the last
 * component, opens a FIFO or device, or writes through a name that already exists: a guest that
 * swapped a file for a link to `/etc/shadow` gets its link removed, not the host file rewritten.
 * Callers use these only once nothing in the guest runs any more (no race with the agent).
 */

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants

/** lstat, or undefined when nothing is there. */
export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p)
  } catch {
    return undefined
  }
}

/**
 * Removes whatever is at `p` (a link itself, never its target; a directory with its contents),
 * also a tree deeper than a path can name, which a guest can make to stop path-based removal:
 * that one coreutils rm walks by descriptor.
 */
export function removeNoFollow(p: string): void {
  try {
    // fs.rmSync never follows links, neither at p nor inside a directory it removes
    fs.rmSync(p, { recursive: true, force: true })
  } catch {
    const r = spawnSync('rm', ['-rf', '--one-file-system', '--', p], { stdio: 'ignore', timeout: 120_000 })
    if (r.status !== 0 || lstatOrUndefined(p)) throw new Error(`cannot remove ${p}`)
  }
}

/** The bytes of `p` if it is a regular file (not a link, FIFO or device) of at most maxBytes; else undefined. */
export function readRegularFile(p: string, maxBytes = 64 * 1024 * 1024): Buffer | undefined {
  let fd: number
  try {
    fd = fs.openSync(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch {
    return undefined
  }
  try {
    const st = fs.fstatSync(fd)
    if (!st.isFile() || st.size > maxBytes) return undefined
    return fs.readFileSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Writes a new regular file at `p` with exactly `mode`, owned by uid:gid when the host runs as
 * root. Whatever was at `p` (a link, a directory, a file) is removed first; the file is created
 * with O_EXCL|O_NOFOLLOW and chowned through its descriptor.
 */
export function replaceFile(p: string, data: Buffer, mode: number, owner?: { uid: number; gid: number }): void {
  removeNoFollow(p)
  const fd = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode & 0o7777)
  try {
    fs.writeSync(fd, data)
    fs.fchmodSync(fd, mode & 0o7777) // the umask does not decide the mode
    if (owner && process.getuid?.() === 0) fs.fchownSync(fd, owner.uid, owner.gid)
  } finally {
    fs.closeSync(fd)
  }
}

/** Makes `p` a real directory with `mode` (a link or file there is removed first). */
export function ensureDirectory(p: string, mode: number, owner?: { uid: number; gid: number }): boolean {
  const st = lstatOrUndefined(p)
  if (st?.isDirectory()) return false
  if (st) removeNoFollow(p)
  fs.mkdirSync(p, { mode: mode & 0o7777 })
  fs.chmodSync(p, mode & 0o7777) // p was just made a real directory: nothing to follow
  if (owner && process.getuid?.() === 0) fs.lchownSync(p, owner.uid, owner.gid)
  return true
}
