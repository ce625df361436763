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
  | { kind: 'tcp'; host: string; port: number; tls?: { ca: Buffer; cert: Buffer; key: Buffer; verify: boolean }; source: string }
  | { kind: 'unsupported'; url: string; source: string }

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
    const tlsDir = env['DOCKER_TLS_VERIFY'] ? env['DOCKER_CERT_PATH'] || configDir(env) : undefined
    return fromUrl(url, env['DOCKER_HOST'] ? 'DOCKER_HOST' : 'the default socket', tlsDir, true)
  }
  const digest = createHash('sha256').update(context).digest('hex')
  const meta = readJson(path.join(configDir(env), 'contexts', 'meta', digest, 'meta.json'))
  const docker = (meta?.['Endpoints'] as Record<string, { Host?: string; SkipTLSVerify?: boolean }> | undefined)?.['docker']
  const source = `docker context '${context}'`
  if (!docker?.Host) return { kind: 'unsupported', url: '', source }
  const tlsDir = path.join(configDir(env), 'contexts', 'tls', digest, 'docker')
  return fromUrl(docker.Host, source, fs.existsSync(path.join(tlsDir, 'ca.pem')) ? tlsDir : undefined, !docker.SkipTLSVerify)
}

function fromUrl(url: string, source: string, tlsDir: string | undefined, verify: boolean): EngineEndpoint {
  if (url.startsWith('unix://')) return { kind: 'unix', socketPath: url.slice('unix://'.length), source }
  const tcp = /^(?:tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(url)
  if (tcp) {
    const tls = tlsDir ? readTls(tlsDir, verify) : undefined
    return { kind: 'tcp', host: tcp[1]!, port: Number(tcp[2] ?? (tls ? 2376 : 2375)), tls, source }
  }
  return { kind: 'unsupported', url, source }
}

function readTls(dir: string, verify: boolean): { ca: Buffer; cert: Buffer; key: Buffer; verify: boolean } | undefined {
  try {
    const read = (name: string) => fs.readFileSync(path.join(dir, name))
    return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify }
  } catch {
    return undefined
  }
}

/** The endpoint as a user would write it, for messages. */
export function describeEndpoint(e: EngineEndpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`
  return e.url || '(no docker endpoint)'
}
