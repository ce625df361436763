import type http from 'node:http'
import net from 'node:net'
import { normalizeHost, parseAuthority } from '../util/authority.js'
import { admit, isRefusal, lateRefusal, route, type EgressContext, type Refusal, type Route } from './egress-decision.js'
import { openTunnel } from '../util/runner-proxy.js'
import { readClientHello, type ClientHello } from './sni.js'
import { PLAIN_HTTP_PORT, tunnelHttp } from './egress-tunnel-http.js'

/** How long a tunnel to port 443 may take to send its ClientHello. */
export const CLIENT_HELLO_TIMEOUT_MS = 10_000

// a fatal TLS alert, unrecognized_name (RFC 6066): what the client sees when its SNI is refused
const TLS_ALERT_UNRECOGNIZED_NAME = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70])

function refusalBytes(r: Refusal): string {
  const head = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  const status = r.status === 407 ? 'Proxy Authentication Required' : r.status === 400 ? 'Bad Request' : 'Forbidden'
  return `HTTP/1.1 ${r.status} ${status}\r\n${head}content-length: ${Buffer.byteLength(r.body)}\r\nconnection: close\r\n\r\n${r.body}`
}

/** The tunnel's first bytes, until a whole ClientHello (or not TLS, or the time is up). */
function firstBytes(client: net.Socket, head: Buffer): Promise<{ hello: ClientHello; bytes: Buffer }> {
  return new Promise(resolve => {
    let bytes = head
    let timer: NodeJS.Timeout | undefined
    const finish = (hello: ClientHello) => {
      clearTimeout(timer)
      client.off('data', onData).off('close', onClose)
      client.pause()
      resolve({ hello, bytes })
    }
    const onData = (c: Buffer) => {
      bytes = Buffer.concat([bytes, c])
      const hello = readClientHello(bytes)
      if (hello.state !== 'incomplete') finish(hello)
    }
    const onClose = () => finish({ state: 'incomplete' })
    const hello = readClientHello(bytes)
    if (hello.state !== 'incomplete') return finish(hello)
    timer = setTimeout(() => finish({ state: 'incomplete' }), CLIENT_HELLO_TIMEOUT_MS)
    client.on('data', onData).on('close', onClose)
  })
}

/**
 * Domain fronting: the TLS server name must be the host the tunnel was allowed for. A
 * ClientHello without SNI passes only for an IP-literal target (clients send no SNI for an IP,
 * RFC 6066 §3); for a name it is refused, since the server would then pick the site itself.
 */
function sniRefusal(ctx: EgressContext, hello: ClientHello, host: string, port: number): Refusal | undefined {
  if (hello.state === 'incomplete') return lateRefusal(ctx, 'not-tls', host, port, `no TLS ClientHello within ${CLIENT_HELLO_TIMEOUT_MS / 1000} s`)
  if (hello.state === 'not-tls') return lateRefusal(ctx, 'not-tls', host, port, 'the tunnel to port 443 does not start with a TLS ClientHello')
  if (hello.state === 'too-large') return lateRefusal(ctx, 'not-tls', host, port, 'the ClientHello is larger than the proxy reads')
  if (hello.sni === undefined) return net.isIP(host) ? undefined : lateRefusal(ctx, 'no-sni', host, port, 'the ClientHello names no server (SNI)')
  if (normalizeHost(hello.sni) !== host)
    return lateRefusal(ctx, 'sni-mismatch', host, port, `SNI ${JSON.stringify(hello.sni.slice(0, 255))} differs from the CONNECT host`)
  return undefined
}

function dial(r: Route, host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  if (r.via) return openTunnel(r.via, host, port, undefined, signal)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: r.address, signal })
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}

/**
 * CONNECT: checks (credentials, target, allow-list), resolves and vets the address, then —
 * for port 443 — answers 200 and reads the ClientHello before dialling, so a refused SNI
 * never reaches the host; for port 80, answers 200 and serves the HTTP requests in the tunnel
 * itself, each Host judged (egress-tunnel-http.ts); other ports (only those an allowed-hosts rule
 * names, or any with `egress: open`) are dialled first (a failure is a 502 the client sees) and
 * relayed as bytes.
 */
export function connectHandler(ctx: EgressContext) {
  const http80 = tunnelHttp(ctx)
  return async (req: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> => {
    const started = Date.now()
    client.on('error', () => undefined)
    const target = parseAuthority(req.url ?? '', 443)
    const hostHeader = req.headers.host ? parseAuthority(String(req.headers.host), 443) : target
    const host = target?.host ?? String(req.url ?? '').slice(0, 300)
    const port = target?.port ?? 0
    const stats = { up: 0, down: 0 }
    const log = (decision: 'allowed' | 'blocked', rule: string, extra: { reason?: string; address?: string } = {}) =>
      ctx.record(
        {
          host,
          port,
          method: 'CONNECT',
          decision,
          rule,
          ...extra,
          bytes_up: stats.up,
          bytes_down: stats.down,
          duration_ms: decision === 'allowed' ? Date.now() - started : 0
        },
        started
      )
    const refuse = (r: Refusal, address?: string) => {
      log('blocked', r.rule, { reason: r.reason, address })
      if (r.rule === 'sni-mismatch' || r.rule === 'no-sni' || r.rule === 'not-tls') client.end(TLS_ALERT_UNRECOGNIZED_NAME)
      else client.end(refusalBytes(r))
    }

    const admitted = admit(ctx, { credentials: req.headers['proxy-authorization'], target, hostHeader })
    if (isRefusal(admitted)) return refuse(admitted)
    const way = await route(ctx, host, port, true)
    if (isRefusal(way)) return refuse(way)
    if (client.destroyed) return log('allowed', admitted.rule, { address: way.address })

    if (port === PLAIN_HTTP_PORT) {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      client.once('close', () => log('allowed', admitted.rule, { address: way.address }))
      return http80.serve(client, head, { host, port, rule: admitted.rule, way, stats })
    }
    let first = head
    if (port === 443) {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      const { hello, bytes } = await firstBytes(client, head)
      const fronted = sniRefusal(ctx, hello, host, port)
      if (fronted) return refuse(fronted, way.address)
      first = bytes
    }
    let upstream: net.Socket
    try {
      upstream = await dial(way, host, port, ctx.closing)
    } catch (err) {
      if (port !== 443)
        client.end(
          `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nbot-bottle egress proxy: ${host}:${port} unreachable (${(err as Error).message})\n`
        )
      else client.destroy()
      return log('allowed', admitted.rule, { address: way.address, reason: `unreachable (${(err as Error).message})` })
    }
    splice(client, upstream, port === 443 ? undefined : 'HTTP/1.1 200 Connection Established\r\n\r\n', first, stats, () =>
      log('allowed', admitted.rule, { address: way.address })
    )
  }
}

/** Relays both ways, counting bytes; `done` runs once, when either side closes. */
function splice(
  client: net.Socket,
  upstream: net.Socket,
  greeting: string | undefined,
  first: Buffer,
  stats: { up: number; down: number },
  done: () => void
): void {
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    client.destroy()
    upstream.destroy()
    done()
  }
  upstream.on('error', close).on('close', close)
  client.on('close', close)
  if (client.destroyed) {
    close() // the client left while we dialled
    return
  }
  if (greeting) client.write(greeting)
  stats.up += first.length
  if (first.length) upstream.write(first)
  client.on('data', (c: Buffer) => (stats.up += c.length))
  upstream.on('data', (c: Buffer) => (stats.down += c.length))
  client.pipe(upstream)
  upstream.pipe(client)
  client.resume()
}
