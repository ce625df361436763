import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { z } from 'zod'
import { type GitHubGet, repoPath } from '../../trigger/github-api.js'
import { BottleError } from '../../util/errors.js'
import { AGENT_CONFIG_PATHS, isAgentConfigPath } from '../../workspace-door/agent-config-paths.js'
import { gitEnv } from './guest-repo.js'
import type { Manifest, ManifestEntry } from '../../workspace-door/manifest.js'

/**
 * The agent configuration of a pull request's base commit: what claude reads as instructions,
 * hooks, MCP servers and settings from the workspace (`.claude/`, `.mcp.json`, `.claude.json`,
 * `CLAUDE.md`, `CLAUDE.local.md`) and `.gitmodules`. A pull request from a fork brings its own
 * versions of these; those ran with secrets in other agent actions (CVE-2025-59536, CVE-2026-21852).
 * Read from the runner's repository when it holds the base commit, else from GitHub's API
 * (`git/trees`, `git/blobs`) with `github-token`; as data, nothing of it runs here.
 */

export type BaseEntry =
  | { rel: string; type: 'dir' }
  | { rel: string; type: 'file'; executable: boolean; data: Buffer }
  | { rel: string; type: 'symlink'; target: string }

/** What the base's agent configuration may hold: far beyond a real one, short of filling the runner's memory. */
export const BASE_CONFIG_MAX_ENTRIES = 2000
export const BASE_CONFIG_MAX_BYTES = 16 * 1024 * 1024

const tooLarge = (sha: string) =>
  new BottleError(
    `agent-config-from-base: the base commit ${sha.slice(0, 12)}'s agent configuration holds more than ` +
      `${BASE_CONFIG_MAX_ENTRIES} entries or ${BASE_CONFIG_MAX_BYTES / 1048576} MiB`,
    "Keep .claude/ small in the base branch, or set agent-config-from-base: never (the pull request's own then applies)"
  )

/** A tree entry as git lists it: mode, type, object, path. */
interface TreeEntry {
  mode: string
  type: string
  oid: string
  path: string
  size?: number
}

/**
 * A base symlink stays only when it points at agent configuration of the base too: a common
 * `CLAUDE.md -> docs/AI.md` would otherwise load the pull request's file under the base's name.
 */
function linkStays(rel: string, target: string): boolean {
  if (target.startsWith('/')) return false
  const to = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target))
  return !to.startsWith('../') && to !== '..' && isAgentConfigPath(to)
}

/** The entries and blobs to fetch from the listing, bounded; submodules (commits) are left out. */
async function toEntries(sha: string, list: TreeEntry[], blob: (oid: string) => Promise<Buffer | undefined>): Promise<BaseEntry[] | undefined> {
  const wanted = list.filter(e => isAgentConfigPath(e.path) && e.type !== 'commit')
  if (wanted.length > BASE_CONFIG_MAX_ENTRIES) throw tooLarge(sha)
  let bytes = 0
  const out: BaseEntry[] = []
  for (const e of wanted) {
    if (e.type === 'tree') {
      out.push({ rel: e.path, type: 'dir' })
      continue
    }
    if (e.type !== 'blob') continue
    const data = await blob(e.oid)
    if (!data) return undefined
    bytes += data.length
    if (bytes > BASE_CONFIG_MAX_BYTES) throw tooLarge(sha)
    if (e.mode !== '120000') out.push({ rel: e.path, type: 'file', executable: e.mode === '100755', data })
    else if (linkStays(e.path, data.toString('utf8'))) out.push({ rel: e.path, type: 'symlink', target: data.toString('utf8') })
    else
      core.info(
        `agent config: the base's ${e.path} is a link out of its agent configuration (to ${JSON.stringify(data.toString('utf8').slice(0, 200))}): left out`
      )
  }
  return out
}

