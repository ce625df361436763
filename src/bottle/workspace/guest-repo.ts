import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { checkRefFormat } from '../../gitgate/ref-name.js'
import { configPathOf } from '../../gitgate/git-credentials.js'
import { BottleError } from '../../util/errors.js'
import { runCommand } from '../../util/process.js'

/**
 * The bottle's own git repository, made from the runner's checkout as data: the same HEAD,
 * index, branches, tags and objects, so `git log`, `git diff` and `git commit` work as on the
 * runner; and a config written here from nothing (origin at the git gate, the branch's upstream,
 * the committer identity), so nothing the runner's `.git` holds as configuration or code —
 * config, hooks, includes, credentials, alternates — enters the bottle, and of its objects only
 * those the bottle's refs and index reach (not a stash, not what was reset or amended away).
 * The runner's `.git` is only read.
 */

/** One file of the bottle's `.git`: copied from the runner's git dir, or written here. */
export type GitPiece = { rel: string; hostPath: string } | { rel: string; data: Buffer } | { rel: string; dir: true }

export interface GuestRepo {
  pieces: GitPiece[]
  /** what the log says about it */
  summary: string
}

/** The safe environment for reading the runner's repository: no system or global config, no prompt. */
export function gitEnv(): NodeJS.ProcessEnv {
  // no GIT_* of the runner's (an earlier step's GITHUB_ENV could name another repository with GIT_DIR)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')))
  // no grafts and no replacements: the walk of what the bottle may hold follows the objects as they are
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_GRAFT_FILE: '/dev/null',
    GIT_NO_REPLACE_OBJECTS: '1'
  }
}

async function git(workspace: string, args: string[]): Promise<string | undefined> {
  return gitIn(workspace, args)
}

async function gitIn(workspace: string, args: string[], input?: string): Promise<string | undefined> {
  // the checkout may belong to another uid than the action's (root on a self-hosted runner): it is read before the agent ran
  const r = await runCommand('git', ['-C', workspace, '-c', `safe.directory=${workspace}`, '-c', 'core.fsmonitor=false', ...args], { env: gitEnv(), input })
  return r.code === 0 ? r.stdout.trim() : undefined
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/** A config value written into the bottle's config: one printable line, quoted. */
function quoted(v: string): string {
  return `"${v.replace(/[\\"]/g, c => `\\${c}`)}"`
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: a value with control characters is not copied
const PRINTABLE = /^[^\x00-\x1f\x7f]{1,256}$/

/** Whether everything under `dir` can be read by any user (files o+r, directories o+rx), without following links. */
function readableByAll(dir: string): boolean {
  const walk = (d: string): boolean => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      const mode = fs.lstatSync(p).mode
      if (e.isDirectory() ? (mode & 0o005) !== 0o005 || !walk(p) : e.isFile() ? (mode & 0o004) === 0 : true) return false
    }
    return true
  }
  try {
    return (fs.statSync(dir).mode & 0o005) === 0o005 && walk(dir)
  } catch {
    return false
  }
}

/**
 * The runner's object store when the bottle can borrow it read-only (an alternate at
 * GUEST_OBJECTS) instead of a copy: objects are data, and a large history then costs the
 * bottle neither the copy's time nor its memory. Not when the store borrows from another
 * itself (those paths mean nothing in the guest) or holds something the guest user cannot read.
 */
export async function shareableObjects(workspace: string): Promise<string | undefined> {
  if (!fs.lstatSync(path.join(workspace, '.git'), { throwIfNoEntry: false })) return undefined
  const common = await git(workspace, ['rev-parse', '--git-common-dir'])
  if (!common) return undefined
  const objects = path.join(path.resolve(workspace, common), 'objects')
  if (['alternates', 'http-alternates'].some(f => fs.lstatSync(path.join(objects, 'info', f), { throwIfNoEntry: false }))) return undefined
  if (!readableByAll(objects)) return undefined
  // the guest could list and read every object of a borrowed store: only when it holds nothing the bottle's refs do not reach
  const tips = await bottleTips(workspace)
  return tips && (await onlyReachable(workspace, tips)) ? objects : undefined
}

/**
 * The refs the bottle's repository gets (HEAD's too): every ref with a well-formed name and object
 * name but the stash and filter-branch's backup of a history rewritten (`refs/original/`).
 */
