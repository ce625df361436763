import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BottleError, errorMessage } from '../util/errors.js'
import { ensureDirectory, lstatOrUndefined, readRegularFile, removeNoFollow, replaceFile } from '../util/no-follow.js'

/**
 * The workspace's `.git` is writable by the agent, and every later host-side `git` in the
 * workspace (actions/checkout's post step, the user's own steps) reads it as configuration and
 * runs the hooks in it. So before the run we save what git reads as configuration or runs as
 * code — everything in `.git` except the repository's data (objects, refs, logs, index, HEAD
 * and the other state files git itself rewrites) — and after the run, once nothing in the guest
 * runs any more, we put that back byte for byte and remove what the agent added: the agent's
 * commits, branches and index stay; its config, hooks, includes, commondir, config.worktree,
 * info/attributes, alternates, links and lock files do not. `.git` entries the agent made
 * elsewhere in the workspace (a nested repository or submodule pointer whose config would run
 * when `git status` recurses) are renamed out of git's way.
 */

export interface GitGuardRef {
  /** host-only dir (0700) with the manifest and the saved files; it holds the checkout's credentials */
  snapshotDir: string
  workspace: string
}

type EntryType = 'file' | 'dir' | 'link'
interface Entry {
  rel: string
  type: EntryType
  mode: number
  uid: number
  gid: number
  /** file: index of the saved copy; link: its target */
  blob?: number
  target?: string
}
interface GuardedGitDir {
  /** relative to the workspace: '.git', or a nested repository's '.git' */
  rel: string
  dev: number
  ino: number
  entries: Entry[]
}
interface Manifest {
  gitDirs: GuardedGitDir[]
  /** `.git` files elsewhere in the workspace (submodule pointers) and their saved copies */
  pointers: { rel: string; blob: number; mode: number; uid: number; gid: number }[]
  /** every `.git` entry in the workspace, relative to it */
  known: string[]
}

export class GitGuardError extends BottleError {}

/** Files git itself rewrites as the repository changes: the agent's work, kept. */
const STATE_FILES = new Set([
  'index',
  'HEAD',
  'ORIG_HEAD',
  'FETCH_HEAD',
  'MERGE_HEAD',
  'MERGE_MSG',
  'MERGE_MODE',
  'MERGE_RR',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'REBASE_HEAD',
  'AUTO_MERGE',
  'BISECT_LOG',
  'BISECT_START',
  'BISECT_TERMS',
  'BISECT_EXPECTED_REV',
  'BISECT_ANCESTORS_OK',
  'BISECT_NAMES',
  'COMMIT_EDITMSG',
  'TAG_EDITMSG',
  'SQUASH_MSG',
  'packed-refs',
  'shallow',
  'gc.log'
])
// not rebase-merge/, rebase-apply/ or sequencer/: their todo lists hold `exec` lines a later `--continue` runs
const STATE_DIRS = new Set(['objects', 'refs', 'logs', 'rr-cache', 'lfs', 'modules', 'worktrees'])
/** Names git reads as configuration or pointers wherever they appear (submodule and worktree dirs too). */
const CONFIG_NAMES = new Set(['config', 'config.worktree', 'commondir', 'gitdir', 'alternates', 'http-alternates', 'attributes'])
const QUARANTINE_SUFFIX = '.bot-bottle-quarantine'
const UNSAFE_SUFFIX = '.bot-bottle-unsafe'
const MAX_SCAN_ENTRIES = 2_000_000
/** Paths git can still use (PATH_MAX is 4096): a subtree past this is removed whole (in .git) or not walked (work tree). */
const MAX_PATH = 2048

/** How an entry of a git dir (path relative to it) is treated after the run. */
export function classify(rel: string): 'state' | 'guarded' | 'lock' {
  const parts = rel.split('/')
  const last = parts.at(-1)!
  if (last.endsWith('.lock')) return 'lock'
  const [first] = parts
  if (first === 'modules' || first === 'worktrees') {
    // a submodule's or worktree's own git dir, at any depth (submodule names may hold '/' and be
    // called 'refs'): judged by name, never by position, so a name cannot make config look like state
    if (CONFIG_NAMES.has(last) || parts.includes('hooks') || parts.includes('info') || parts.some(p => /^(rebase-merge|rebase-apply|sequencer)$/.test(p)))
      return 'guarded'
    return 'state'
  }
  if (first === 'objects') return /^(http-)?alternates$/.test(last) ? 'guarded' : 'state'
  if (parts.length === 1) return STATE_FILES.has(last) || STATE_DIRS.has(last) ? 'state' : 'guarded'
  return STATE_DIRS.has(first!) ? 'state' : 'guarded'
}

const typeOf = (st: fs.Stats): EntryType | undefined => (st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined)