/** Runs git on the runner's repository as data (no config of the runner's, no fsmonitor, no lazy fetch); stdout as bytes. */
function gitBytes(workspace: string, args: string[], maxBytes: number): Promise<{ code: number | null; out: Buffer }> {
  return new Promise((resolve, reject) => {
    // never a repository git would find by itself: the workspace's own .git only (a pull request can plant a bare one)
    const gitDir = path.join(workspace, '.git')
    const child = spawn(
      'git',
      ['--git-dir', gitDir, '-c', `safe.directory=${gitDir}`, '-c', 'safe.bareRepository=explicit', '-c', 'core.fsmonitor=false', ...args],
      { cwd: workspace, env: { ...gitEnv(), GIT_NO_LAZY_FETCH: '1', GIT_CEILING_DIRECTORIES: path.dirname(workspace) }, stdio: ['ignore', 'pipe', 'ignore'] }
    )
    const chunks: Buffer[] = []
    let n = 0
    child.stdout.on('data', (c: Buffer) => {
      n += c.length
      if (n > maxBytes) child.kill('SIGKILL')
      else chunks.push(c)
    })
    child.on('error', reject)
    child.on('close', code => resolve({ code: n > maxBytes ? null : code, out: Buffer.concat(chunks) }))
  })
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/
/** The listing of a whole tree the runner reads at most (a monorepo's paths, not its files). */
const LISTING_MAX_BYTES = 256 * 1024 * 1024

/**
 * The base's agent configuration from the runner's repository, or undefined when it cannot give
 * all of it: no `.git` of its own in the workspace (a subdirectory of a checkout, or none), the
 * base commit or one of its files not there (a shallow or partial checkout; never fetched).
 */
export async function localBaseConfig(workspace: string, base: string): Promise<BaseEntry[] | undefined> {
  if (!SHA.test(base) || !fs.lstatSync(path.join(workspace, '.git'), { throwIfNoEntry: false })?.isDirectory()) return undefined
  const has = await gitBytes(workspace, ['cat-file', '-e', `${base}^{commit}`], 0)
  if (has.code !== 0) return undefined
  const listed = await gitBytes(workspace, ['ls-tree', '-r', '-t', '-z', '--full-tree', base], LISTING_MAX_BYTES)
  if (listed.code !== 0) return undefined
  const list = listed.out
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map(line => {
      const tab = line.indexOf('\t')
      const [mode, type, oid] = line.slice(0, tab).split(' ')
      return { mode: mode!, type: type!, oid: oid!, path: line.slice(tab + 1) }
    })
  return toEntries(base, list, async oid => {
    const r = await gitBytes(workspace, ['cat-file', 'blob', oid], BASE_CONFIG_MAX_BYTES)
    if (r.code === null) throw tooLarge(base)
    return r.code === 0 ? r.out : undefined
  })
}

const ApiTree = z.object({
  truncated: z.boolean().optional(),
  tree: z.array(z.object({ path: z.string(), mode: z.string(), type: z.string(), sha: z.string() }).passthrough())
})
const TRUNCATED = new Error('the tree is truncated')
const ApiBlob = z.object({ content: z.string(), encoding: z.literal('base64') }).passthrough()

/** The base's agent configuration from GitHub's API: the root tree, `.claude`'s tree whole, each blob. */
export async function apiBaseConfig(get: GitHubGet, repository: string, sha: string): Promise<BaseEntry[]> {
  const unreadable = (what: string) =>
    new BottleError(
      `agent-config-from-base: GitHub did not give ${what} of ${repository} at the base commit ${sha.slice(0, 12)}`,
      'Check that github-token can read the repository (permissions: contents: read); the run did not start'
    )
  const tree = async (oid: string, recursive: boolean) => {
    const parsed = ApiTree.safeParse(await get(`${repoPath(repository)}/git/trees/${encodeURIComponent(oid)}${recursive ? '?recursive=1' : ''}`))
    if (!parsed.success) throw unreadable('the tree')
    if (parsed.data.truncated) throw TRUNCATED
    return parsed.data.tree.map(e => ({ mode: e.mode, type: e.type, oid: e.sha, path: e.path }))
  }
  // the whole tree at once (nested CLAUDE.md, rules, skills); past what GitHub lists in one answer, the top and .claude/ only
  let list = await tree(sha, true).catch(err => {
    if (err === TRUNCATED) return undefined
    throw err
  })
  if (!list) {
    core.warning(
      "agent config: the base's tree is too large for GitHub's API to list at once: only its top-level agent configuration is taken " +
        "(the pull request's in subdirectories is still left out)"
    )
    list = []
    for (const e of (await tree(sha, false)).filter(e => AGENT_CONFIG_PATHS.includes(e.path))) {
      list.push(e)
      if (e.path === '.claude' && e.type === 'tree') list.push(...(await tree(e.oid, true)).map(c => ({ ...c, path: `.claude/${c.path}` })))
    }
  }
  const entries = await toEntries(sha, list, async oid => {
    const parsed = ApiBlob.safeParse(await get(`${repoPath(repository)}/git/blobs/${oid}`))
    if (!parsed.success) throw unreadable(`the file ${oid.slice(0, 12)}`)
    return Buffer.from(parsed.data.content, 'base64')
  })
  return entries ?? []
}

/**
 * Puts the base's agent configuration in the manifest in place of the pull request's: its
 * entries leave the copy (kept aside for the read-only copy beside it), the base's come in with
 * their bytes. What the manifest then holds is what the door compares with after the run.
 */
export function applyBaseConfig(manifest: Manifest, base: readonly BaseEntry[], now = Math.floor(Date.now() / 1000)): void {
  const theirs = new Map<string, ManifestEntry>()
  for (const [rel, e] of manifest.entries)
    if (isAgentConfigPath(rel)) {
      theirs.set(rel, e)
      manifest.entries.delete(rel)
    }
  // only where the copy has the directory it lies in (a directory the pull request removed is not made again)
  const placed = (rel: string) => {
    const parts = rel.split('/')
    const first = parts.findIndex(c => AGENT_CONFIG_PATHS.includes(c))
    const dir = parts.slice(0, first).join('/')
    return dir === '' || manifest.entries.get(dir)?.type === 'dir'
  }
  // a directory before what it holds, as the tar stream needs
  for (const b of [...base].filter(b => placed(b.rel)).sort((x, y) => (x.rel < y.rel ? -1 : x.rel > y.rel ? 1 : 0))) {
    if (b.type === 'dir') manifest.entries.set(b.rel, { type: 'dir', mode: 0o755, size: 0, mtime: now })
    else if (b.type === 'symlink') manifest.entries.set(b.rel, { type: 'symlink', mode: 0o777, size: 0, mtime: now, target: b.target })
    else manifest.entries.set(b.rel, { type: 'file', mode: b.executable ? 0o755 : 0o644, size: b.data.length, mtime: now, data: b.data })
  }
  manifest.pullRequestConfig = theirs
}