async function bottleRefs(workspace: string): Promise<string[][] | undefined> {
  const out = await git(workspace, ['for-each-ref', '--format=%(objectname) %(refname)'])
  if (out === undefined) return undefined
  return out
    .split('\n')
    .map(l => l.split(' '))
    .filter(([oid, ref]) => oid && ref && OID.test(oid) && ref.startsWith('refs/') && !checkRefFormat(ref.slice(5)) && !/^refs\/(stash$|original\/)/.test(ref))
}

/** The objects the bottle's repository starts from: its refs' and HEAD's (the index's are added where they are walked). */
async function bottleTips(workspace: string): Promise<string[] | undefined> {
  const refs = await bottleRefs(workspace)
  if (!refs) return undefined
  const head = await git(workspace, ['rev-parse', '--verify', '-q', 'HEAD'])
  return [...new Set([...refs.map(([oid]) => oid!), ...(head && OID.test(head) ? [head] : [])])]
}

/**
 * The walk of what the bottle may have: from its tips and this worktree's index (not another
 * worktree's: `--single-worktree` before `--indexed-objects`); a missing object (a partial clone)
 * is skipped, never fetched.
 */
const REACHABLE = ['--objects', '--single-worktree', '--indexed-objects', '--missing=allow-any', '--stdin']

/**
 * Whether every object in the runner's store is reachable from `tips` or the index: no stash, no
 * commit amended or reset away, no blob only ever added and dropped (a credential file an
 * earlier step staged, say).
 */
export async function onlyReachable(workspace: string, tips: readonly string[]): Promise<boolean> {
  const reachable = await gitIn(workspace, ['rev-list', '--count', ...REACHABLE], `${tips.join('\n')}\n`)
  const counted = await git(workspace, ['count-objects', '-v'])
  if (reachable === undefined || counted === undefined || !/^\d+$/.test(reachable)) return false
  const field = new Map(counted.split('\n').map(l => [l.split(': ')[0], Number(l.split(': ')[1])]))
  // loose plus packed counts an object twice where it is in both: then the exact, deduplicated list decides
  if ((field.get('count') ?? 0) + (field.get('in-pack') ?? 0) === Number(reachable)) return true
  const all = await git(workspace, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'])
  return all !== undefined && all.split('\n').filter(Boolean).length === Number(reachable)
}

/**
 * Packs exactly what the bottle's repository may hold into `dir`: the walk's object list piped
 * into `pack-objects --stdout` (written to a file of ours, nothing in the runner's `.git`), then
 * indexed there with `index-pack`; returns the pack's two files (an empty pack when there is
 * nothing).
 */
async function packReachable(workspace: string, tips: readonly string[], dir: string, format: 'sha1' | 'sha256'): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const incoming = path.join(dir, 'incoming.pack')
  const failed = () =>
    new BottleError("packing the runner's objects for the bottle's repository failed", 'Check the checkout with `git fsck` in a step before this one')
  const base = ['-C', workspace, '-c', `safe.directory=${workspace}`, '-c', 'core.fsmonitor=false']
  const list = spawn('git', [...base, 'rev-list', ...REACHABLE], { env: gitEnv(), stdio: ['pipe', 'pipe', 'ignore'] })
  const pack = spawn('git', [...base, 'pack-objects', '-q', '--stdout', '--missing=allow-any'], { env: gitEnv(), stdio: ['pipe', 'pipe', 'ignore'] })
  list.stdin.end(`${tips.join('\n')}\n`)
  list.stdout.pipe(pack.stdin)
  const written = pipeline(pack.stdout, fs.createWriteStream(incoming, { flags: 'wx', mode: 0o600 }))
  const exited = (c: ReturnType<typeof spawn>) => new Promise<number | null>(resolve => c.once('close', resolve))
  const [listed, packed] = await Promise.all([exited(list), exited(pack), written.catch(() => undefined)])
  if (listed !== 0 || packed !== 0) throw failed()
  // outside any repository (the ceiling stops a search upwards): the pack's name is its checksum
  const indexed = await runCommand('git', ['-C', dir, 'index-pack', `--object-format=${format}`, incoming], {
    env: { ...gitEnv(), GIT_CEILING_DIRECTORIES: path.dirname(dir) }
  })
  const name = /^(?:pack\t)?([0-9a-f]{40,64})$/.exec(indexed.stdout.trim())?.[1]
  if (indexed.code !== 0 || !name) throw failed()
  const files = ['pack', 'idx'].map(ext => path.join(dir, `pack-${name}.${ext}`))
  fs.renameSync(incoming, files[0]!)
  fs.renameSync(path.join(dir, 'incoming.idx'), files[1]!)
  return files
}