/** readdir that a chmod 000 by the agent does not stop (the host owns or is root). */
function listDir(abs: string): fs.Dirent[] {
  try {
    return fs.readdirSync(abs, { withFileTypes: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err
    fs.chmodSync(abs, (fs.lstatSync(abs).mode | 0o700) & 0o7777)
    return fs.readdirSync(abs, { withFileTypes: true })
  }
}

/**
 * Every `.git` entry of the workspace, found without following links. A directory git could not
 * use either (a path past MAX_PATH, unreadable) is not walked.
 */
function scanGitEntries(workspace: string): string[] {
  const found: string[] = []
  const queue = ['']
  let seen = 0
  while (queue.length) {
    const rel = queue.pop()!
    const abs = path.join(workspace, rel)
    if (abs.length > MAX_PATH) continue
    let entries: fs.Dirent[]
    try {
      entries = listDir(abs)
    } catch {
      continue
    }
    for (const d of entries) {
      if (++seen > MAX_SCAN_ENTRIES)
        throw new GitGuardError(
          `the workspace has more than ${MAX_SCAN_ENTRIES} entries: its nested .git entries cannot be checked`,
          'Run the agent on a smaller checkout'
        )
      const child = rel ? `${rel}/${d.name}` : d.name
      if (d.name === '.git')
        found.push(child) // never walked into: guarded on its own
      else if (d.isDirectory()) queue.push(child)
    }
  }
  return found.sort()
}

/** True when every directory between `root` and `rel`'s parent is a real directory (no link to follow). */
function realParents(root: string, rel: string): boolean {
  const parts = rel.split('/').slice(0, -1)
  for (let i = 1; i <= parts.length; i++) {
    if (!lstatOrUndefined(path.join(root, ...parts.slice(0, i)))?.isDirectory()) return false
  }
  return true
}

/**
 * Saves the guarded part of every git dir in the workspace into `snapshotDir` (created 0700).
 * Undefined when the workspace is not a git checkout.
 */
export function snapshotWorkspaceGit(workspace: string, snapshotDir: string): GitGuardRef | undefined {
  const top = lstatOrUndefined(path.join(workspace, '.git'))
  if (!top) return undefined
  fs.mkdirSync(path.join(snapshotDir, 'blobs'), { recursive: true, mode: 0o700 })
  fs.chmodSync(snapshotDir, 0o700)
  let blobs = 0
  const save = (abs: string): number => {
    const data = readRegularFile(abs)
    if (!data) throw new GitGuardError(`cannot save ${abs} before the run (not a regular file of at most 64 MiB)`, 'Check the checkout')
    fs.writeFileSync(path.join(snapshotDir, 'blobs', String(blobs)), data, { mode: 0o600 })
    return blobs++
  }
  const known = scanGitEntries(workspace)
  const manifest: Manifest = { gitDirs: [], pointers: [], known }
  for (const rel of known) {
    const abs = path.join(workspace, rel)
    const st = fs.lstatSync(abs)
    if (st.isDirectory())
      manifest.gitDirs.push({
        rel,
        dev: st.dev,
        ino: st.ino,
        entries: [{ rel: '', type: 'dir', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }, ...snapshotGitDir(abs, save)]
      })
    else if (st.isFile()) manifest.pointers.push({ rel, blob: save(abs), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid })
  }
  fs.writeFileSync(path.join(snapshotDir, 'manifest.json'), JSON.stringify(manifest), { mode: 0o600 })
  return { snapshotDir, workspace }
}

function snapshotGitDir(gitDir: string, save: (abs: string) => number): Entry[] {
  const entries: Entry[] = []
  const walk = (relDir: string) => {
    for (const d of listDir(path.join(gitDir, relDir))) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name
      const abs = path.join(gitDir, rel)
      const kind = classify(rel)
      if (kind === 'lock') continue
      const st = fs.lstatSync(abs)
      const type = typeOf(st)
      if (kind === 'guarded' && type) {
        const entry: Entry = { rel, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }
        if (type === 'file') entry.blob = save(abs)
        if (type === 'link') entry.target = fs.readlinkSync(abs)
        entries.push(entry)
      }
      if (type === 'dir') walk(rel)
    }
  }
  walk('')
  return entries
}

/**
 * Remembers the config as the action itself left it for the run (credentials out, origin through
 * the gate), so the restore can tell the action's own change from the agent's.
 */
export function noteRunConfig(ref: GitGuardRef): void {
  const data = readRegularFile(path.join(ref.workspace, '.git', 'config'))
  if (data) fs.writeFileSync(path.join(ref.snapshotDir, 'run-config'), data, { mode: 0o600 })
}

/**
 * Puts every guarded git dir back as the snapshot has it and moves new `.git` entries out of
 * git's way. Returns what was undone (one short line each), for the log. Call only once nothing
 * in the guest runs. Deletes the snapshot when done.
 */
export function restoreWorkspaceGit(ref: GitGuardRef): string[] {
  const manifestFile = path.join(ref.snapshotDir, 'manifest.json')
  const manifestText = readRegularFile(manifestFile)
  if (!manifestText) return [] // already restored (by the main step) or never taken
  const manifest = JSON.parse(manifestText.toString('utf8')) as Manifest
  const blob = (n: number) => fs.readFileSync(path.join(ref.snapshotDir, 'blobs', String(n)))
  const undone: string[] = []
  const runConfig = readRegularFile(path.join(ref.snapshotDir, 'run-config'))
  const ownChangeOnly = runConfig !== undefined && readRegularFile(path.join(ref.workspace, '.git', 'config'))?.equals(runConfig) === true
  for (const g of manifest.gitDirs) {
    try {
      restoreGitDir(ref.workspace, g, blob, undone)
    } catch (err) {
      // never leave a git dir the agent may have armed where git finds it
      const gitDir = path.join(ref.workspace, g.rel)
      const aside = `${gitDir}${UNSAFE_SUFFIX}`
      if (realParents(ref.workspace, g.rel) && lstatOrUndefined(gitDir)) {
        removeNoFollow(aside)
        fs.renameSync(gitDir, aside)
      }
      throw new GitGuardError(
        `could not put ${g.rel} back (${errorMessage(err)}); it was moved to ${path.basename(aside)} so that no git command uses it`,
        `Check out the repository again before any later step runs git in ${ref.workspace}`
      )
    }
  }
  const own = ownChangeOnly ? undone.indexOf('.git/config (changed: put back)') : -1
  if (own >= 0) undone.splice(own, 1) // the action's own change for the run, not the agent's
  for (const p of manifest.pointers) {
    const abs = path.join(ref.workspace, p.rel)
    if (!realParents(ref.workspace, p.rel)) {
      undone.push(`${p.rel} (its directory was replaced by a link: left alone, git does not follow it)`)
      continue
    }
    const st = lstatOrUndefined(abs)
    const data = blob(p.blob)
    if (st?.isFile() && (st.mode & 0o7777) === p.mode && readRegularFile(abs)?.equals(data)) continue
    if (st && !st.isFile()) quarantine(ref.workspace, p.rel, undone)
    replaceFile(abs, data, p.mode, p)
    undone.push(`${p.rel} (put back)`)
  }
  const known = new Set(manifest.known)
  for (const rel of scanGitEntries(ref.workspace)) if (!known.has(rel)) quarantine(ref.workspace, rel, undone)
  removeNoFollow(ref.snapshotDir) // it holds the checkout's credentials
  return undone
}

/** Renames a `.git` entry the agent made (a nested repository, a pointer) so git never reads it. */
function quarantine(workspace: string, rel: string, undone: string[]): void {
  const abs = path.join(workspace, rel)
  const target = `${abs}${QUARANTINE_SUFFIX}`
  removeNoFollow(target)
  fs.renameSync(abs, target)
  undone.push(`${rel} (added by the agent: renamed to ${path.basename(target)})`)
}

function restoreGitDir(workspace: string, g: GuardedGitDir, blob: (n: number) => Buffer, undone: string[]): void {
  const gitDir = path.join(workspace, g.rel)
  if (!realParents(workspace, g.rel)) {
    // a nested repository whose directory the agent swapped for a link: git does not follow it either
    undone.push(`${g.rel} (its directory was replaced by a link: left alone)`)
    return
  }
  const st = lstatOrUndefined(gitDir)
  if (!st?.isDirectory() || st.dev !== g.dev || st.ino !== g.ino) {
    // the agent moved or replaced the git dir: find the original by its inode and move it back
    const original = findByInode(workspace, g)
    if (st) quarantine(workspace, g.rel, undone)
    if (!original)
      throw new GitGuardError(
        `the agent removed ${g.rel} from the workspace; its git state cannot be restored`,
        'Check out the repository again before any later git step'
      )
    fs.renameSync(path.join(workspace, original), gitDir)
    undone.push(`${g.rel} (moved back from ${original})`)
  }
  // what git reads as configuration first, from the snapshot's fixed list: nothing the agent
  // did to the rest of the tree can stop that; then the sweep of what it added
  for (const e of g.entries) restoreEntry(gitDir, e, blob, undone)
  sweepGitDir(gitDir, '', new Map(g.entries.map(e => [e.rel, e])), undone)
}

/** Removes, without following, every link, lock, special file and guarded entry the snapshot does not have. */
function sweepGitDir(gitDir: string, relDir: string, snap: Map<string, Entry>, undone: string[]): void {
  const absDir = path.join(gitDir, relDir)
  let entries: fs.Dirent[]
  try {
    entries = absDir.length > MAX_PATH ? [] : listDir(absDir)
  } catch (err) {
    removeNoFollow(absDir)
    undone.push(`.git/${relDir} (unreadable: ${(err as NodeJS.ErrnoException).code ?? 'error'}; removed)`)
    return
  }
  for (const d of entries) {
    const rel = relDir ? `${relDir}/${d.name}` : d.name
    const abs = path.join(gitDir, rel)
    const kind = classify(rel)
    const saved = snap.get(rel)
    const isLink = d.isSymbolicLink()
    const special = !isLink && !d.isFile() && !d.isDirectory()
    if (kind === 'lock' || ((isLink || special) && saved?.type !== 'link') || (kind === 'guarded' && !saved)) {
      removeNoFollow(abs)
      undone.push(`.git/${rel} (${kind === 'lock' ? 'lock file left behind' : isLink ? 'link' : special ? 'special file' : 'added'})`)
    } else if (d.isDirectory() && abs.length > MAX_PATH) {
      removeNoFollow(abs)
      undone.push(`.git/${relDir}/… (a tree deeper than git can use; removed)`)
    } else if (d.isDirectory()) {
      sweepGitDir(gitDir, rel, snap, undone)
    }
  }
}

function restoreEntry(gitDir: string, e: Entry, blob: (n: number) => Buffer, undone: string[]): void {
  const abs = path.join(gitDir, e.rel)
  const label = `.git${e.rel ? `/${e.rel}` : ''}`
  if (e.rel && !realParents(gitDir, e.rel)) {
    // a directory on the way is a link (or a file) now: make each a real directory again
    const parts = e.rel.split('/').slice(0, -1)
    for (let i = 1; i <= parts.length; i++) {
      const dir = path.join(gitDir, ...parts.slice(0, i))
      if (!lstatOrUndefined(dir)?.isDirectory()) {
        ensureDirectory(dir, 0o755)
        undone.push(`.git/${parts.slice(0, i).join('/')} (made a directory again)`)
      }
    }
  }
  const st = lstatOrUndefined(abs)
  if (e.type === 'dir') {
    if (ensureDirectory(abs, e.mode, e)) undone.push(`${label} (made a directory again)`)
    else if ((st!.mode & 0o7777) !== e.mode) {
      fs.chmodSync(abs, e.mode) // a real directory (checked just now): nothing to follow
      undone.push(`${label} (mode put back)`)
    }
  } else if (e.type === 'link') {
    if (st?.isSymbolicLink() && fs.readlinkSync(abs) === e.target) return
    removeNoFollow(abs)
    fs.symlinkSync(e.target!, abs)
    if (process.getuid?.() === 0) fs.lchownSync(abs, e.uid, e.gid)
    undone.push(`${label} (link put back)`)
  } else {
    const data = blob(e.blob!)
    if (st?.isFile() && (st.mode & 0o7777) === e.mode && st.uid === e.uid && readRegularFile(abs)?.equals(data)) return
    replaceFile(abs, data, e.mode, e)
    undone.push(`${label} (${st ? 'changed' : 'removed'}: put back)`)
  }
}

/** Where the agent moved a git dir to: a directory of the workspace with the same inode (3 levels deep at most). */
function findByInode(workspace: string, g: GuardedGitDir): string | undefined {
  const queue: [string, number][] = [['', 0]]
  while (queue.length) {
    const [rel, depth] = queue.shift()!
    for (const d of listDir(path.join(workspace, rel))) {
      if (!d.isDirectory()) continue
      const child = rel ? `${rel}/${d.name}` : d.name
      const st = fs.lstatSync(path.join(workspace, child))
      if (st.dev === g.dev && st.ino === g.ino) return child
      if (depth < 2) queue.push([child, depth + 1])
    }
  }
  return undefined
}

/** restoreWorkspaceGit, reported in the log: one warning listing what was undone, or one error. True when restored. */
export function restoreWorkspaceGitLogged(ref: GitGuardRef, prefix = ''): boolean {
  try {
    const undone = restoreWorkspaceGit(ref)
    if (undone.length) {
      const shown = undone.slice(0, 20).join(', ') + (undone.length > 20 ? `, and ${undone.length - 20} more` : '')
      core.warning(`${prefix}put the workspace's .git back as it was before the run; undid ${undone.length} change(s) the agent made there: ${shown}`)
    } else core.info(`${prefix}the workspace's .git is as it was before the run (credentials back in place)`)
    return true
  } catch (err) {
    // the job must not go on as if the checkout were safe: later steps run git there
    core.setFailed(`${prefix}${errorMessage(err)}`)
    return false
  }
}
