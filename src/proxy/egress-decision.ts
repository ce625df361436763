import net from 'node:net'
import { resolveVetted, type AddressPolicy } from './address-vetting.js'
import { DEFAULT_PORTS, judgeHost, type EgressPolicy } from '../config/egress-rules.js'
import { proxyFor, type RunnerProxy } from '../util/runner-proxy.js'
import { PROXY_REALM } from './proxy-auth.js'

/** One line of egress.jsonl. */
export interface EgressDecision {
  time: string
  host: string
  port: number
  method: string
  decision: 'allowed' | 'blocked'
  /** the allow rule, or why it was blocked (a BlockRule) */
  rule: string
  /** detail of a block: the address and why it was refused, the SNI that differed, … */
  reason?: string
  /** the address dialled (absent when the runner's proxy resolved the name) */
  address?: string
  bytes_up: number
  bytes_down: number
  duration_ms: number
}

export type BlockRule =
  | 'proxy-auth'
  | 'bad-target'
  | 'host-mismatch'
  | 'not-allowed'
  | 'port-not-allowed'
  | 'denied-address'
  | 'sni-mismatch'
  | 'no-sni'
  | 'not-tls'
  | 'not-http'

/** What the egress proxy's request handlers share. */
export interface EgressContext {
  policy: EgressPolicy
  addresses: AddressPolicy
  runnerProxy: RunnerProxy
  authorized(header: string | string[] | undefined): boolean
  record(d: Omit<EgressDecision, 'time'>, started: number): void
  /** aborted when the proxy closes: ends every upstream connection, dialled or dialling */
  closing: AbortSignal
}

export interface Refusal {
  rule: BlockRule
  status: number
  headers: Record<string, string>
  body: string
  reason?: string
}

function refusal(rule: BlockRule, policy: EgressPolicy, host: string, port: number, reason?: string): Refusal {
  const status = rule === 'proxy-auth' ? 407 : rule === 'bad-target' ? 400 : 403
  const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-proxy-error': rule === 'proxy-auth' ? 'proxy-auth' : 'blocked-by-allowlist' }
  if (rule === 'proxy-auth') headers['proxy-authenticate'] = `Basic realm="${PROXY_REALM}"`
  return { rule, status, headers, reason, body: `bot-bottle egress proxy: ${denialText(rule, policy, host, port, reason)}\n` }
}

function denialText(rule: BlockRule, policy: EgressPolicy, host: string, port: number, reason?: string): string {
  switch (rule) {
    case 'proxy-auth':
      return 'proxy credentials missing or wrong: use the proxy URL from HTTPS_PROXY / HTTP_PROXY as given, with its user and password.'
    case 'bad-target':
      return 'send plain HTTP as an absolute URI (http://host/...), and HTTPS through CONNECT host:port.'
    case 'host-mismatch':
      return `blocked: the request's target and its Host header disagree (${reason ?? host}).`
    case 'port-not-allowed':
      return `blocked ${host}:${port}: only ports ${DEFAULT_PORTS.join(' and ')} are allowed unless \`allowed-hosts\` names the port (e.g. ${host}:${port}).`
    case 'denied-address':
      return (
        `blocked ${host}: ${reason}. Loopback, link-local, multicast and the runner's own addresses and networks are never reached ` +
        'unless `allowed-hosts` lists that IP address or CIDR network.'
      )
    case 'not-allowed':
      if (policy.mode === 'none') return `blocked ${host}: network egress is off for this run (input \`egress: none\`).`
      return (
        `blocked ${host}: it is not in the allow-list. ` +
        'To allow it, add it to the `allowed-hosts` input of the bot-bottle step (or use `allowed-host-presets`).'
      )
    default:
      return `blocked ${host}: ${reason ?? rule}.`
  }
}

/**
 * The checks made before anything is resolved: proxy credentials, a parsable target, target
 * and Host header agreeing, and the allow-list (host and port). The rule's text, or a refusal.
 */
export function admit(
  ctx: EgressContext,
  req: { credentials: string | string[] | undefined; target?: { host: string; port: number }; hostHeader?: { host: string; port: number } }
): { rule: string } | Refusal {
  const host = req.target?.host ?? ''
  const port = req.target?.port ?? 0
  if (!ctx.authorized(req.credentials)) return refusal('proxy-auth', ctx.policy, host, port)
  if (!req.target) return refusal('bad-target', ctx.policy, host, port)
  if (!req.hostHeader || req.hostHeader.host !== host || req.hostHeader.port !== port) return refusal('host-mismatch', ctx.policy, host, port)
  const verdict = judgeHost(ctx.policy, host, port)
  return verdict.allowed ? { rule: verdict.rule } : refusal(verdict.reason, ctx.policy, host, port)
}

/** A refusal decided after the checks above (vetting, SNI). */
export function lateRefusal(ctx: EgressContext, rule: BlockRule, host: string, port: number, reason: string): Refusal {
  return refusal(rule, ctx.policy, host, port, reason)
}

export type Route = { via: URL; address?: string } | { via?: undefined; address: string }

/**
 * How to reach host:port: straight to a vetted address, or through the runner's own proxy
 * where it applies. That proxy resolves names itself, so only IP literals are vetted then.
 */
export async function route(ctx: EgressContext, host: string, port: number, secure: boolean): Promise<Route | Refusal> {
  const via = proxyFor(ctx.runnerProxy, host, port, secure)
  if (via && !net.isIP(host)) return { via }
  const vetted = await resolveVetted(host, ctx.addresses)
  if (!vetted.ok)
    return lateRefusal(ctx, 'denied-address', host, port, vetted.address ? `it resolves to ${vetted.address} (${vetted.why})` : `it ${vetted.why}`)
  return { via, address: vetted.address }
}

export function isRefusal(x: object): x is Refusal {
  return 'status' in x
}
