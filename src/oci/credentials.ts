import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { runCommand } from '../util/process.js'

/** A registry login: what `docker login` stores, used for the registry's token or basic auth. */
export interface RegistryLogin {
  username: string
  password: string
  /** where it came from, for the log (never the values) */
  source: string
}

const DockerConfig = z.object({
  auths: z
    .record(z.string(), z.object({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional() }).passthrough())
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional()
})

/** The keys `docker login` may have stored a registry's login under (Docker Hub has its own legacy key). */
function keysFor(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1']
  return [registry, `https://${registry}`, `https://${registry}/`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`]
}

const HELPER_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** Asks a docker credential helper (`docker-credential-<name> get`, the registry on stdin). */
async function fromHelper(helper: string, key: string): Promise<RegistryLogin | undefined> {
  if (!HELPER_NAME.test(helper)) return undefined
  const r = await runCommand(`docker-credential-${helper}`, ['get'], { input: key, timeoutMs: 30_000 }).catch(() => undefined)
  if (r?.code !== 0) return undefined
  try {
    const got = z.object({ Username: z.string(), Secret: z.string() }).parse(JSON.parse(r.stdout))
    return got.Secret ? { username: got.Username, password: got.Secret, source: `docker-credential-${helper}` } : undefined
  } catch {
    return undefined
  }
}

/**
 * The login for `registry`: the `login` given as inputs first, else the runner's docker config
 * (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: a credential helper for it, the
 * store, or a stored `auth`), else none (anonymous: public images).
 */
export async function registryLogin(
  registry: string,
  login?: { username: string; password: string },
  env: NodeJS.ProcessEnv = process.env
): Promise<RegistryLogin | undefined> {
  if (login?.password) return { ...login, source: 'the image-registry-username/password inputs' }
  const file = path.join(env['DOCKER_CONFIG'] || path.join(env['HOME'] || os.homedir(), '.docker'), 'config.json')
  let config: z.infer<typeof DockerConfig>
  try {
    config = DockerConfig.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
  } catch {
    return undefined // none, or not one docker could read either
  }
  const keys = keysFor(registry)
  const helper = keys.map(k => config.credHelpers?.[k]).find(Boolean)
  if (helper) return fromHelper(helper, keys[0]!)
  for (const key of keys) {
    const entry = config.auths?.[key]
    if (!entry) continue
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file }
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, source: file }
  }
  if (config.credsStore) return fromHelper(config.credsStore, keys[0]!)
  return undefined
}
