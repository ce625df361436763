import { spawn } from 'node:child_process'
import { z } from 'zod'
import { type GitHubGet, repoPath } from '../../trigger/github-api.js'
import { BottleError } from '../../util/errors.js'
import { AGENT_CONFIG_PATHS, isAgentConfigPath } from './agent-config-paths.js'
import { gitEnv } from './guest-repo.js'
import type { Manifest, ManifestEntry } from './manifest.js'

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

/** The entries and blobs to fetch from the listing, bounded; submodules (commits) are left out. */
function toEntries(sha: string, list: TreeEntry[], blob: (oid: string) => Promise<Buffer>): Promise<BaseEntry[]> {
  const wanted = list.filter(e => isAgentConfigPath(e.path) && e.type !== 'commit')
  if (wanted.length > BASE_CONFIG_MAX_ENTRIES) throw tooLarge(sha)
  let bytes = 0
  return (async () => {
    const out: BaseEntry[] = []
    for (const e of wanted) {
      if (e.type === 'tree') {
        out.push({ rel: e.path, type: 'dir' })
        continue
      }
      if (e.type !== 'blob') continue
      const data = await blob(e.oid)
      bytes += data.length
      if (bytes > BASE_CONFIG_MAX_BYTES) throw tooLarge(sha)
      if (e.mode === '120000') out.push({ rel: e.path, type: 'symlink', target: data.toString('utf8') })
      else out.push({ rel: e.path, type: 'file', executable: e.mode === '100755', data })
    }
    return out
  })()
}

/** Runs git on the runner's repository as data (no config of the runner's, no fsmonitor); stdout as bytes. */
function gitBytes(workspace: string, args: string[], maxBytes: number): Promise<{ code: number | null; out: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', workspace, '-c', `safe.directory=${workspace}`, '-c', 'core.fsmonitor=false', ...args], {
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'ignore']
    })
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

/** The base's agent configuration from the runner's repository, or undefined when it does not hold the base commit. */
export async function localBaseConfig(workspace: string, sha: string): Promise<BaseEntry[] | undefined> {
  const has = await gitBytes(workspace, ['cat-file', '-e', `${sha}^{commit}`], 0)
  if (has.code !== 0) return undefined
  const listed = await gitBytes(workspace, ['ls-tree', '-r', '-t', '-z', '--full-tree', sha, '--', ...AGENT_CONFIG_PATHS], 4 * 1024 * 1024)
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
  return toEntries(sha, list, async oid => {
    const r = await gitBytes(workspace, ['cat-file', 'blob', oid], BASE_CONFIG_MAX_BYTES)
    if (r.code !== 0) throw tooLarge(sha)
    return r.out
  })
}

const ApiTree = z.object({
  truncated: z.boolean().optional(),
  tree: z.array(z.object({ path: z.string(), mode: z.string(), type: z.string(), sha: z.string() }).passthrough())
})
const ApiBlob = z.object({ content: z.string(), encoding: z.literal('base64') }).passthrough()

/** The base's agent configuration from GitHub's API: the root tree, `.claude`'s tree whole, each blob. */
export async function apiBaseConfig(get: GitHubGet, repository: string, sha: string): Promise<BaseEntry[]> {
  const unreadable = (what: string) =>
    new BottleError(
      `agent-config-from-base: GitHub did not give ${what} of ${repository} at the base commit ${sha.slice(0, 12)}`,
      'Check that github-token can read the repository (permissions: contents: read); the run did not start'
    )
  const tree = async (oid: string, recursive: boolean) => {
    const parsed = ApiTree.safeParse(await get(`${repoPath(repository)}/git/trees/${oid}${recursive ? '?recursive=1' : ''}`))
    if (!parsed.success) throw unreadable('the tree')
    if (parsed.data.truncated) throw tooLarge(sha)
    return parsed.data.tree.map(e => ({ mode: e.mode, type: e.type, oid: e.sha, path: e.path }))
  }
  const root = (await tree(sha, false)).filter(e => AGENT_CONFIG_PATHS.includes(e.path))
  const list: TreeEntry[] = []
  for (const e of root) {
    list.push(e)
    if (e.path === '.claude' && e.type === 'tree') list.push(...(await tree(e.oid, true)).map(c => ({ ...c, path: `.claude/${c.path}` })))
  }
  return toEntries(sha, list, async oid => {
    const parsed = ApiBlob.safeParse(await get(`${repoPath(repository)}/git/blobs/${oid}`))
    if (!parsed.success) throw unreadable(`the file ${oid.slice(0, 12)}`)
    return Buffer.from(parsed.data.content, 'base64')
  })
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
  // a directory before what it holds, as the tar stream needs
  for (const b of [...base].sort((x, y) => (x.rel < y.rel ? -1 : x.rel > y.rel ? 1 : 0))) {
    if (b.type === 'dir') manifest.entries.set(b.rel, { type: 'dir', mode: 0o755, size: 0, mtime: now })
    else if (b.type === 'symlink') manifest.entries.set(b.rel, { type: 'symlink', mode: 0o777, size: 0, mtime: now, target: b.target })
    else manifest.entries.set(b.rel, { type: 'file', mode: b.executable ? 0o755 : 0o644, size: b.data.length, mtime: now, data: b.data })
  }
  manifest.pullRequestConfig = theirs
}
