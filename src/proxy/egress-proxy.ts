import http from 'node:http'
import net from 'node:net'
import { matchRule, type EgressPolicy } from './egress-rules.js'
import { decisionLog, listen, shutdown } from './daemon.js'
import { httpRequestVia, NO_RUNNER_PROXY, openTunnel, proxyFor, type RunnerProxy } from './runner-proxy.js'

/** One line of egress.jsonl. */
export interface EgressDecision {
  time: string
  host: string
  port: number
  method: string
  decision: 'allowed' | 'blocked'
  rule: string
  bytes_up: number
  bytes_down: number
  duration_ms: number
}

export interface EgressProxy {
  port: number
  decisions: { allowed: number; blocked: number; blockedHosts: Map<string, number> }
  /** one line for the log: counts and the most blocked hosts */
  summary(): string
  close(): Promise<void>
}

function denial(policy: EgressPolicy, host: string, why: string): string {
  if (why === 'host-mismatch') return `bot-bottle egress proxy: blocked: the request's target and its Host header disagree (${host}).\n`
  if (policy.mode === 'none') return `bot-bottle egress proxy: blocked ${host}: network egress is off for this run (input \`egress: none\`).\n`
  return `bot-bottle egress proxy: blocked ${host}: it is not in the allow-list. To allow it, add it to the \`allowed-hosts\` input of the bot-bottle step (or use \`allowed-host-presets\`).\n`
}

/** host:port from a CONNECT authority or a Host header, with IPv6 brackets removed. */
export function splitAuthority(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority.trim())
  if (!m) return undefined
  const port = m[2] ? Number(m[2]) : defaultPort
  if (port < 1 || port > 65535) return undefined
  return { host: m[1]!.replace(/^\[|\]$/g, '').toLowerCase(), port }
}

/**
 * The host-side forward proxy: HTTP CONNECT (decided by host name, no TLS interception) and
 * absolute-URI plain HTTP. The decision is made before any upstream connection; a CONNECT
 * authority or an absolute URI that disagrees with the Host header is blocked. Every decision
 * is appended to `logFile` as JSON.
 */
export async function startEgressProxy(opts: { policy: EgressPolicy; bindHost: string; logFile: string; runnerProxy?: RunnerProxy; /** per-run secret the client must send as proxy credentials */ secret?: string }): Promise<EgressProxy> {
  const runnerProxy = opts.runnerProxy ?? NO_RUNNER_PROXY
  const log = decisionLog(opts.logFile)
  const decisions = { allowed: 0, blocked: 0, blockedHosts: new Map<string, number>() }
  const record = (d: Omit<EgressDecision, 'time'>, started: number) => {
    if (d.decision === 'allowed') decisions.allowed++
    else {
      decisions.blocked++
      decisions.blockedHosts.set(d.host, (decisions.blockedHosts.get(d.host) ?? 0) + 1)
    }
    log.record(started, d)
  }

  const server = http.createServer((req, res) => {
    const started = Date.now()
    let target: URL | undefined
    try {
      target = new URL(req.url ?? '')
    } catch {
      target = undefined
    }
    if (!target || target.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' })
      res.end('bot-bottle egress proxy: send plain HTTP as an absolute URI (http://host/...), and HTTPS through CONNECT.\n')
      return
    }
    const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
    const port = Number(target.port || 80)
    const hostHeader = splitAuthority(String(req.headers.host ?? ''), 80)
    const mismatch = !hostHeader || hostHeader.host !== host || hostHeader.port !== port
    const rule = mismatch ? undefined : matchRule(opts.policy, host)
    if (!rule) {
      record({ host, port, method: req.method ?? '', decision: 'blocked', rule: mismatch ? 'host-mismatch' : 'not-allowed', bytes_up: 0, bytes_down: 0, duration_ms: 0 }, started)
      req.resume()
      res.writeHead(403, { 'content-type': 'text/plain', 'x-proxy-error': 'blocked-by-allowlist' })
      res.end(denial(opts.policy, host, mismatch ? 'host-mismatch' : 'not-allowed'))
      return
    }
    let up = 0
    let down = 0
    const headers = { ...req.headers }
    // hop-by-hop headers (RFC 9110 §7.6.1) stay on this hop
    for (const h of ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']) delete headers[h]
    // through the runner's own proxy where it applies (absolute URI), else straight to the host
    const options = httpRequestVia(proxyFor(runnerProxy, host, port, false), target, { host, port, method: req.method, path: target.pathname + target.search, headers })
    const upstream = http.request(options, ures => {
      res.writeHead(ures.statusCode ?? 502, ures.headers)
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
    res.on('close', () => record({ host, port, method: req.method ?? '', decision: 'allowed', rule, bytes_up: up, bytes_down: down, duration_ms: Date.now() - started }, started))
    req.pipe(upstream)
  })

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const started = Date.now()
    const authority = splitAuthority(req.url ?? '', 443)
    const hostHeader = req.headers.host ? splitAuthority(String(req.headers.host), 443) : authority
    const mismatch = !authority || !hostHeader || hostHeader.host !== authority.host || hostHeader.port !== authority.port
    const host = authority?.host ?? String(req.url ?? '')
    const port = authority?.port ?? 0
    const rule = mismatch ? undefined : matchRule(opts.policy, host)
    client.on('error', () => undefined)
    if (!rule) {
      record({ host, port, method: 'CONNECT', decision: 'blocked', rule: mismatch ? 'host-mismatch' : 'not-allowed', bytes_up: 0, bytes_down: 0, duration_ms: 0 }, started)
      const body = denial(opts.policy, host, mismatch ? 'host-mismatch' : 'not-allowed')
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-proxy-error: blocked-by-allowlist\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
      return
    }
    let up = head.length
    let down = 0
    let upstream: net.Socket | undefined
    let logged = false
    const done = () => {
      if (logged) return
      logged = true
      record({ host, port, method: 'CONNECT', decision: 'allowed', rule, bytes_up: up, bytes_down: down, duration_ms: Date.now() - started }, started)
      client.destroy()
      upstream?.destroy()
    }
    const failed = (err: Error) => {
      if (!client.writableEnded && down === 0) client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nbot-bottle egress proxy: ${host}:${port} unreachable (${err.message})\n`)
      done()
    }
    const splice = (socket: net.Socket) => {
      upstream = socket
      socket.on('error', failed)
      socket.on('close', done)
      if (logged) return socket.destroy() // the client left while we dialled
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) socket.write(head)
      client.on('data', (c: Buffer) => (up += c.length))
      socket.on('data', (c: Buffer) => (down += c.length))
      client.pipe(socket)
      socket.pipe(client)
    }
    client.on('close', done)
    // straight to the host, or through a tunnel of the runner's own proxy where that applies
    const via = proxyFor(runnerProxy, host, port, true)
    if (via) openTunnel(via, host, port).then(splice, failed)
    else {
      const socket = net.connect(port, host)
      socket.once('error', failed)
      socket.once('connect', () => {
        socket.off('error', failed) // splice installs the handler for the connection's life
        splice(socket)
      })
    }
  })
  return {
    port: await listen(server, opts.bindHost),
    decisions,
    summary() {
      const top = [...decisions.blockedHosts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([h, n]) => `${h} (${n})`)
      return `egress: ${decisions.allowed} allowed, ${decisions.blocked} blocked${top.length ? `; most blocked: ${top.join(', ')}` : ''}`
    },
    close: () => shutdown(server, log.end)
  }
}
