import fs from 'node:fs'
import path from 'node:path'

/**
 * Reading a tree the guest could write (claude's config dir) without trusting it: no link is
 * followed (the tree's root included), only regular files are taken, every entry that cannot
 * be read is skipped with its reason instead of failing the whole walk, and the walk is bounded
 * in depth and count. Names are the agent's: callers use them as labels, never as paths.
 */

export interface FoundFile {
  /** the path relative to the tree's root, as the agent named it (a label only) */
  source: string
  /** where it is on the host */
  hostPath: string
}

export interface SkippedEntry {
  source: string
  reason: string
}

export interface WalkLimits {
  maxDepth: number
  maxFiles: number
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  return code ? `unreadable (${code})` : `unreadable (${String(err)})`
}

/** What an lstat'ed entry is, when it is not something to read. */
function refusal(st: fs.Stats): string | undefined {
  if (st.isSymbolicLink()) return 'a symbolic link (not followed)'
  if (!st.isFile() && !st.isDirectory()) return 'not a regular file'
  return undefined
}

/** Regular files under `root` whose name `wanted` accepts; everything refused, with why. */
export function walkGuestTree(
  root: string,
  label: string,
  wanted: (name: string) => boolean,
  limits: WalkLimits
): { files: FoundFile[]; skipped: SkippedEntry[] } {
  const files: FoundFile[] = []
  const skipped: SkippedEntry[] = []
  const visit = (hostPath: string, source: string, depth: number): void => {
    let st: fs.Stats
    try {
      st = fs.lstatSync(hostPath)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || depth > 0) skipped.push({ source, reason: why(err) })
      return
    }
    const refused = refusal(st)
    if (refused) return void skipped.push({ source, reason: refused })
    if (st.isFile()) {
      if (!wanted(path.basename(hostPath))) return
      if (files.length >= limits.maxFiles) return void skipped.push({ source, reason: `over the limit of ${limits.maxFiles} files` })
      return void files.push({ source, hostPath })
    }
    if (depth >= limits.maxDepth) return void skipped.push({ source, reason: `deeper than ${limits.maxDepth} directories` })
    let names: string[]
    try {
      names = fs.readdirSync(hostPath).sort()
    } catch (err) {
      return void skipped.push({ source, reason: why(err) })
    }
    for (const name of names) visit(path.join(hostPath, name), `${source}/${name}`, depth + 1)
  }
  visit(root, label, 0)
  return { files, skipped }
}

/**
 * Opens a file found by the walk for reading, refusing a link or anything but a regular file
 * at open time too (O_NOFOLLOW; O_NONBLOCK so a FIFO cannot hang the host). Returns the open
 * descriptor and its size, or the reason it was refused.
 */
export function openGuestFile(hostPath: string): { fd: number; size: number } | { reason: string } {
  let fd: number
  try {
    fd = fs.openSync(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK)
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symbolic link (not followed)' : why(err) }
  }
  const st = fs.fstatSync(fd)
  if (!st.isFile()) {
    fs.closeSync(fd)
    return { reason: 'not a regular file' }
  }
  return { fd, size: st.size }
}