/**
 * The held-back workspace files (credential files, files holding a run secret) whose content
 * the bottle's repository still holds: a blob of theirs in the index or in HEAD's tree that is a
 * credential file by name or holds one of `secrets`. Their working copies stayed out; these would
 * reach the agent through git (`git show HEAD:<path>`).
 */
export async function heldBackInRepo(workspace: string, heldBack: ReadonlyMap<string, string>, secrets: readonly string[]): Promise<string[]> {
  if (!heldBack.size || !fs.lstatSync(path.join(workspace, '.git'), { throwIfNoEntry: false })) return []
  const paths = [...heldBack.keys()]
  const blobs = new Map<string, Set<string>>()
  const add = (p: string, oid: string | undefined) => {
    if (oid && OID.test(oid) && heldBack.has(p)) blobs.set(p, (blobs.get(p) ?? new Set()).add(oid))
  }
  const lit = ['--literal-pathspecs']
  for (const entry of ((await git(workspace, [...lit, 'ls-files', '-s', '-z', '--', ...paths])) ?? '').split('\0')) {
    const [meta, p] = entry.split('\t')
    add(p ?? '', meta?.split(' ')[1])
  }
  for (const entry of ((await git(workspace, [...lit, 'ls-tree', '-r', '-z', 'HEAD', '--', ...paths])) ?? '').split('\0')) {
    const [meta, p] = entry.split('\t')
    add(p ?? '', meta?.split(' ')[2])
  }
  const leaks: string[] = []
  for (const [p, oids] of blobs) {
    const credential = heldBack.get(p)?.startsWith('a credential file')
    for (const oid of oids) {
      const body = credential ? '' : ((await git(workspace, ['cat-file', 'blob', oid])) ?? '')
      if (credential || secrets.some(s => s.length >= 8 && body.includes(s))) {
        leaks.push(p)
        break
      }
    }
  }
  return leaks
}

/**
 * The pieces of the bottle's `.git` for the runner's checkout at `workspace`, or undefined when
 * it is not one. `originUrl` is the git gate as the guest reaches it (undefined: no origin).
 * `objects` says whether the runner's objects are borrowed (the bottle's repository then writes
 * only its own new ones) or packed and copied.
 */
export async function guestRepo(workspace: string, originUrl: string | undefined, objects: RepoObjects): Promise<GuestRepo | undefined> {
  return (await readGuestRepo(workspace, objects))?.withOrigin(originUrl)
}

/**
 * Where the bottle's repository gets the runner's objects: borrowed from a read-only mount at
 * `borrowAt` (shareableObjects said it may), or packed into the host directory `packInto`
 * (exactly what its refs and the index reach), the pack then copied in.
 */
export type RepoObjects = { borrowAt: string } | { packInto: string }

/** The bottle's repository read from the runner's, before the git gate's guest URL is known (it goes in the config). */
export interface RepoDraft {
  withOrigin(originUrl: string | undefined): GuestRepo
}

