import fs from 'node:fs'
import path from 'node:path'

/**
 * The image archives a smolvm runner keeps: the action's own (`docker save` once per image ID,
 * in the tool cache) and smolvm's staged copy of each, `<cache dir>/smolvm-image-archives/<sha256>/
 * archive.tar`, which smolvm hard-links to the archive it was given at create
 * (src/data/image_source.rs:196-245,324-328) and never removes (its delete leaves it,
 * src/cli/vm_common.rs:2383-2405). Removing only the action's archive frees nothing while
 * smolvm's link lives; so the two go together, least recently used first, down to a budget.
 */

/** smolvm's archive cache: `dirs::cache_dir()` + `smolvm-image-archives` (macOS ~/Library/Caches; else $XDG_CACHE_HOME when absolute, or ~/.cache). */
export function smolvmArchiveDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const home = env['HOME']
  if (platform === 'darwin') return home ? path.join(home, 'Library', 'Caches', 'smolvm-image-archives') : undefined
  const xdg = env['XDG_CACHE_HOME']
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'smolvm-image-archives')
  return home ? path.join(home, '.cache', 'smolvm-image-archives') : undefined
}

export interface PruneInput {
  /** the action's archives (`<image id>.tar`) */
  cacheDir: string
  budgetBytes: number
  /** the archive this run uses: never removed */
  keep: string
  /** smolvm's archive cache (undefined: not known here) */
  smolvmDir?: string
  /** the `local:<sha256>` images of machines that exist: their staged copies stay, and so do the archives linked to them */
  inUse: ReadonlySet<string>
}

export interface Pruned {
  archive: string
  bytes: number
  /** smolvm's staged copy removed with it */
  staged?: string
}

/** smolvm's staged copies by inode: `dev:ino` → the `<sha256>` directory. */
function stagedByInode(smolvmDir: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (!smolvmDir) return out
  let names: string[] = []
  try {
    names = fs.readdirSync(smolvmDir)
  } catch {
    return out
  }
  for (const name of names) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue
    const st = fs.lstatSync(path.join(smolvmDir, name, 'archive.tar'), { throwIfNoEntry: false })
    if (st?.isFile()) out.set(`${st.dev}:${st.ino}`, path.join(smolvmDir, name))
  }
  return out
}

/**
 * Removes the least recently used archives (by mtime: a cache hit touches its archive) until the
 * rest fit in the budget, each with smolvm's staged copy when that is a link to it. An archive
 * whose staged copy a machine still uses is left alone.
 */
export function pruneImageCache(o: PruneInput): Pruned[] {
  const archives = fs
    .readdirSync(o.cacheDir)
    .filter(n => /^[0-9a-f]{64}\.tar$/.test(n))
    .map(n => {
      const p = path.join(o.cacheDir, n)
      const st = fs.lstatSync(p)
      return { p, st }
    })
    .filter(a => a.st.isFile())
    .sort((a, b) => a.st.mtimeMs - b.st.mtimeMs)
  let total = archives.reduce((sum, a) => sum + a.st.size, 0)
  const staged = stagedByInode(o.smolvmDir)
  const pruned: Pruned[] = []
  for (const a of archives) {
    if (total <= o.budgetBytes) break
    if (a.p === o.keep) continue
    const copy = staged.get(`${a.st.dev}:${a.st.ino}`)
    if (copy && o.inUse.has(`local:${path.basename(copy)}`)) continue
    if (copy) fs.rmSync(copy, { recursive: true, force: true })
    fs.rmSync(a.p, { force: true })
    total -= a.st.size
    pruned.push({ archive: a.p, bytes: a.st.size, ...(copy ? { staged: copy } : {}) })
  }
  return pruned
}
