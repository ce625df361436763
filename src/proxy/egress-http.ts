import http from 'node:http'
import { normalizeHost, parseAuthority } from './authority.js'
import { admit, isRefusal, route, type EgressContext, type Refusal } from './egress-decision.js'
import { endToEndHeaders } from './hop-by-hop.js'
import { httpRequestVia } from './runner-proxy.js'

function targetOf(url: string | undefined): { url: URL; host: string; port: number } | undefined {
  if (!url || !URL.canParse(url)) return undefined
  const u = new URL(url)
  const host = normalizeHost(u.hostname)
  if (u.protocol !== 'http:' || host === undefined) return undefined
  return { url: u, host, port: Number(u.port || 80) }
}

/**
 * Plain HTTP as an absolute URI: checks (credentials, target, Host header, allow-list), resolves
 * and vets the address, then forwards to that address (or through the runner's own proxy),
 * without the hop-by-hop headers (the proxy credentials among them).
 */
export function plainHttpHandler(ctx: EgressContext) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now()
    const target = targetOf(req.url)
    const host = target?.host ?? ''
    const port = target?.port ?? 0
    const method = req.method ?? ''
    const refuse = (r: Refusal) => {
      ctx.record({ host, port, method, decision: 'blocked', rule: r.rule, reason: r.reason, bytes_up: 0, bytes_down: 0, duration_ms: 0 }, started)
      req.resume()
      res.writeHead(r.status, r.headers)
      res.end(r.body)
    }
    const admitted = admit(ctx, { credentials: req.headers['proxy-authorization'], target, hostHeader: parseAuthority(String(req.headers.host ?? ''), 80) })
    if (isRefusal(admitted)) return refuse(admitted)
    const way = await route(ctx, host, port, false)
    if (isRefusal(way)) return refuse(way)

    let up = 0
    let down = 0
    const url = target!.url
    // the vetted address is dialled; the Host header still names the host
    const options = httpRequestVia(way.via, url, {
      host: way.address ?? host,
      port,
      method,
      path: url.pathname + url.search,
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
        res.end(`bot-bottle egress proxy: ${host}:${port} unreachable (${err.message})\n`)
      } else res.destroy()
    })
    res.on('close', () => {
      // the client left (or the proxy closed): an upstream that never answers must not hold the request
      if (!res.writableFinished) upstream.destroy()
      ctx.record(
        {
          host,
          port,
          method,
          decision: 'allowed',
          rule: admitted.rule,
          address: way.address,
          bytes_up: up,
          bytes_down: down,
          duration_ms: Date.now() - started
        },
        started
      )
    })
    req.pipe(upstream)
  }
}
