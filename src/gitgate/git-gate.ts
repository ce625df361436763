import fs from 'node:fs'
import path from 'node:path'
import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import { decisionLog, listen, shutdown, tlsHint } from '../proxy/daemon.js'
import { NO_RUNNER_PROXY, upstreamAgent, type RunnerProxy } from '../proxy/runner-proxy.js'
import zlib from 'node:zlib'
import { FastForwardChecker } from './fast-forward.js'
import { judgeUpdate, type PushPolicy } from './push-policy.js'
import { parseReceivePack, parseReportStatus, ReceivePackParseError, rejectionResponse, ZERO_OID } from './receive-pack.js'

/** One line of git.jsonl. */
export interface GitDecision {
  time: string
  service: 'info-refs' | 'upload-pack' | 'receive-pack' | 'other'
  decision: 'allowed' | 'blocked' | 'pushed' | 'rejected-upstream'
  reason: string
  ref?: string
  old?: string
  new?: string
  status?: number
  bytes_up: number
  bytes_down: number
  duration_ms: number
}

export interface GitGateOptions {
  /** the workspace's origin, without credentials, e.g. https://github.com/acme/widgets.git */
  upstream: URL
  /** the header the gate adds upstream (the guest never sees it) */
  authHeader?: { name: string; value: string }
  policy: PushPolicy
  bindHost: string
  logFile: string
  /** host-only dir for the gate's own objects (fast-forward checks) */
  scratchDir: string
  /** agent for upstream requests (e.g. through the runner's proxy) */
  agent?: http.Agent
  /** extra CA certificates (PEM) trusted for the upstream, beside the system roots */
  ca?: string[]
  /** the runner's own proxy (host git picks it up from the environment itself) */
  runnerProxy?: RunnerProxy
  /** per-run secret: the guest's URL carries it as the first path segment */
  secret?: string
}

export interface GitGate {
  port: number
  /** the path the guest's remote uses: the upstream's own path */
  repoPath: string
  /** the path the guest's remote URL uses (the secret, then repoPath) */
  guestPath: string
  /** refs the upstream accepted, in push order */
  pushed: string[]
  summary(): string
  close(): Promise<void>
}

const MAX_PUSH_BYTES = 2 * 1024 ** 3
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'git-protocol', 'user-agent', 'content-encoding', 'accept-encoding']

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const source = /gzip/i.test(String(req.headers['content-encoding'] ?? '')) ? req.pipe(zlib.createGunzip()) : req
    source.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_PUSH_BYTES) {
        source.destroy()
        reject(new Error('push larger than 2 GiB'))
      } else chunks.push(c)
    })
    source.on('end', () => resolve(Buffer.concat(chunks)))
    source.on('error', reject)
  })
}

/**
 * The host-side git smart-HTTP gate. The guest's `origin` points here; fetches and clones of
 * that one repository are forwarded with the gate's credential; pushes are parsed and every
 * ref update is judged (git-push patterns, no deletes, fast-forward unless git-allow-force)
 * before anything reaches the upstream. Every request and ref decision goes to git.jsonl.
 */
