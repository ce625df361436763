import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import tls from 'node:tls'
import { decisionLog, listen, shutdown } from '../proxy/daemon.js'
import { NO_RUNNER_PROXY, upstreamAgent, type RunnerProxy } from '../util/runner-proxy.js'
import type { GitDecision, RecordDecision } from './decisions.js'
import { DEFAULT_GATE_LIMITS, maxObjectBytes, type GateLimits } from './limits.js'
import { OneAtATime, QueueFullError } from './one-at-a-time.js'
import { DEFAULT_PROTECTED_PATHS } from '../config/fields.js'
import { parseProtectedPaths } from '../config/git-policy.js'
import type { ProtectedPath } from '../config/protected-paths.js'
import { GateRepo } from './push-objects.js'
import { handlePush, type PushContext } from './push.js'
import type { PushPolicy } from '../config/git-policy.js'
import { refuse, UpstreamRelay } from './relay.js'
import { Redactor } from '../transcript/redact.js'
import type { RecordWatch } from '../transcript/record-sink.js'

export type { GitDecision } from './decisions.js'

export interface GitGateOptions {
  /** the workspace's origin, without credentials, e.g. https://github.com/acme/widgets.git */
  upstream: URL
  /** the header the gate adds upstream (the guest never sees it) */
  authHeader?: { name: string; value: string }
  policy: PushPolicy
  bindHost: string
  logFile: string
  /** told when the log cannot be written (a full disk) or reaches its cap */
  records?: RecordWatch
  /** host-only dir the gate owns: its fast-forward repo, request bodies, CA bundle */
  scratchDir: string
  /** agent for upstream requests (e.g. through the runner's proxy) */
  agent?: http.Agent
  /** extra CA certificates (PEM) trusted for the upstream, beside the system roots */
  ca?: string[]
  /** the runner's own proxy (host git picks it up from the environment itself) */
  runnerProxy?: RunnerProxy
  /** per-run secret (URL-safe, 16+ characters): every request's path must start with /<secret> */
  secret: string
  /** what one push may cost (defaults: DEFAULT_GATE_LIMITS) */
  limits?: Partial<GateLimits>
  /** paths no pushed commit may add, change or delete (default: .github/workflows/**) */
  protectedPaths?: readonly ProtectedPath[]
  /** the detectors every pushed blob, commit and tag goes through (default: token shapes only; give the run's secrets) */
  redactor?: Redactor
}

export interface GitGate {
  port: number
  /** the upstream's repository path, e.g. /acme/widgets.git */
  repoPath: string
  /** the path the guest's remote URL uses (the secret, then repoPath) */
  guestPath: string
  /** refs the upstream accepted, in push order */
  pushed: string[]
  summary(): string
  close(): Promise<void>
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest()

/** The request path after `/<secret>` (compared in constant time), or undefined without it. */
function afterSecret(pathname: string, secret: string): string | undefined {
  const m = /^\/([^/]*)(\/.*)?$/.exec(pathname)
  return m && crypto.timingSafeEqual(digest(m[1]!), digest(secret)) ? (m[2] ?? '') : undefined
}

/** Host git's environment for the fast-forward checks: the credential header and our CA bundle, never in argv. */
function hostGitEnv(opts: GitGateOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = opts.authHeader
    ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `${opts.authHeader.name}: ${opts.authHeader.value}` }
    : {}
  if (opts.ca?.length) {
    // host git replaces its roots with GIT_SSL_CAINFO: give it the system roots and ours
    const bundle = path.join(opts.scratchDir, 'ca.pem')
    fs.writeFileSync(bundle, [...tls.rootCertificates, ...opts.ca].join('\n'), { mode: 0o600 })
    env.GIT_SSL_CAINFO = bundle
  }
  return env
}

/**
 * The host-side git smart-HTTP gate. The guest's `origin` points here, at /<secret>/<repo>;
 * fetches and clones of that one repository are relayed with the gate's credential; pushes are
 * parsed and every ref update judged (ref name, git-push patterns, no deletes, fast-forward
 * unless git-allow-force), then what its new commits carry (protected paths, secrets), before
 * anything reaches the upstream, one push at a time. Every
 * request and ref decision goes to git.jsonl (never the secret).
 */
