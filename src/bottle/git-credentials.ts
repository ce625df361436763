import fs from 'node:fs'
import path from 'node:path'
import { runCommand } from '../util/process.js'

/**
 * Credentials a checkout leaves in the workspace's .git/config (actions/checkout writes
 * `http.https://github.com/.extraheader = AUTHORIZATION: basic …`), credential helpers, and
 * tokens embedded in remote URLs. They are taken out before the bottle starts, so the agent
 * cannot read them, and put back afterwards (by the main step, or by the post step from state).
 */
export interface SavedGitCredentials {
  configPath: string
  /** each credential key with all its values, as they were */
  entries: { key: string; values: string[] }[]
  /** remotes whose URL carried userinfo: the URL as it was, and as the run saw it */
  remotes: { key: string; url: string; stripped: string }[]
  uid: number
  gid: number
}

const CREDENTIAL_KEYS = /^(http\..*\.extraheader|http\.extraheader|credential\..*|credential)$/i

/** The git config file of a workspace that is a git checkout, or undefined. */
export function configPathOf(workspace: string): string | undefined {
  const gitPath = path.join(workspace, '.git')
  if (!fs.existsSync(gitPath)) return undefined
  if (fs.statSync(gitPath).isDirectory()) return path.join(gitPath, 'config')
  // a worktree or submodule: `.git` is a file pointing at the git dir
  const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(gitPath, 'utf8'))
  return m ? path.resolve(workspace, m[1]!.trim(), 'config') : undefined
}

/** `git config --file configPath …`: its stdout, or '' when git fails (e.g. the key is unset). */
export async function gitConfig(configPath: string, args: string[]): Promise<string> {
  const r = await runCommand('git', ['config', '--file', configPath, ...args])
  return r.code === 0 ? r.stdout : ''
}

/** The secret values found (header values, URL passwords), for masking and redaction. */
export function credentialSecrets(config: string): string[] {
  const secrets: string[] = []
  for (const m of config.matchAll(/extraheader\s*=\s*(?:AUTHORIZATION:\s*)?(?:basic|bearer)?\s*(\S+)/gi)) secrets.push(m[1]!)
  for (const m of config.matchAll(/url\s*=\s*\w+:\/\/[^/\s:@]+:([^@\s]+)@/gi)) secrets.push(decodeURIComponent(m[1]!))
  for (const s of [...secrets]) {
    // a basic credential is base64("user:token"): the token inside is a secret too
    const decoded = Buffer.from(s, 'base64').toString('utf8')
    const token = /^[^:\s]+:(\S{8,})$/.exec(decoded)?.[1]
    if (token) secrets.push(token)
  }
  return secrets.filter(s => s.length >= 8)
}

/** The secrets in a workspace's git config, read before anything is changed. */
export function workspaceGitSecrets(workspace: string): string[] {
  const configPath = workspace ? configPathOf(workspace) : undefined
  return configPath && fs.existsSync(configPath) ? credentialSecrets(fs.readFileSync(configPath, 'utf8')) : []
}

/** Takes credentials out of the workspace's git config; returns what to put back (undefined: nothing to do). */
export async function stripGitCredentials(workspace: string): Promise<SavedGitCredentials | undefined> {
  const configPath = configPathOf(workspace)
  if (!configPath || !fs.existsSync(configPath)) return undefined
  const st = fs.statSync(configPath)
  const keys = new Set(
    (await gitConfig(configPath, ['--name-only', '--list']))
      .split('\n')
      .filter(k => CREDENTIAL_KEYS.test(k))
  )
  const remoteLines = (await gitConfig(configPath, ['--get-regexp', '^remote\\..*\\.url$'])).split('\n').filter(Boolean)
  const withUserinfo = remoteLines.map(l => /^(\S+)\s+(.+)$/.exec(l)!).filter(m => m && /^\w+:\/\/[^/\s]*@/.test(m[2]!))
  if (keys.size === 0 && withUserinfo.length === 0) return undefined
  const entries: SavedGitCredentials['entries'] = []
  for (const key of keys) {
    entries.push({ key, values: (await gitConfig(configPath, ['--get-all', key])).split('\n').filter(v => v !== '') })
    await gitConfig(configPath, ['--unset-all', key])
  }
  const remotes = withUserinfo.map(m => ({ key: m[1]!, url: m[2]!, stripped: m[2]!.replace(/^(\w+:\/\/)[^/\s]*@/, '$1') }))
  for (const r of remotes) await gitConfig(configPath, [r.key, r.stripped])
  restoreOwner(configPath, st.uid, st.gid)
  return { configPath, entries, remotes, uid: st.uid, gid: st.gid }
}

/**
 * Puts the credentials back, keeping whatever else the agent changed in the config.
 * Idempotent: values already back are not added twice.
 */
export async function restoreGitCredentials(saved: SavedGitCredentials): Promise<void> {
  if (!fs.existsSync(saved.configPath)) return
  for (const e of saved.entries) {
    await gitConfig(saved.configPath, ['--unset-all', e.key])
    for (const v of e.values) await gitConfig(saved.configPath, ['--add', e.key, v])
  }
  for (const r of saved.remotes) {
    // only where the agent left the remote as the run saw it
    if ((await gitConfig(saved.configPath, ['--get', r.key])).trim() === r.stripped) await gitConfig(saved.configPath, [r.key, r.url])
  }
  restoreOwner(saved.configPath, saved.uid, saved.gid)
}

export function restoreOwner(file: string, uid: number, gid: number): void {
  // git rewrites the file as whoever runs it; keep the checkout's owner
  if (process.getuid?.() === 0) fs.chownSync(file, uid, gid)
}