export async function startGitGate(opts: GitGateOptions): Promise<GitGate> {
  const log = decisionLog(opts.logFile)
  const repoPath = opts.upstream.pathname.replace(/\/+$/, '')
  const client = opts.upstream.protocol === 'https:' ? https : http
  // host git fetches with the gate's credential, passed in the environment (never in argv)
  const credentialEnv = opts.authHeader ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `${opts.authHeader.name}: ${opts.authHeader.value}` } : {}
  const agent = opts.agent ?? upstreamAgent(opts.upstream, opts.runnerProxy ?? NO_RUNNER_PROXY, opts.ca)
  let caEnv = {}
  if (opts.ca?.length) {
    // host git replaces its roots with GIT_SSL_CAINFO: give it the system roots and ours
    const bundle = path.join(path.dirname(opts.scratchDir), 'git-gate-ca.pem')
    fs.writeFileSync(bundle, [...tls.rootCertificates, ...opts.ca].join('\n'), { mode: 0o600 })
    caEnv = { GIT_SSL_CAINFO: bundle }
  }
  const checker = new FastForwardChecker(opts.scratchDir, opts.upstream.href, { ...caEnv, ...credentialEnv })
  const pushed: string[] = []
  const counts = { requests: 0, refused: 0 }
  const record = (d: Omit<GitDecision, 'time'>, started: number) => {
    if (d.decision === 'blocked' || d.decision === 'rejected-upstream') counts.refused++
    log.record(started, d)
  }

  /** `target` is the route as the gate matched it (normalised path + query), never the raw request URL. */
  const upstreamRequest = (req: http.IncomingMessage, target: string, onResponse: (res: http.IncomingMessage) => void, extra: http.OutgoingHttpHeaders = {}) => {
    const headers: http.OutgoingHttpHeaders = { host: opts.upstream.host }
    for (const h of FORWARDED_REQUEST_HEADERS) if (req.headers[h] !== undefined) headers[h] = req.headers[h]
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete headers[k]
      else headers[k] = v
    }
    if (opts.authHeader) headers[opts.authHeader.name] = opts.authHeader.value
    return client.request(
      { protocol: opts.upstream.protocol, hostname: opts.upstream.hostname, port: opts.upstream.port || undefined, method: req.method, path: repoPath + target, headers, agent },
      onResponse
    )
  }

  const refuse = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end(`bot-bottle git gate: ${text}\n`)
  }

  /** Response headers passed back; an upstream 401 becomes a 403 so guest git does not ask for a password. */
  const relayHead = (res: http.ServerResponse, ures: http.IncomingMessage): number => {
    const status = ures.statusCode === 401 ? 403 : (ures.statusCode ?? 502)
    const headers: http.OutgoingHttpHeaders = {}
    for (const h of ['content-type', 'content-encoding', 'cache-control', 'expires', 'pragma']) if (ures.headers[h] !== undefined) headers[h] = ures.headers[h]
    res.writeHead(status, headers)
    return status
  }

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, target: string, service: GitDecision['service'], started: number) => {
    let up = 0
    let down = 0
    const ureq = upstreamRequest(req, target, ures => {
      const status = relayHead(res, ures)
      if (ures.statusCode === 401) {
        ures.resume()
        res.end('bot-bottle git gate: the upstream refused the gate\'s credential; give the action a `github-token` that can read this repository\n')
      } else {
        ures.on('data', (c: Buffer) => (down += c.length))
        ures.pipe(res)
      }
      res.on('close', () => record({ service, decision: 'allowed', reason: 'origin', status, bytes_up: up, bytes_down: down, duration_ms: Date.now() - started }, started))
    })
    ureq.on('error', err => {
      record({ service, decision: 'rejected-upstream', reason: `upstream unreachable (${err.message})`, bytes_up: up, bytes_down: down, duration_ms: Date.now() - started }, started)
      if (!res.headersSent) refuse(res, 502, `upstream ${opts.upstream.origin} unreachable (${err.message})${tlsHint(err)}`)
      else res.destroy()
    })
    req.on('data', (c: Buffer) => (up += c.length))
    req.pipe(ureq)
  }

  const receivePack = async (req: http.IncomingMessage, res: http.ServerResponse, target: string, started: number) => {
    const body = await readBody(req)
    let parsed
    try {
      parsed = parseReceivePack(body)
    } catch (err) {
      if (!(err instanceof ReceivePackParseError)) throw err
      record({ service: 'receive-pack', decision: 'blocked', reason: err.message, bytes_up: body.length, bytes_down: 0, duration_ms: Date.now() - started }, started)
      return refuse(res, 400, err.message)
    }
    const { updates } = parsed
    const pack = body.subarray(parsed.packOffset)
    const needsCheck = opts.policy.allowForce ? [] : updates.filter(u => !ZERO_OID.test(u.old) && !ZERO_OID.test(u.new))
    // the pack is indexed once, and only if some update needs the fast-forward check
    let ancestry: Promise<Map<string, boolean>> | undefined
    const isAncestor = async (ref: string) => (await (ancestry ??= checker.check(pack, needsCheck))).get(ref) ?? false
    const verdicts = await Promise.all(updates.map(u => judgeUpdate(opts.policy, u, () => isAncestor(u.ref))))
    const refused = new Map<string, string>()
    verdicts.forEach((v, i) => {
      if (!v.allowed) refused.set(updates[i]!.ref, v.reason)
    })
    if (refused.size > 0) {
      updates.forEach(u =>
        record({ service: 'receive-pack', decision: 'blocked', reason: refused.get(u.ref) ?? 'another ref of this push was refused', ref: u.ref, old: u.old, new: u.new, bytes_up: body.length, bytes_down: 0, duration_ms: Date.now() - started }, started)
      )
      const reply = rejectionResponse(parsed, refused, `bot-bottle git gate refused this push:\n${[...refused.values()].join('\n')}`)
      res.writeHead(200, { 'content-type': 'application/x-git-receive-pack-result', 'cache-control': 'no-cache' })
      return res.end(reply)
    }
    // every update passed: send the (decoded) request on and read the upstream's verdict
    const ureq = upstreamRequest(req, target, ures => {
      const chunks: Buffer[] = []
      ures.on('data', (c: Buffer) => chunks.push(c))
      ures.on('end', () => {
        const reply = Buffer.concat(chunks)
        const status = relayHead(res, ures)
        res.end(ures.statusCode === 401 ? 'bot-bottle git gate: the upstream refused the gate\'s credential; give the action a `github-token` that may push to this repository\n' : reply)
        const report = ures.statusCode === 200 ? parseReportStatus(reply, parsed.capabilities.some(c => c.startsWith('side-band'))) : new Map<string, string>()
        for (const u of updates) {
          const verdict = report.get(u.ref) ?? `upstream answered HTTP ${ures.statusCode}`
          if (verdict === 'ok') pushed.push(u.ref)
          record({ service: 'receive-pack', decision: verdict === 'ok' ? 'pushed' : 'rejected-upstream', reason: verdict === 'ok' ? (verdicts[updates.indexOf(u)] as { rule: string }).rule : verdict, ref: u.ref, old: u.old, new: u.new, status, bytes_up: body.length, bytes_down: reply.length, duration_ms: Date.now() - started }, started)
        }
        if (updates.length === 0) record({ service: 'receive-pack', decision: 'allowed', reason: 'no ref updates', status, bytes_up: body.length, bytes_down: reply.length, duration_ms: Date.now() - started }, started)
      })
    }, { 'content-encoding': undefined, 'accept-encoding': 'identity', 'content-length': body.length })
    ureq.on('error', err => {
      for (const u of updates) record({ service: 'receive-pack', decision: 'rejected-upstream', reason: `upstream unreachable (${err.message})`, ref: u.ref, old: u.old, new: u.new, bytes_up: body.length, bytes_down: 0, duration_ms: Date.now() - started }, started)
      if (!res.headersSent) refuse(res, 502, `upstream ${opts.upstream.origin} unreachable (${err.message})${tlsHint(err)}`)
    })
    ureq.end(body)
  }

  const server = http.createServer((req, res) => {
    counts.requests++
    const started = Date.now()
    const url = new URL(req.url ?? '/', 'http://gate')
    const route = url.pathname.startsWith(repoPath + '/') ? url.pathname.slice(repoPath.length) : undefined
    const service = url.searchParams.get('service')
    const target = `${route}${url.search}`
    if (req.method === 'GET' && route === '/info/refs' && (service === 'git-upload-pack' || service === 'git-receive-pack')) return forward(req, res, target, 'info-refs', started)
    if (req.method === 'POST' && route === '/git-upload-pack') return forward(req, res, target, 'upload-pack', started)
    if (req.method === 'POST' && route === '/git-receive-pack') {
      return void receivePack(req, res, target, started).catch(err => {
        record({ service: 'receive-pack', decision: 'blocked', reason: String((err as Error).message), bytes_up: 0, bytes_down: 0, duration_ms: Date.now() - started }, started)
        if (!res.headersSent) refuse(res, 500, `push not checked: ${(err as Error).message}`)
        else res.destroy()
      })
    }
    req.resume()
    record({ service: 'other', decision: 'blocked', reason: `${req.method} ${url.pathname}: only the workspace's origin (${repoPath}) is served, over smart HTTP`, bytes_up: 0, bytes_down: 0, duration_ms: 0 }, started)
    refuse(res, 403, `only the workspace's origin (${repoPath}) is served here, over git's smart HTTP protocol`)
  })
  return {
    port: await listen(server, opts.bindHost),
    repoPath,
    guestPath: repoPath,
    pushed,
    summary: () => `git gate: ${counts.requests} request(s); pushed ${pushed.length ? pushed.join(', ') : 'nothing'}${counts.refused ? `; ${counts.refused} refused (see git.jsonl)` : ''}`,
    close: () => shutdown(server, log.end)
  }
}
