import fs from 'node:fs'
import { configPathOf, gitConfig, type SavedGitCredentials } from './git-credentials.js'

/** What the gate fronts: the workspace origin without credentials, and the header it adds upstream. */
export interface GateOrigin {
  upstream: URL
  authHeader?: { name: string; value: string }
  /** where the credential came from, for the log */
  credentialSource: 'github-token' | 'checkout extraheader' | 'remote URL' | 'none'
  /** origin's URL in the workspace's git config exactly as written */
  url: string
}

const ORIGIN_KEY = 'remote.origin.url'

const basic = (user: string, password: string) => ({ name: 'authorization', value: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

/**
 * The gate's upstream and credential, read from the runner's checkout (which is never changed).
 * The credential is `github-token` when given, else what the checkout left (its extraheader
 * for this URL, or the password in the remote URL). Undefined when origin is not http(s).
 */
export async function gateOrigin(workspace: string, saved: SavedGitCredentials | undefined, githubToken: string | undefined): Promise<GateOrigin | undefined> {
  const configPath = configPathOf(workspace)
  if (!configPath || !fs.existsSync(configPath)) return undefined
  const url = (await gitConfig(configPath, ['--get', ORIGIN_KEY])).trim()
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined
  const found = { upstream: new URL(url), url }
  if (githubToken) return { ...found, authHeader: basic('x-access-token', githubToken), credentialSource: 'github-token' }
  // git uses the last value that applies; the included file (newer actions/checkout) comes first
  for (const e of [...(saved?.headers ?? [])].reverse()) {
    const scope = /^http\.(.*)\.extraheader$/i.exec(e.key)?.[1]
    if (!/^http\.extraheader$/i.test(e.key) && !(scope && found.upstream.href.startsWith(scope))) continue
    const header = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(e.value)
    if (header) return { ...found, authHeader: { name: header[1]!.toLowerCase(), value: header[2]! }, credentialSource: 'checkout extraheader' }
  }
  const fromUrl = saved?.remotes.find(r => r.key === ORIGIN_KEY)
  if (fromUrl) {
    const u = new URL(fromUrl.url)
    if (u.password || u.username)
      return { ...found, authHeader: basic(decodeURIComponent(u.username), decodeURIComponent(u.password)), credentialSource: 'remote URL' }
  }
  return { ...found, credentialSource: 'none' }
}
