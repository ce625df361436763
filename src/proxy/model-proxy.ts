import crypto from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { Credential } from '../config/config.js'
import { listen, shutdown, tlsHint } from './daemon.js'
import { NO_RUNNER_PROXY, upstreamAgent, type RunnerProxy } from './runner-proxy.js'

/** A random stand-in credential for the guest; only the proxy knows what it stands for. */
export function makePlaceholder(): string {
  return `bot-bottle-placeholder-${crypto.randomBytes(18).toString('hex')}`
}

export interface ModelProxyOptions {
  upstream: string // e.g. https://api.anthropic.com (may carry a path prefix)
  credential: Credential
  placeholder: string
  bindHost: string
  port?: number
  /** extra CA certificates (PEM) trusted for the upstream, beside the system roots */
  ca?: string[]
  /** the runner's own proxy, used for the upstream where NO_PROXY does not exempt it */
  runnerProxy?: RunnerProxy
  /** decision log (JSON lines): every request, forwarded or refused, with the usage the upstream reported */
  logFile?: string
}

export interface ModelProxy {
  port: number
  /** requests forwarded / refused so far */
  stats: { forwarded: number; refused: number }
  close(): Promise<void>
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'])

function refuse(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } }))
}

/**
 * The host-side model proxy. The guest reaches it as ANTHROPIC_BASE_URL with a placeholder
 * credential; the proxy checks the placeholder, swaps in the real credential and forwards to
 * the upstream, piping the response (SSE included) through without buffering.
 */
export async function startModelProxy(opts: ModelProxyOptions): Promise<ModelProxy> {
  const upstream = new URL(opts.upstream)
  const client = upstream.protocol === 'https:' ? https : http
  const agent = upstreamAgent(upstream, opts.runnerProxy ?? NO_RUNNER_PROXY, opts.ca)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const stats = { forwarded: 0, refused: 0 }
  const expected = Buffer.from(opts.placeholder)

  const carriesPlaceholder = (req: http.IncomingMessage): boolean => {
    const fromHeader = opts.credential.kind === 'api-key' ? req.headers['x-api-key'] : String(req.headers['authorization'] ?? '').replace(/^Bearer\s+/i, '')
    const got = Buffer.from(typeof fromHeader === 'string' ? fromHeader : '')
    return got.length === expected.length && crypto.timingSafeEqual(got, expected)
  }

  const server = http.createServer((req, res) => {
    if (!carriesPlaceholder(req)) {
      stats.refused++
      req.resume()
      return refuse(res, 401, 'bot-bottle model proxy: request does not carry the bottle credential')
    }
    const headers: http.OutgoingHttpHeaders = {}
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v
    delete headers['x-api-key']
    delete headers['authorization']
    if (opts.credential.kind === 'api-key') headers['x-api-key'] = opts.credential.value
    else headers['authorization'] = `Bearer ${opts.credential.value}`
    headers['host'] = upstream.host

    const upstreamReq = client.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port || undefined,
        method: req.method,
        path: basePath + (req.url ?? '/'),
        headers,
        agent
      },
      upstreamRes => {
        const out: http.OutgoingHttpHeaders = {}
        for (const [k, v] of Object.entries(upstreamRes.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v
        res.writeHead(upstreamRes.statusCode ?? 502, out)
        res.flushHeaders()
        upstreamRes.pipe(res) // streams SSE chunk by chunk
      }
    )
    upstreamReq.on('error', err => {
      if (!res.headersSent) refuse(res, 502, `bot-bottle model proxy: upstream ${upstream.origin} unreachable (${err.message})${tlsHint(err)}`)
      else res.destroy(err)
    })
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy()
    })
    stats.forwarded++
    req.pipe(upstreamReq)
  })
  return {
    port: await listen(server, opts.bindHost, opts.port),
    stats,
    close: () => shutdown(server, () => agent.destroy())
  }
}
