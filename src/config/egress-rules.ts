import net from 'node:net'
import { formatAuthority, parseHostPort } from '../util/authority.js'
import { parseCidr, type Cidr } from '../util/cidr.js'

export type EgressMode = 'allowlist' | 'none' | 'open'

/** Documented presets for `allowed-host-presets`. A `*.` wildcard does not match its apex. */
export const PRESETS: Record<string, string[]> = {
  github: [
    'github.com',
    'api.github.com',
    'codeload.github.com',
    'uploads.github.com',
    'raw.githubusercontent.com',
    'objects.githubusercontent.com',
    '*.githubusercontent.com'
  ],
  npm: ['registry.npmjs.org', 'registry.yarnpkg.com'],
  pypi: ['pypi.org', 'files.pythonhosted.org']
}

/** The ports a rule without `:port` allows. */
export const DEFAULT_PORTS: readonly number[] = [80, 443]

export interface EgressPolicy {
  mode: EgressMode
  /** canonical rules: `host[:port]`, `*.suffix[:port]`, IP literals (`[v6]:port` with a port), `ip/prefix` */
  rules: string[]
}

/** One parsed rule. */
export type HostRule = { text: string; port?: number } & ({ kind: 'name' | 'suffix' | 'ip'; host: string } | { kind: 'cidr'; cidr: Cidr })

/** A rule's text → the rule, or undefined when it is not one. */
export function parseRule(raw: string): HostRule | undefined {
  const text = raw.trim()
  if (text.includes('/')) {
    const cidr = parseCidr(text)
    return cidr && { kind: 'cidr', cidr, text: cidr.text }
  }
  const parsed = parseHostPort(text)
  if (!parsed) return undefined
  const { host, port, wildcard } = parsed
  const ip = net.isIP(host) !== 0
  if (wildcard && ip) return undefined
  const hostText = wildcard ? `*.${host}` : host
  return { kind: wildcard ? 'suffix' : ip ? 'ip' : 'name', host, port, text: port === undefined ? hostText : formatAuthority(hostText, port) }
}

/** Why a destination is allowed (`rule`: the rule's text) or not. */
export type HostVerdict = { allowed: true; rule: string } | { allowed: false; reason: 'not-allowed' | 'port-not-allowed' }

const parsedRules = new WeakMap<string[], HostRule[]>()
/** The policy's rules, parsed once per policy. */
function compiled(policy: EgressPolicy): HostRule[] {
  let rules = parsedRules.get(policy.rules)
  if (!rules) {
    rules = policy.rules.map(parseRule).filter((r): r is HostRule => r !== undefined)
    parsedRules.set(policy.rules, rules)
  }
  return rules
}

function hostMatches(rule: HostRule, host: string): boolean {
  if (rule.kind === 'cidr') return net.isIP(host) !== 0 && rule.cidr.contains(host)
  if (rule.kind === 'suffix') return net.isIP(host) === 0 && host.endsWith(`.${rule.host}`)
  return rule.host === host
}

/**
 * Judges host:port (`host` canonical, see normalizeHost). Exact hosts match themselves;
 * `*.example.com` matches any name below example.com but not example.com itself; IP literals
 * match an identical IP rule or a CIDR rule that contains them, never a wildcard. A rule
 * without a port allows 80 and 443 only. `open` allows any host and port.
 */
export function judgeHost(policy: EgressPolicy, host: string, port: number): HostVerdict {
  if (policy.mode === 'open') return { allowed: true, rule: 'egress: open' }
  if (policy.mode === 'none') return { allowed: false, reason: 'not-allowed' }
  const matching = compiled(policy).filter(r => hostMatches(r, host))
  const fits = matching.find(r => (r.port === undefined ? DEFAULT_PORTS.includes(port) : r.port === port))
  if (fits) return { allowed: true, rule: fits.text }
  return { allowed: false, reason: matching.length ? 'port-not-allowed' : 'not-allowed' }
}

/** The IP and CIDR rules: addresses the address vetting lets through although it would refuse them. */
export function listedNetworks(policy: EgressPolicy): Cidr[] {
  return compiled(policy).flatMap(r => {
    if (r.kind === 'cidr') return [r.cidr]
    if (r.kind === 'ip') return [parseCidr(`${r.host}/${net.isIPv6(r.host) ? 128 : 32}`)!]
    return []
  })
}