export async function startGitGate(opts: GitGateOptions): Promise<GitGate> {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(opts.secret ?? '')) throw new Error('git gate: the per-run secret must be 16 or more URL-safe characters (A-Z a-z 0-9 _ -)')
  const repoPath = opts.upstream.pathname.replace(/\/+$/, '')
  fs.mkdirSync(path.join(opts.scratchDir, 'bodies'), { recursive: true, mode: 0o700 })
  const log = decisionLog(opts.logFile, opts.records)
  const limits = { ...DEFAULT_GATE_LIMITS, ...opts.limits }
  const agent = opts.agent ?? upstreamAgent(opts.upstream, opts.runnerProxy ?? NO_RUNNER_PROXY, opts.ca)
  const relay = new UpstreamRelay(opts.upstream, repoPath, opts.authHeader, agent)
  const repo = new GateRepo(path.join(opts.scratchDir, 'upstream.git'), opts.upstream.href, hostGitEnv(opts), limits.scanTimeoutMs, maxObjectBytes(limits))
  const content = { protectedPaths: opts.protectedPaths ?? parseProtectedPaths(DEFAULT_PROTECTED_PATHS), redactor: opts.redactor ?? new Redactor() }
  const push: PushContext = { relay, policy: opts.policy, repo, content, limits, bodiesDir: path.join(opts.scratchDir, 'bodies'), pushed: [] }
  const pushes = new OneAtATime(limits.maxQueuedPushes)
  const counts = { requests: 0, refused: 0 }

  const server = http.createServer((req, res) => {
    counts.requests++
    const started = Date.now()
    const record: RecordDecision = d => {
      if (d.decision === 'blocked' || d.decision === 'rejected-upstream') counts.refused++
      log.record(started, { ...d, duration_ms: Date.now() - started } satisfies Omit<GitDecision, 'time'>)
    }
    const url = new URL(req.url ?? '/', 'http://gate')
    const routePath = afterSecret(url.pathname, opts.secret)
    if (routePath === undefined) {
      req.resume()
      // neither the path (it may hold a guess at the secret, or the secret misplaced) nor the secret is logged
      record({ service: 'other', decision: 'blocked', reason: `${req.method} without the run's secret path prefix`, bytes_up: 0, bytes_down: 0 })
      return refuse(res, 403, 'this gate serves only the bottle it was started for')
    }
    const route = routePath.startsWith(`${repoPath}/`) ? routePath.slice(repoPath.length) : undefined
    const service = url.searchParams.get('service')
    const target = `${route}${url.search}`
    const forward = (s: GitDecision['service']) => relay.forward(req, res, target, o => record({ service: s, ...o }))
    if (req.method === 'GET' && route === '/info/refs' && (service === 'git-upload-pack' || service === 'git-receive-pack')) return forward('info-refs')
    if (req.method === 'POST' && route === '/git-upload-pack') return forward('upload-pack')
    if (req.method === 'POST' && route === '/git-receive-pack') {
      return void pushes
        .run(() => handlePush(push, req, res, target, record))
        .catch(err => {
          req.resume()
          const busy = err instanceof QueueFullError
          record({
            service: 'receive-pack',
            decision: 'blocked',
            reason: busy ? `refused: ${err.message}` : String((err as Error).message),
            bytes_up: 0,
            bytes_down: 0
          })
          if (res.headersSent) res.destroy()
          else if (busy) refuse(res, 503, `too many pushes at once (${err.message}); push again when they are done`)
          else refuse(res, 500, `push not checked: ${(err as Error).message}`)
        })
    }
    req.resume()
    record({
      service: 'other',
      decision: 'blocked',
      reason: `${req.method} ${routePath}: only the workspace's origin (${repoPath}) is served, over smart HTTP`,
      bytes_up: 0,
      bytes_down: 0
    })
    refuse(res, 403, `only the workspace's origin (${repoPath}) is served here, over git's smart HTTP protocol`)
  })
  return {
    port: await listen(server, opts.bindHost),
    repoPath,
    guestPath: `/${opts.secret}${repoPath}`,
    pushed: push.pushed,
    summary: () =>
      `git gate: ${counts.requests} request(s); pushed ${push.pushed.length ? push.pushed.join(', ') : 'nothing'}` +
      (counts.refused ? `; ${counts.refused} refused (see git.jsonl)` : ''),
    close: () => shutdown(server, log.end)
  }
}
