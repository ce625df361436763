import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import { BottleError } from '../../util/errors.js'
import { describeEndpoint, type EngineEndpoint } from './engine-endpoint.js'

/**
 * The docker engine's HTTP API, spoken directly over its socket: one in-process request per
 * operation instead of a docker CLI process each (a Go program start, ~15–25 ms apiece on the
 * run's critical path). Only the few endpoints the backend uses; see docs.docker.com/reference/api/engine.
 */

/** The engine answered, with an error status. */
export class EngineApiError extends BottleError {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly detail: string
  ) {
    super(`'docker ${operation}' failed (engine answered ${status})${detail ? `: ${detail}` : ''}`)
  }
}

/** The engine did not answer at all (no socket, refused, permission denied, cut off). */
export class EngineUnreachableError extends BottleError {
  constructor(
    readonly endpoint: string,
    readonly code: string | undefined,
    cause: string
  ) {
    super(`the docker engine at ${endpoint} did not answer (${cause})`)
  }
}

export interface EngineCall {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** statuses that are an answer, not an error (e.g. 404 when removing what is gone) */
  expect?: number[]
  timeoutMs?: number
}

export interface EngineReply<T> {
  status: number
  body: T
  headers: http.IncomingHttpHeaders
}

/** An upgraded connection: the engine's raw stream, and the bytes that came with the upgrade. */
export interface Hijacked {
  socket: net.Socket
  head: Buffer
}

export class EngineClient {
  private readonly agent: http.Agent
  /** `/v1.NN`: the engine's own API version, so an engine of any age takes the requests */
  private prefix?: string
  private asking?: Promise<void>

  constructor(readonly endpoint: EngineEndpoint) {
    const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined
    this.agent = tls
      ? new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify })
      : new http.Agent({ keepAlive: true })
  }

  /** The engine's version and API version (GET /version, unversioned: it answers any client). */
  async version(timeoutMs?: number): Promise<{ version: string; apiVersion: string }> {
    const r = await this.send<{ Version?: string; ApiVersion?: string }>('version', 'GET', '/version', { timeoutMs }, false)
    const apiVersion = r.body.ApiVersion ?? ''
    this.prefix = /^\d+\.\d+$/.test(apiVersion) ? `/v${apiVersion}` : ''
    return { version: r.body.Version ?? '', apiVersion }
  }

  call<T = unknown>(operation: string, method: string, path: string, opts: EngineCall = {}): Promise<EngineReply<T>> {
    return this.send<T>(operation, method, path, opts, true)
  }

  private async versioned(path: string): Promise<string> {
    if (this.prefix === undefined) {
      // an engine that does not answer here fails the request itself, with its own error;
      // the next request asks again (an engine that comes back gets versioned paths)
      this.asking ??= this.version().then(
        () => undefined,
        () => {
          this.asking = undefined
        }
      )
      await this.asking
    }
    return `${this.prefix ?? ''}${path}`
  }

  private async send<T>(operation: string, method: string, path: string, opts: EngineCall, versioned: boolean): Promise<EngineReply<T>> {
    const target = (versioned ? await this.versioned(path) : path) + queryString(opts.query)
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body))
    return new Promise((resolve, reject) => {
      const req = this.request(method, target, {
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {})
      })
      const timer = opts.timeoutMs ? setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), opts.timeoutMs) : undefined
      req.on('error', err => {
        clearTimeout(timer)
        reject(this.unreachable(err))
      })
      req.on('response', res => {
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('error', err => reject(this.unreachable(err)))
        res.on('end', () => {
          clearTimeout(timer)
          const status = res.statusCode ?? 0
          const text = Buffer.concat(parts).toString('utf8')
          const body = parseBody(text, res.headers['content-type'])
          if ((status >= 200 && status < 300) || opts.expect?.includes(status)) return resolve({ status, body: body as T, headers: res.headers })
          reject(new EngineApiError(operation, status, errorText(body, text)))
        })
      })
      req.end(payload)
    })
  }

  /** A request whose connection becomes the engine's raw stream (exec start, attach). */
  async hijack(operation: string, path: string, body: unknown): Promise<Hijacked> {
    const target = await this.versioned(path)
    const payload = Buffer.from(JSON.stringify(body))
    return new Promise((resolve, reject) => {
      const req = this.request(
        'POST',
        target,
        { 'content-type': 'application/json', 'content-length': String(payload.length), connection: 'Upgrade', upgrade: 'tcp' },
        false
      )
      req.on('error', err => reject(this.unreachable(err)))
      req.on('upgrade', (_res, socket, head) => resolve({ socket, head }))
      req.on('response', res => {
        // no upgrade: the engine refused (no such exec, container not running)
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8')
          reject(new EngineApiError(operation, res.statusCode ?? 0, errorText(parseBody(text, res.headers['content-type']), text)))
        })
      })
      req.end(payload)
    })
  }

  private request(method: string, target: string, headers: Record<string, string>, pooled = true): http.ClientRequest {
    const e = this.endpoint
    const common = { method, path: target, headers: { host: 'docker', ...headers }, agent: pooled ? this.agent : false }
    if (e.kind === 'unix') return http.request({ ...common, socketPath: e.socketPath })
    if (e.kind === 'tcp' && e.tls) {
      const { ca, cert, key, verify } = e.tls
      return https.request({ ...common, host: e.host, port: e.port, ...(pooled ? {} : { ca, cert, key, rejectUnauthorized: verify }) })
    }
    if (e.kind === 'tcp') return http.request({ ...common, host: e.host, port: e.port })
    throw new EngineUnreachableError(describeEndpoint(e), 'EUNSUPPORTED', `${e.source} is not a unix:// or tcp:// endpoint`)
  }

  private unreachable(err: unknown): Error {
    if (err instanceof BottleError) return err
    const code = (err as NodeJS.ErrnoException).code
    return new EngineUnreachableError(describeEndpoint(this.endpoint), code, code ?? (err as Error).message)
  }

  /** Lets the process exit: idle kept-alive connections are closed. */
  close(): void {
    this.agent.destroy()
  }
}

function queryString(query: EngineCall['query']): string {
  const pairs = Object.entries(query ?? {}).filter((p): p is [string, string | number | boolean] => p[1] !== undefined)
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ''
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** The engine's `{"message": …}`, or the first line of what it said. */
function errorText(body: unknown, text: string): string {
  const message = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined
  return (typeof message === 'string' ? message : text).trim().split('\n')[0] ?? ''
}

/** `filters` as the engine takes them: a JSON map of filter → values. */
export function labelFilter(label: string, value?: string): string {
  return JSON.stringify({ label: [value === undefined ? label : `${label}=${value}`] })
}
