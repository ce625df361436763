import http from 'node:http'
import type net from 'node:net'
import { formatAuthority, parseAuthority } from '../util/authority.js'
import { lateRefusal, type EgressContext, type Refusal, type Route } from './egress-decision.js'
import { forward, refuseRequest, targetOf } from './egress-http.js'

/** The port whose tunnels carry plain HTTP: the proxy reads their requests instead of relaying bytes. */
export const PLAIN_HTTP_PORT = 80

/** A CONNECT tunnel the proxy admitted: its target, the rule and the vetted way there, and its bytes. */
export interface HttpTunnel {
  host: string
  port: number
  rule: string
  way: Route
  stats: { up: number; down: number }
}

/**
 * In plain HTTP the Host header, not the connection, picks the site: on a shared front (a CDN) a
 * tunnel admitted for one host would reach any other tenant. So a tunnel to port 80 is not relayed
 * as bytes: Node's HTTP parser reads each request in it, one whose Host (or absolute target) is not
 * the tunnel's host:port is refused (and the tunnel closed), and the others are forwarded as the
 * proxy forwards plain HTTP, to the address vetted for the tunnel. Bytes that are not HTTP/1.x end
 * the tunnel.
 */
export function tunnelHttp(ctx: EgressContext): { serve(client: net.Socket, head: Buffer, tunnel: HttpTunnel): void } {
  const tunnels = new WeakMap<net.Socket, HttpTunnel>()
  const server = http.createServer((req, res) => {
    const t = tunnels.get(req.socket)
    if (!t) return void res.destroy() // only sockets handed over by serve() reach this server
    const started = Date.now()
    const refuse = (r: Refusal) => {
      res.setHeader('connection', 'close')
      refuseRequest(ctx, req, res, r, { host: t.host, port: t.port, started })
    }
    const authority = formatAuthority(t.host, t.port)
    const path = originForm(req.url ?? '', t)
    if (path === undefined)
      return refuse(lateRefusal(ctx, 'host-mismatch', t.host, t.port, `target ${JSON.stringify((req.url ?? '').slice(0, 200))} in a tunnel to ${authority}`))
    const host = parseAuthority(String(req.headers.host ?? ''), PLAIN_HTTP_PORT)
    if (!host || host.host !== t.host || host.port !== t.port)
      return refuse(
        lateRefusal(ctx, 'host-mismatch', t.host, t.port, `Host ${JSON.stringify(String(req.headers.host ?? '').slice(0, 200))} in a tunnel to ${authority}`)
      )
    forward(ctx, req, res, { host: t.host, port: t.port, path, rule: t.rule, way: t.way }, (up, down) => {
      t.stats.up += up
      t.stats.down += down
    })
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    const t = tunnels.get(socket)
    if (t && err.code?.startsWith('HPE_')) {
      const reason = `the tunnel to port ${PLAIN_HTTP_PORT} does not carry HTTP/1.x (${err.code})`
      ctx.record(
        { host: t.host, port: t.port, method: 'CONNECT', decision: 'blocked', rule: 'not-http', reason, bytes_up: 0, bytes_down: 0, duration_ms: 0 },
        Date.now()
      )
      if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nbot-bottle egress proxy: ${reason}.\n`)
    }
    socket.destroy()
  })
  return {
    serve(client, head, tunnel) {
      tunnels.set(client, tunnel)
      if (head.length) client.unshift(head)
      server.emit('connection', client)
    }
  }
}

/** The request target as a path, when it is one, or an absolute URI naming the tunnel's own host:port. */
function originForm(url: string, t: HttpTunnel): string | undefined {
  if (url.startsWith('/')) {
    const u = new URL(`http://x${url}`) // as the plain HTTP path sends it: percent-encoded
    return u.pathname + u.search
  }
  const absolute = targetOf(url)
  return absolute && absolute.host === t.host && absolute.port === t.port ? absolute.url.pathname + absolute.url.search : undefined
}
