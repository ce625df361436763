import dns from 'node:dns'
import net from 'node:net'
import os from 'node:os'
import { addressBytes, parseCidr, unmapIPv4, type Cidr } from './cidr.js'

/**
 * Where the egress proxy may connect. A name is resolved once, each address is vetted, and the
 * proxy dials the vetted address itself (never the name again), so a DNS answer that changes
 * between check and use (rebinding) cannot move the connection. Private ranges (10/8,
 * 172.16/12, 192.168/16, fc00::/7, 100.64/10) are NOT refused: allowed names may be corporate
 * mirrors. Refused: the ranges below, the runner's own interface addresses, and `deniedCidrs`
 * (the bottle's docker networks), unless the address is inside an IP/CIDR rule of `allowed-hosts`.
 */
const REFUSED_RANGES: [string, string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // cloud metadata (169.254.169.254) lives here
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // and the broadcast address
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible'], // deprecated embedding; nothing legitimate uses it
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast']
]
const REFUSED = REFUSED_RANGES.map(([cidr, why]) => ({ cidr: parseCidr(cidr)!, why }))

export interface AddressPolicy {
  /** addresses allowed although refused by the rules above (the IP and CIDR rules of allowed-hosts) */
  listed: Cidr[]
  /** further networks to refuse (e.g. the docker networks of this runner) */
  denied: Cidr[]
}

/** Refuses a `deniedCidrs` entry that is not a network, naming it. */
export function parseDeniedCidrs(cidrs: readonly string[] = []): Cidr[] {
  return cidrs.map(c => {
    const cidr = parseCidr(c)
    if (!cidr) throw new TypeError(`deniedCidrs: '${c}' is not an IP network (e.g. 172.18.0.0/16)`)
    return cidr
  })
}

let ownCache: { at: number; addresses: Set<string> } | undefined
/** The runner's interface addresses (read at most once a second: networks come and go). */
function ownAddresses(): Set<string> {
  if (!ownCache || Date.now() - ownCache.at > 1000) {
    const addresses = new Set(Object.values(os.networkInterfaces()).flatMap(list => (list ?? []).map(i => unmapIPv4(i.address.replace(/%.*$/, '')))))
    ownCache = { at: Date.now(), addresses }
  }
  return ownCache.addresses
}

/** Why `address` may not be reached ('loopback', 'the runner's own address', …), or undefined. */
export function refusedBecause(address: string, policy: AddressPolicy): string | undefined {
  const a = unmapIPv4(address) // an IPv4-mapped address is judged as the IPv4 address it reaches
  const bytes = addressBytes(a)
  if (!bytes) return 'not an IP address'
  if (policy.listed.some(c => c.containsBytes(bytes))) return undefined
  const range = REFUSED.find(r => r.cidr.containsBytes(bytes))
  if (range) return range.why
  if (ownAddresses().has(a)) return "the runner's own address"
  const denied = policy.denied.find(c => c.containsBytes(bytes))
  return denied ? `denied network ${denied.text}` : undefined
}

export type Vetted = { ok: true; address: string; family: 4 | 6 } | { ok: false; address?: string; why: string }

/**
 * Resolves `host` once (an IP literal is not looked up) and returns the first address that may
 * be reached; refused when none may, naming the first address and why.
 */
export async function resolveVetted(host: string, policy: AddressPolicy, lookup = dns.promises.lookup): Promise<Vetted> {
  let addresses: { address: string; family: number }[]
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }]
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true })
    } catch (err) {
      return { ok: false, why: `does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }
    }
  }
  let first: { address: string; why: string } | undefined
  for (const { address, family } of addresses) {
    const why = refusedBecause(address, policy)
    if (!why) return { ok: true, address, family: family === 6 ? 6 : 4 }
    first ??= { address, why }
  }
  return { ok: false, address: first?.address, why: first?.why ?? 'resolves to no address' }
}
