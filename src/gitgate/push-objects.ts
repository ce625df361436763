import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { runCommand, type RunResult } from '../util/process.js'
import { formatBytes } from './limits.js'
import { ZERO_OID, type RefUpdate } from './receive-pack.js'

/** Where the upstream's branches and tags live in the gate's repo: "what the upstream had". */
export const UPSTREAM_REFS = 'refs/bot-bottle-gate/upstream'
/** Where the upstream's other refs a push updates (notes, refs/meta/…) are fetched to, for that push only. */
export const OTHER_REFS = 'refs/bot-bottle-gate/other'
/** Every ref the gate fetched from the upstream for the push being judged: the tips the upstream advertised. */
export const FETCHED_REFS = 'refs/bot-bottle-gate/'

/**
 * Host git as the gate runs it on objects the push sent: on a bare repo the gate made, with
 * no system or global config, no replace refs and no `GIT_*` from the runner's environment.
 * Plumbing only (index-pack, rev-list, diff-tree --raw, cat-file without --filters), so no
 * hook, filter, textconv or attribute of the pushed content ever runs.
 */
export function isolatedGitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')))
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_NO_REPLACE_OBJECTS: '1', GIT_TERMINAL_PROMPT: '0', ...extra }
}

/** The objects of one push, indexed into a quarantine beside the gate's copy of the upstream. */
export class PushObjects {
  constructor(
    readonly gitDir: string,
    /** the push's own object directory, removed by dispose() (as receive-pack's tmp_objdir) */
    readonly quarantine: string,
    /** why the pack could not be indexed (git's words), or undefined when it was */
    readonly unreadable: string | undefined,
    private readonly timeoutMs: number,
    /** the most git may allocate at once for this push's objects (GIT_ALLOC_LIMIT) */
    private readonly maxObjectBytes: number
  ) {}

  /** Environment for git commands that see the upstream's objects plus the push's. */
  env(): NodeJS.ProcessEnv {
    return isolatedGitEnv({
      GIT_OBJECT_DIRECTORY: this.quarantine,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(this.gitDir, 'objects'),
      GIT_QUARANTINE_PATH: this.quarantine,
      GIT_ALLOC_LIMIT: String(this.maxObjectBytes + 1024 * 1024)
    })
  }

  git(args: string[], input?: string): Promise<RunResult> {
    return runCommand('git', ['--git-dir', this.gitDir, ...args], { input, timeoutMs: this.timeoutMs, env: this.env() })
  }

