import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { runCommand } from '../util/process.js'
import { readRegularFile } from '../util/no-follow.js'

/**
 * Credentials a checkout leaves in the workspace's .git/config: `http.<url>.extraheader`
 * (actions/checkout up to v5), credential helpers, userinfo in `remote.*.url`/`pushurl`, in
 * `url.<base>.insteadOf` bases and in `http.proxy`. Newer actions/checkout keeps its header in a
 * file under RUNNER_TEMP named by `includeIf.gitdir:….path`. None of it enters the bottle (its
 * repository is made anew: bottle/workspace/guest-repo.ts); it is read here for the redactor and
 * for the git gate, which adds the credential upstream itself.
 */
export interface SavedGitCredentials {
  configPath: string
  /** extraheader settings, from the config and from the files it includes, in the order git reads them */
  headers: { key: string; value: string }[]
  /** remotes whose URL carried userinfo: the URL as it was */
  remotes: { key: string; url: string }[]
}

const CREDENTIAL_KEYS = /^(http\..*\.extraheader|http\.extraheader|credential\..*|credential)$/i
const USERINFO = /^(\w[\w+.-]*:\/\/)[^/\s@]*@/
const INCLUDE_KEY = /^(include|includeif\..*)\.path$/i

/** The git config file of a workspace that is a git checkout, or undefined. Never follows a link. */
export function configPathOf(workspace: string): string | undefined {
  const gitPath = path.join(workspace, '.git')
  const st = fs.lstatSync(gitPath, { throwIfNoEntry: false })
  if (st?.isDirectory()) return path.join(gitPath, 'config')
  if (!st?.isFile()) return undefined
  // a worktree or submodule: `.git` is a file pointing at the git dir
  const m = /^gitdir:\s*(.+)$/m.exec(readRegularFile(gitPath)?.toString('utf8') ?? '')
  return m ? path.resolve(workspace, m[1]!.trim(), 'config') : undefined
}

/** `git config --file configPath …`: its stdout, or '' when git fails (e.g. the key is unset). */
export async function gitConfig(configPath: string, args: string[]): Promise<string> {
  const r = await runCommand('git', ['config', '--file', configPath, ...args])
  return r.code === 0 ? r.stdout : ''
}

/** The secret values in a config text (header values, userinfo anywhere in a URL), for masking and redaction. */
export function credentialSecrets(config: string): string[] {
  const secrets: string[] = []
  for (const m of config.matchAll(/extraheader\s*=\s*"?(?:AUTHORIZATION:\s*)?(?:basic|bearer)?\s*([^\s"]+)/gi)) secrets.push(m[1]!)
  for (const m of config.matchAll(/\w:\/\/([^/\s:@"]+)(?::([^@\s/"]+))?@/g)) {
    if (m[2]) secrets.push(decodeURIComponent(m[2]))
    else secrets.push(decodeURIComponent(m[1]!)) // a token given as the user name
  }
  for (const s of [...secrets]) {
    // a basic credential is base64("user:token"): the token inside is a secret too
    const decoded = Buffer.from(s, 'base64').toString('utf8')
    const token = /^[^:\s]+:(\S{8,})$/.exec(decoded)?.[1]
    if (token) secrets.push(token)
  }
  return secrets.filter(s => s.length >= 8)
}

/** The files a config includes (absolute paths; relative ones resolve against the config's dir). */
function includedFiles(configPath: string): string[] {
  const r = spawnSync('git', ['config', '--file', configPath, '--get-regexp', INCLUDE_KEY.source], { encoding: 'utf8' })
  const lines = r.status === 0 ? r.stdout.split('\n').filter(Boolean) : []
  return lines.map(l => l.replace(/^\S+\s+/, '').trim()).map(p => path.resolve(path.dirname(configPath), p.replace(/^~(?=\/)/, process.env['HOME'] ?? '~')))
}

/**
 * The config files of every git dir under the workspace's .git: its own, and each submodule's
 * (`.git/modules/**`: actions/checkout writes its credential there too with `submodules: true`).
 */
export function gitConfigFiles(workspace: string): string[] {
  const top = configPathOf(workspace)
  if (!top || !fs.lstatSync(top, { throwIfNoEntry: false })?.isFile()) return []
  const files = [top]
  const isGitDir = (dir: string) => fs.lstatSync(path.join(dir, 'HEAD'), { throwIfNoEntry: false }) !== undefined
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return
    const inGitDir = isGitDir(dir)
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory() || (inGitDir && /^(objects|refs|logs|hooks|info)$/.test(d.name))) continue
      const sub = path.join(dir, d.name)
      if (isGitDir(sub) && fs.lstatSync(path.join(sub, 'config'), { throwIfNoEntry: false })?.isFile()) files.push(path.join(sub, 'config'))
      walk(sub, depth + 1)
    }
  }
  const modules = path.join(path.dirname(top), 'modules')
  if (fs.lstatSync(modules, { throwIfNoEntry: false })?.isDirectory()) walk(modules, 0)
  return files
}

/** The secrets in the workspace's git configs and the files they include, read before anything is changed. */
export function workspaceGitSecrets(workspace: string): string[] {
  if (!workspace) return []
  return gitConfigFiles(workspace).flatMap(configPath => {
    const text = readRegularFile(configPath)?.toString('utf8') ?? ''
    const included = includedFiles(configPath).map(f => readRegularFile(f)?.toString('utf8') ?? '')
    return [text, ...included].flatMap(credentialSecrets)
  })
}

/**
 * What the git gate may use of the checkout's credentials, read from the workspace's own config
 * (undefined: not a checkout). Nothing is changed: the runner's .git never enters the bottle.
 */
export async function readGitCredentials(workspace: string): Promise<SavedGitCredentials | undefined> {
  const top = configPathOf(workspace)
  if (!top || !fs.lstatSync(top, { throwIfNoEntry: false })?.isFile()) return undefined
  const headers: SavedGitCredentials['headers'] = []
  for (const file of includedFiles(top)) {
    if (!readRegularFile(file)) continue
    for (const line of (await gitConfig(file, ['--get-regexp', 'extraheader$'])).split('\n').filter(Boolean)) {
      const [key, ...value] = line.split(' ')
      headers.push({ key: key!, value: value.join(' ') })
    }
  }
  const remotes: SavedGitCredentials['remotes'] = []
  const keys = [...new Set((await gitConfig(top, ['--name-only', '--list'])).split('\n').filter(Boolean))]
  for (const key of keys) {
    if (CREDENTIAL_KEYS.test(key) && /extraheader$/i.test(key)) {
      for (const value of (await gitConfig(top, ['--get-all', key])).split('\n').filter(Boolean)) headers.push({ key, value })
    } else if (/^remote\..*\.url$/i.test(key)) {
      const url = (await gitConfig(top, ['--get-all', key])).split('\n').filter(Boolean).at(-1)
      if (url && USERINFO.test(url)) remotes.push({ key, url })
    }
  }
  return { configPath: top, headers, remotes }
}
