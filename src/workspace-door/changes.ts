import type { Manifest, ManifestEntry } from './manifest.js'
import type { ListedEntry } from './listing.js'

/**
 * The agent's changes: the bottle's tree after the run (the guest's listing) against what was
 * copied in (the manifest). A file counts as changed when its size, its executable bit or its
 * time differs (a copied file carries whole seconds; anything the agent writes gets a fraction);
 * the door then compares the bytes, so a file touched but not changed does not come back.
 */

export type ChangeKind = 'added' | 'modified' | 'deleted'

export interface Change {
  path: string
  change: ChangeKind
  /** what is there after the run (deleted: what was there before) */
  type: ListedEntry['type']
  listed?: ListedEntry
  old?: ManifestEntry
}

const executable = (mode: number) => (mode & 0o100) !== 0

function fileChanged(old: ManifestEntry, now: ListedEntry): boolean {
  return now.size !== old.size || now.mtime !== old.mtime || now.mtimeFraction || executable(now.mode) !== executable(old.mode)
}

export function changesOf(manifest: Manifest, listing: ReadonlyMap<string, ListedEntry>): Change[] {
  const changes: Change[] = []
  for (const [path, listed] of listing) {
    const old = manifest.entries.get(path)
    if (!old) changes.push({ path, change: 'added', type: listed.type, listed })
    else if (old.type !== listed.type) changes.push({ path, change: 'modified', type: listed.type, listed, old })
    else if (old.type === 'file' && fileChanged(old, listed)) changes.push({ path, change: 'modified', type: 'file', listed, old })
    else if (old.type === 'symlink' && old.target !== listed.target) changes.push({ path, change: 'modified', type: 'symlink', listed, old })
    else if (listed.type === 'file' && listed.nlink > 1) changes.push({ path, change: 'modified', type: 'file', listed, old }) // a link made to it
  }
  for (const [path, old] of manifest.entries) if (!listing.has(path)) changes.push({ path, change: 'deleted', type: old.type, old })
  return changes
}
