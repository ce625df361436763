import { setMaxListeners } from 'node:events'
import http from 'node:http'
import { listedNetworks, type EgressPolicy } from '../config/egress-rules.js'
import { decisionLog, listen, shutdown } from './daemon.js'
import { parseDeniedCidrs } from './address-vetting.js'
import { connectHandler } from './egress-connect.js'
import type { EgressContext, EgressDecision } from './egress-decision.js'
import { plainHttpHandler } from './egress-http.js'
import { proxyCredentialCheck } from './proxy-auth.js'
import { NO_RUNNER_PROXY, type RunnerProxy } from '../util/runner-proxy.js'
import type { RecordWatch } from '../transcript/record-sink.js'

export type { EgressDecision } from './egress-decision.js'

export interface EgressProxyOptions {
  policy: EgressPolicy
  bindHost: string
  logFile: string
  /** told when the log cannot be written (a full disk) or reaches its cap */
  records?: RecordWatch
  runnerProxy?: RunnerProxy
  /** per-run secret the client must send as Basic proxy credentials (any user name) */
  secret?: string
  /** networks never reached, like loopback (e.g. this runner's docker networks), unless allowed-hosts lists them */
  deniedCidrs?: string[]
}

export interface EgressProxy {
  port: number
  decisions: { allowed: number; blocked: number; blockedHosts: Map<string, number> }
  /** one line for the log: counts and the most blocked hosts */
  summary(): string
  close(): Promise<void>
}

/**
 * The host-side forward proxy: HTTP CONNECT (decided by host name, port, vetted address and
 * the TLS server name; no TLS interception) and absolute-URI plain HTTP. Every decision is
 * appended to `logFile` as JSON (egress.jsonl).
 */
export async function startEgressProxy(opts: EgressProxyOptions): Promise<EgressProxy> {
  const log = decisionLog(opts.logFile, opts.records)
  const decisions = { allowed: 0, blocked: 0, blockedHosts: new Map<string, number>() }
  const closing = new AbortController()
  setMaxListeners(0, closing.signal) // one listener per open upstream connection, removed as each closes
  const ctx: EgressContext = {
    closing: closing.signal,
    policy: opts.policy,
    addresses: { listed: listedNetworks(opts.policy), denied: parseDeniedCidrs(opts.deniedCidrs) },
    runnerProxy: opts.runnerProxy ?? NO_RUNNER_PROXY,
    authorized: proxyCredentialCheck(opts.secret),
    record(d: Omit<EgressDecision, 'time'>, started: number) {
      if (d.decision === 'allowed') decisions.allowed++
      else {
        decisions.blocked++
        decisions.blockedHosts.set(d.host, (decisions.blockedHosts.get(d.host) ?? 0) + 1)
      }
      log.record(started, d)
    }
  }
  const server = http.createServer(plainHttpHandler(ctx))
  server.on('connect', connectHandler(ctx))
  return {
    port: await listen(server, opts.bindHost),
    decisions,
    summary() {
      const top = [...decisions.blockedHosts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([h, n]) => `${h} (${n})`)
      return `egress: ${decisions.allowed} allowed, ${decisions.blocked} blocked${top.length ? `; most blocked: ${top.join(', ')}` : ''}`
    },
    close: () => {
      // both sides of every tunnel: the guest's (shutdown drops what the server accepted) and the upstream's
      closing.abort()
      return shutdown(server, log.end)
    }
  }
}
