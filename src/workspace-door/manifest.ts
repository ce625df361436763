import fs from 'node:fs'
import path from 'node:path'
import { isGitComponent } from './git-names.js'

/**
 * What of the runner's workspace goes into the bottle, as a list read once before the bottle
 * starts: the working tree as it is at this step (tracked, untracked and ignored files), never
 * a `.git` (the bottle gets a repository of its own), never a credential file a runner step left.
 * The door compares the bottle's tree with this list after the run to find the agent's changes.
 */

export type EntryType = 'file' | 'dir' | 'symlink'

export interface ManifestEntry {
  type: EntryType
  /** permission bits as on the runner */
  mode: number
  size: number
  /** whole seconds: what the bottle's copy carries (a change by the agent shows as another time) */
  mtime: number
  /** a symlink's target */
  target?: string
  /** a file's bytes when they do not come from the runner's workspace (the base's agent configuration) */
  data?: Buffer
}

export interface Manifest {
  root: string
  /** relative path (`/`-separated) → entry; the root itself is not listed */
  entries: Map<string, ManifestEntry>
  /** paths kept out of the bottle, with why: the door never writes or deletes them */
  heldBack: Map<string, string>
  /**
   * With the base's agent configuration (base-config.ts): the pull request's own entries at those
   * paths, copied read-only beside the workspace instead; the door then brings no change there back.
   */
  pullRequestConfig?: Map<string, ManifestEntry>
}

/** Credential files runner steps leave in the workspace: google-github-actions/auth's (it holds the OIDC request token). */
export const CREDENTIAL_FILE = /^gha-creds-.*\.json$/i

function typeOf(st: fs.Stats): EntryType | undefined {
  if (st.isFile()) return 'file'
  if (st.isDirectory()) return 'dir'
  if (st.isSymbolicLink()) return 'symlink'
  return undefined
}

/** Walks the workspace without following links; `.git` anywhere is left out, credential files and what cannot be read are held back. */
export function readManifest(root: string): Manifest {
  const entries = new Map<string, ManifestEntry>()
  const heldBack = new Map<string, string>()
  const stack: string[] = ['']
  while (stack.length) {
    const dir = stack.pop()!
    let names: string[]
    try {
      names = fs.readdirSync(dir ? path.join(root, dir) : root)
    } catch (err) {
      heldBack.set(dir, `not readable on the runner (${(err as NodeJS.ErrnoException).code ?? err})`)
      continue
    }
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name
      if (isGitComponent(name)) continue // the bottle's repository is its own: see guest-repo.ts
      if (CREDENTIAL_FILE.test(name)) {
        heldBack.set(rel, 'a credential file a runner step left (gha-creds-*.json)')
        continue
      }
      const st = fs.lstatSync(path.join(root, rel), { throwIfNoEntry: false })
      const type = st && typeOf(st)
      if (!st || !type) continue // a FIFO, socket or device: nothing to copy
      const entry: ManifestEntry = { type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000) }
      if (type === 'symlink') entry.target = fs.readlinkSync(path.join(root, rel))
      entries.set(rel, entry)
      if (type === 'dir') stack.push(rel)
    }
  }
  return { root, entries, heldBack }
}

/** Bytes the copy takes in the bottle, counted as a tmpfs does (whole pages), and the number of entries. */
export function footprint(m: Manifest): { bytes: number; entries: number } {
  let bytes = 0
  for (const e of m.entries.values()) bytes += Math.ceil(Math.max(e.size, 1) / 4096) * 4096
  return { bytes, entries: m.entries.size }
}
