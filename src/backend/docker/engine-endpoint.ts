import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Where the docker engine's API answers, resolved once the way the docker CLI resolves it
 * (cli/command/cli.go resolveContextName): DOCKER_HOST, else DOCKER_CONTEXT, else the config's
 * currentContext, else the default socket. A context is read from the CLI's own store
 * (`<config>/contexts/meta/<sha256 of its name>/meta.json`), so Docker Desktop, colima and
 * OrbStack keep working without the CLI being asked.
 */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; source: string }
  | { kind: 'tcp'; host: string; port: number; tls?: EngineTls; source: string }
  /** `why`: what is wrong with an endpoint of a supported scheme (its TLS files) */
  | { kind: 'unsupported'; url: string; source: string; why?: string }

/** TLS to a tcp:// engine: the CA (else the system's), the client certificate if any. */
export interface EngineTls {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  verify: boolean
}

/** TLS was asked for: where its files are (they may be absent), and whether the server is verified. */
interface TlsWish {
  dir: string
  verify: boolean
}

export const DEFAULT_ENGINE_SOCKET = '/var/run/docker.sock'

type Env = Record<string, string | undefined>

/** The docker CLI's config dir: DOCKER_CONFIG, else ~/.docker. */
function configDir(env: Env): string {
  return env['DOCKER_CONFIG'] || path.join(env['HOME'] || os.homedir(), '.docker')
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The context the CLI would use, or undefined for the default one. */
export function contextName(env: Env): string | undefined {
  if (env['DOCKER_HOST']) return undefined
  const named = env['DOCKER_CONTEXT'] || (readJson(path.join(configDir(env), 'config.json'))?.['currentContext'] as string | undefined)
  return named && named !== 'default' ? named : undefined
}

export function resolveEngineEndpoint(env: Env = process.env): EngineEndpoint {
  const context = contextName(env)
  if (!context) {
    const url = env['DOCKER_HOST'] || `unix://${DEFAULT_ENGINE_SOCKET}`
    // as the CLI: DOCKER_TLS_VERIFY asks for verified TLS, DOCKER_TLS for TLS alone
    const verify = Boolean(env['DOCKER_TLS_VERIFY'])
    const tls = verify || env['DOCKER_TLS'] ? { dir: env['DOCKER_CERT_PATH'] || configDir(env), verify } : undefined
    return fromUrl(url, env['DOCKER_HOST'] ? 'DOCKER_HOST' : 'the default socket', tls)
  }
  const digest = createHash('sha256').update(context).digest('hex')
  const meta = readJson(path.join(configDir(env), 'contexts', 'meta', digest, 'meta.json'))
  const docker = (meta?.['Endpoints'] as Record<string, { Host?: string; SkipTLSVerify?: boolean }> | undefined)?.['docker']
  const source = `docker context '${context}'`
  if (!docker?.Host) return { kind: 'unsupported', url: '', source }
  // the CLI's context store keeps TLS files here; a context has TLS when it has any, or skips verification
  const tlsDir = path.join(configDir(env), 'contexts', 'tls', digest, 'docker')
  const hasTls = ['ca.pem', 'cert.pem', 'key.pem'].some(f => fs.existsSync(path.join(tlsDir, f)))
  return fromUrl(docker.Host, source, hasTls || docker.SkipTLSVerify ? { dir: tlsDir, verify: !docker.SkipTLSVerify } : undefined)
}

function fromUrl(url: string, source: string, wish: TlsWish | undefined): EngineEndpoint {
  if (url.startsWith('unix://')) return { kind: 'unix', socketPath: url.slice('unix://'.length), source }
  const tcp = /^tcp:\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(url)
  if (tcp) {
    if (!wish) return { kind: 'tcp', host: tcp[1]!, port: Number(tcp[2] ?? 2375), source }
    // TLS asked for and its files unreadable: refused, never spoken in the clear instead
    const tls = readTls(wish)
    if (typeof tls === 'string') return { kind: 'unsupported', url, source, why: tls }
    return { kind: 'tcp', host: tcp[1]!, port: Number(tcp[2] ?? 2376), tls, source }
  }
  return { kind: 'unsupported', url, source }
}

/** The TLS files as the CLI takes them: ca.pem required to verify, cert.pem and key.pem together or not at all; else what is wrong. */
function readTls({ dir, verify }: TlsWish): EngineTls | string {
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(dir, name))
    } catch {
      return undefined
    }
  }
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')]
  if (verify && !ca) return `TLS is asked for and ${path.join(dir, 'ca.pem')} cannot be read`
  if (!cert !== !key) return `TLS is asked for and only one of ${path.join(dir, 'cert.pem')} and key.pem can be read`
  return { ca, cert, key, verify }
}

/** The endpoint as a user would write it, for messages. */
export function describeEndpoint(e: EngineEndpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`
  return e.url || '(no docker endpoint)'
}