  /** A command's stdout; a failure throws with git's last words. */
  async gitText(args: string[], input?: string): Promise<string> {
    const r = await this.git(args, input)
    if (r.code !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim().split('\n').slice(-2).join('; ').slice(0, 300) || `exit ${r.code}`}`)
    return r.stdout
  }

  /** Type and size of each object (a missing one is left out). */
  async types(oids: readonly string[]): Promise<Map<string, { type: string; size: number }>> {
    const out = oids.length ? await this.gitText(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], oids.map(o => `${o}\n`).join('')) : ''
    const found = new Map<string, { type: string; size: number }>()
    for (const m of out.matchAll(/^([0-9a-f]{40,64}) (\w+) (\d+)$/gm)) found.set(m[1]!, { type: m[2]!, size: Number(m[3]) })
    return found
  }

  /**
   * Objects of the pushed pack that are neither in `reached` nor already the upstream's (a
   * thin pack's bases, appended by --fix-thin, are): read from the quarantine alone.
   */
  async packOnly(reached: readonly string[]): Promise<Map<string, { type: string; size: number }>> {
    const inPack = await runCommand(
      'git',
      ['--git-dir', this.gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)'],
      { timeoutMs: this.timeoutMs, env: isolatedGitEnv({ GIT_OBJECT_DIRECTORY: this.quarantine }) }
    )
    if (inPack.code !== 0) throw new Error(`git cat-file --batch-all-objects: ${inPack.stderr.trim().slice(0, 300)}`)
    const skip = new Set(reached)
    const candidates = [...inPack.stdout.matchAll(/^([0-9a-f]{40,64}) (\w+) (\d+)$/gm)].filter(m => !skip.has(m[1]!))
    const upstream = await runCommand('git', ['--git-dir', this.gitDir, 'cat-file', '--batch-check=%(objectname)'], {
      input: candidates.map(m => `${m[1]}\n`).join(''),
      timeoutMs: this.timeoutMs,
      env: isolatedGitEnv()
    })
    const theirs = new Set(upstream.stdout.split('\n').filter(l => /^[0-9a-f]+$/.test(l)))
    return new Map(candidates.filter(m => !theirs.has(m[1]!)).map(m => [m[1]!, { type: m[2]!, size: Number(m[3]) }]))
  }

  /** Whether old is an ancestor of new; a missing object counts as "no". */
  async isAncestor(old: string, tip: string): Promise<boolean> {
    if (this.unreadable) return false
    return (await this.git(['merge-base', '--is-ancestor', old, tip])).code === 0
  }

  dispose(): void {
    fs.rmSync(this.quarantine, { recursive: true, force: true })
  }
}

/**
 * The gate's own bare repo on the host (never in the bottle): the upstream's branches and
 * tags, fetched with the gate's credential, so the objects a push builds on come from the
 * upstream itself, never from anything the agent could write. Each push's pack is indexed
 * (`git index-pack --strict`: fsck'd and complete) into a quarantine of its own, judged there
 * and dropped, so a refused push leaves nothing behind.
 */
export class GateRepo {
  private ready: Promise<void> | undefined

  constructor(
    private readonly dir: string,
    private readonly upstreamUrl: string,
    /** extra env for fetches: the credential header and CA bundle, never in argv */
    private readonly fetchEnv: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
    /** the largest object a push may inflate to (limits.ts maxObjectBytes) */
    private readonly maxObjectBytes: number
  ) {}

  private git(args: string[], env: NodeJS.ProcessEnv, input?: NodeJS.ReadableStream): Promise<RunResult> {
    // no `gc --auto` or maintenance after a fetch: nothing may run on after the gate closes; and no hook of
    // the runner's (a global core.hooksPath: reference-transaction would run on every ref the fetch moves)
    return runCommand('git', ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false', '-c', 'core.hooksPath=/dev/null', '--git-dir', this.dir, ...args], {
      input,
      timeoutMs: this.timeoutMs,
      env
    })
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
      const r = await this.git(['init', '--bare', '--quiet'], isolatedGitEnv())
      if (r.code !== 0) throw new Error(`git init failed: ${r.stderr.trim()}`)
    })()
    return this.ready
  }

  private fetch(refspecs: string[]): Promise<RunResult> {
    return this.git(['fetch', '--no-tags', '--prune', '--quiet', this.upstreamUrl, ...refspecs], { ...process.env, GIT_TERMINAL_PROMPT: '0', ...this.fetchEnv })
  }

  /**
   * Brings the upstream's branches and tags up to date (plus the old tips of other refs the
   * push updates), then indexes the pack (read from `pack()`) into a new quarantine.
   */
  async receive(pack: () => NodeJS.ReadableStream, updates: readonly RefUpdate[]): Promise<PushObjects> {
    await this.init()
    await this.fetch([`+refs/heads/*:${UPSTREAM_REFS}/heads/*`, `+refs/tags/*:${UPSTREAM_REFS}/tags/*`])
    const others = updates.filter(u => !ZERO_OID.test(u.old) && !/^refs\/(heads|tags)\//.test(u.ref))
    // an earlier push's other refs go first: a fetch that fails below must not leave one standing as "advertised"
    const stale = await this.git(['for-each-ref', '--format=%(refname)', OTHER_REFS], isolatedGitEnv())
    for (const ref of stale.stdout.split('\n').filter(Boolean)) await this.git(['update-ref', '-d', ref], isolatedGitEnv())
    // a ref the upstream lacks fails the fetch it is in: one fetch per ref
    for (const [i, u] of others.entries()) await this.fetch([`+${u.ref}:${OTHER_REFS}/${i}`])
    const quarantine = path.join(this.dir, 'quarantine', crypto.randomBytes(8).toString('hex'))
    fs.mkdirSync(path.join(quarantine, 'pack'), { recursive: true, mode: 0o700 })
    const objects = new PushObjects(this.dir, quarantine, undefined, this.timeoutMs, this.maxObjectBytes)
    const indexed = await this.git(['index-pack', '--stdin', '--fix-thin', '--strict'], objects.env(), pack())
    if (indexed.code === 0) return objects
    const overLimit = /attempting to allocate \d+ over limit/.test(indexed.stderr)
    const why = overLimit
      ? `an object inflates to more than ${formatBytes(this.maxObjectBytes)}, the largest the gate indexes ` +
        '(GitHub refuses files over 100 MiB; input git-max-push-mb raises it)'
      : indexed.stderr.trim().split('\n').filter(Boolean).slice(-2).join('; ').slice(0, 300) || `git index-pack exited ${indexed.code}`
    return new PushObjects(this.dir, quarantine, why, this.timeoutMs, this.maxObjectBytes)
  }
}
