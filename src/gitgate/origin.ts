import fs from 'node:fs'
import { configPathOf, gitConfig, restoreOwner, type SavedGitCredentials } from '../bottle/git-credentials.js'

/** What the gate fronts: the workspace origin without credentials, and the header it adds upstream. */
export interface GateOrigin {
  upstream: URL
  authHeader?: { name: string; value: string }
  /** where the credential came from, for the log */
  credentialSource: 'github-token' | 'checkout extraheader' | 'remote URL' | 'none'
  /** the workspace's git config, and origin's URL in it exactly as written */
  configPath: string
  url: string
}

/** The origin's URL while the run sees it through the gate, and what to put back. */
export interface RoutedOrigin {
  configPath: string
  was: string
  now: string
  uid: number
  gid: number
}

const ORIGIN_KEY = 'remote.origin.url'

const basic = (user: string, password: string) => ({ name: 'authorization', value: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

/**
 * The gate's upstream and credential, read after the checkout's credentials were taken out.
 * The credential is `github-token` when given, else what the checkout left (its extraheader
 * for this URL, or the password in the remote URL). Undefined when origin is not http(s).
 */
export async function gateOrigin(workspace: string, saved: SavedGitCredentials | undefined, githubToken: string | undefined): Promise<GateOrigin | undefined> {
  const configPath = configPathOf(workspace)
  if (!configPath || !fs.existsSync(configPath)) return undefined
  const url = (await gitConfig(configPath, ['--get', ORIGIN_KEY])).trim()
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined
  const found = { upstream: new URL(url), configPath, url }
  if (githubToken) return { ...found, authHeader: basic('x-access-token', githubToken), credentialSource: 'github-token' }
  for (const e of saved?.entries ?? []) {
    const scope = /^http\.(.*)\.extraheader$/i.exec(e.key)?.[1]
    if (!/^http\.extraheader$/i.test(e.key) && !(scope && found.upstream.href.startsWith(scope))) continue
    const header = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(e.values.at(-1) ?? '')
    if (header) return { ...found, authHeader: { name: header[1]!.toLowerCase(), value: header[2]! }, credentialSource: 'checkout extraheader' }
  }
  const fromUrl = saved?.remotes.find(r => r.key === ORIGIN_KEY)
  if (fromUrl) {
    const u = new URL(fromUrl.url)
    if (u.password || u.username) return { ...found, authHeader: basic(decodeURIComponent(u.username), decodeURIComponent(u.password)), credentialSource: 'remote URL' }
  }
  return { ...found, credentialSource: 'none' }
}

/** What routing origin through `guestUrl` will change (saved before anything changes). */
export function planOriginRoute(origin: GateOrigin, guestUrl: string): RoutedOrigin {
  const st = fs.statSync(origin.configPath)
  return { configPath: origin.configPath, was: origin.url, now: guestUrl, uid: st.uid, gid: st.gid }
}

export async function applyOriginRoute(r: RoutedOrigin): Promise<void> {
  await gitConfig(r.configPath, [ORIGIN_KEY, r.now])
  restoreOwner(r.configPath, r.uid, r.gid)
}

/** Puts origin back as it was, whatever the agent set it to. Idempotent. */
export async function restoreOrigin(r: RoutedOrigin): Promise<void> {
  if (!fs.existsSync(r.configPath)) return
  await gitConfig(r.configPath, [ORIGIN_KEY, r.was])
  restoreOwner(r.configPath, r.uid, r.gid)
}
