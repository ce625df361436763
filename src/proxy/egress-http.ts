import http from 'node:http'
import { formatAuthority, normalizeHost, parseAuthority } from '../util/authority.js'
import { admit, isRefusal, route, type EgressContext, type Refusal, type Route } from './egress-decision.js'
import { endToEndHeaders } from './hop-by-hop.js'
import { httpRequestVia } from '../util/runner-proxy.js'

/** An absolute http:// URI's URL, canonical host and port, or undefined. */
export function targetOf(url: string | undefined): { url: URL; host: string; port: number } | undefined {
  if (!url || !URL.canParse(url)) return undefined
  const u = new URL(url)
  const host = normalizeHost(u.hostname)
  if (u.protocol !== 'http:' || host === undefined) return undefined
  return { url: u, host, port: Number(u.port || 80) }
}

/** A request the proxy has judged: where it goes, and which rule let it. */
export interface Judged {
  host: string
  port: number
  /** origin form: path and query */
  path: string
  rule: string
  way: Route
}

/**
 * Forwards a judged request to the vetted address (or through the runner's own proxy), without
 * the hop-by-hop headers (the proxy credentials among them); the Host header still names the
 * host. `done` gets the bytes each way once the exchange is over.
 */
export function forward(ctx: EgressContext, req: http.IncomingMessage, res: http.ServerResponse, j: Judged, done: (up: number, down: number) => void): void {
  let up = 0
  let down = 0
  const target = new URL(`http://${formatAuthority(j.host, j.port)}${j.path}`)
  const options = httpRequestVia(j.way.via, target, {
    host: j.way.address ?? j.host,
    port: j.port,
    method: req.method,
    path: j.path,
    headers: endToEndHeaders(req.headers)
  })
  const upstream = http.request({ ...options, signal: ctx.closing }, ures => {
    res.writeHead(ures.statusCode ?? 502, endToEndHeaders(ures.headers))
    ures.on('data', (c: Buffer) => (down += c.length))
    ures.pipe(res)
  })
  req.on('data', (c: Buffer) => (up += c.length))
  upstream.on('error', err => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`bot-bottle egress proxy: ${j.host}:${j.port} unreachable (${err.message})\n`)
    } else res.destroy()
  })
  res.on('close', () => {
    // the client left (or the proxy closed): an upstream that never answers must not hold the request
    if (!res.writableFinished) upstream.destroy()
    done(up, down)
  })
  req.pipe(upstream)
}

/** Answers a refused request and logs it. */
export function refuseRequest(
  ctx: EgressContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Refusal,
  at: { host: string; port: number; started: number }
) {
  ctx.record(
    { host: at.host, port: at.port, method: req.method ?? '', decision: 'blocked', rule: r.rule, reason: r.reason, bytes_up: 0, bytes_down: 0, duration_ms: 0 },
    at.started
  )
  req.resume()
  res.writeHead(r.status, r.headers)
  res.end(r.body)
}

/**
 * Plain HTTP as an absolute URI: checks (credentials, target, Host header, allow-list), resolves
 * and vets the address, then forwards it.
 */
export function plainHttpHandler(ctx: EgressContext) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now()
    const target = targetOf(req.url)
    const host = target?.host ?? ''
    const port = target?.port ?? 0
    const refuse = (r: Refusal) => refuseRequest(ctx, req, res, r, { host, port, started })
    const admitted = admit(ctx, { credentials: req.headers['proxy-authorization'], target, hostHeader: parseAuthority(String(req.headers.host ?? ''), 80) })
    if (isRefusal(admitted)) return refuse(admitted)
    const way = await route(ctx, host, port, false)
    if (isRefusal(way)) return refuse(way)
    const url = target!.url
    forward(ctx, req, res, { host, port, path: url.pathname + url.search, rule: admitted.rule, way }, (up, down) =>
      ctx.record(
        {
          host,
          port,
          method: req.method ?? '',
          decision: 'allowed',
          rule: admitted.rule,
          address: way.address,
          bytes_up: up,
          bytes_down: down,
          duration_ms: Date.now() - started
        },
        started
      )
    )
  }
}