/** Reads what guestRepo needs from the runner's checkout; it can run while the bottle starts. */
export async function readGuestRepo(workspace: string, objects: RepoObjects): Promise<RepoDraft | undefined> {
  if (!fs.lstatSync(path.join(workspace, '.git'), { throwIfNoEntry: false })) return undefined
  const gitDir = await git(workspace, ['rev-parse', '--absolute-git-dir'])
  const common = await git(workspace, ['rev-parse', '--git-common-dir'])
  if (!gitDir || !common) return undefined
  const commonDir = path.resolve(workspace, common)
  const format = (await git(workspace, ['rev-parse', '--show-object-format'])) === 'sha256' ? 'sha256' : 'sha1'

  // git needs these directories even when empty; they come first so the files below have parents
  const pieces: GitPiece[] = ['refs', 'refs/heads', 'refs/tags', 'objects', 'objects/info', 'objects/pack', 'info'].map(rel => ({ rel, dir: true }) as const)
  const symbolic = await git(workspace, ['symbolic-ref', '-q', 'HEAD'])
  const detached = symbolic ? undefined : await git(workspace, ['rev-parse', '--verify', '-q', 'HEAD'])
  if (symbolic && !checkRefFormat(symbolic) && symbolic.startsWith('refs/heads/')) pieces.push({ rel: 'HEAD', data: Buffer.from(`ref: ${symbolic}\n`) })
  else if (detached && OID.test(detached)) pieces.push({ rel: 'HEAD', data: Buffer.from(`${detached}\n`) })
  else pieces.push({ rel: 'HEAD', data: Buffer.from('ref: refs/heads/main\n') })

  const refs = (await bottleRefs(workspace)) ?? []
  pieces.push({ rel: 'packed-refs', data: Buffer.from(refs.map(([oid, ref]) => `${oid} ${ref}\n`).join('')) })

  // objects are data, but only those the bottle's refs and index reach: nothing the runner dropped or stashed
  if ('borrowAt' in objects) pieces.push({ rel: 'objects/info/alternates', data: Buffer.from(`${objects.borrowAt}\n`) })
  else {
    for (const file of await packReachable(workspace, (await bottleTips(workspace)) ?? [], objects.packInto, format))
      pieces.push({ rel: `objects/pack/${path.basename(file)}`, hostPath: file })
  }
  for (const [rel, dir] of [
    ['index', gitDir],
    ['shallow', commonDir],
    ['info/exclude', commonDir]
  ] as const) {
    if (fs.lstatSync(path.join(dir, rel), { throwIfNoEntry: false })?.isFile()) pieces.push({ rel, hostPath: path.join(dir, rel) })
  }
  for (const name of fs.readdirSync(gitDir)) if (/^sharedindex\.[0-9a-f]+$/.test(name)) pieces.push({ rel: name, hostPath: path.join(gitDir, name) })

  const branch = symbolic?.replace(/^refs\/heads\//, '')
  const lines = ['[core]', `\trepositoryformatversion = ${format === 'sha256' ? 1 : 0}`, '\tfilemode = true', '\tbare = false', '\tlogallrefupdates = true']
  // the copy's files have new inodes and ctimes: without these every file would be re-hashed at the first `git status`
  lines.push('\ttrustctime = false', '\tcheckStat = minimal')
  if (format === 'sha256') lines.push('[extensions]', '\tobjectformat = sha256')
  for (const key of ['user.name', 'user.email']) {
    const v = await git(workspace, ['config', '--get', key])
    if (v && PRINTABLE.test(v)) lines.push(`[${key.split('.')[0]}]`, `\t${key.split('.')[1]} = ${quoted(v)}`)
  }
  const store = 'borrowAt' in objects ? "the runner's objects borrowed read-only" : 'a pack of what its refs and index reach'
  const summary = `${refs.length} refs, ${store}, HEAD ${symbolic ?? detached ?? 'unborn'}`
  return {
    withOrigin(originUrl) {
      const config = [...lines]
      if (originUrl) {
        config.push('[remote "origin"]', `\turl = ${quoted(originUrl)}`, '\tfetch = +refs/heads/*:refs/remotes/origin/*')
        if (branch && PRINTABLE.test(branch)) config.push(`[branch ${quoted(branch)}]`, '\tremote = origin', `\tmerge = ${quoted(`refs/heads/${branch}`)}`)
      }
      return { pieces: [...pieces, { rel: 'config', data: Buffer.from(`${config.join('\n')}\n`) }], summary }
    }
  }
}

/** Bytes under the checkout's git dir (objects unless borrowed, index): what its copy takes in the bottle, in whole pages. */
export function gitDirBytes(workspace: string, objectsBorrowed = false): number {
  const top = configPathOf(workspace)
  if (!top) return 0
  let bytes = 0
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) {
        if (!(objectsBorrowed && dir === gitDir && d.name === 'objects')) walk(path.join(dir, d.name))
      } else if (d.isFile()) bytes += Math.ceil(Math.max(fs.lstatSync(path.join(dir, d.name)).size, 1) / 4096) * 4096
    }
  }
  const gitDir = path.dirname(top)
  try {
    walk(gitDir)
  } catch {
    // an unreadable part: the slack covers a small repository, and the copy says if it does not fit
  }
  return bytes
}
