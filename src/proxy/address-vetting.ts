import dns from 'node:dns'
import net from 'node:net'
import os from 'node:os'
import { ipFamily, parseCidr, type Cidr } from '../util/cidr.js'
import { embeddedIPv4, unmapIPv4 } from './embedded-ipv4.js'

/**
 * Where the egress proxy may connect. A name is resolved once, each address is vetted, and the
 * proxy dials the vetted address itself (never the name again), so a DNS answer that changes
 * between check and use (rebinding) cannot move the connection. Private ranges (10/8,
 * 172.16/12, 192.168/16, fc00::/7, 100.64/10) are NOT refused: allowed names may be corporate
 * mirrors. Refused: the ranges below, the runner's own interface addresses, and `deniedCidrs`
 * (the bottle's docker networks), unless the address is inside an IP/CIDR rule of `allowed-hosts`.
 * An IPv6 address that stands for an IPv4 one (IPv4-mapped, SIIT, NAT64) is judged as that
 * IPv4 address too (embedded-ipv4.ts).
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

let ownCache: { at: number; addresses: net.BlockList } | undefined
/** The runner's interface addresses (read at most once a second: networks come and go), in any spelling. */
function ownAddresses(): net.BlockList {
  if (!ownCache || Date.now() - ownCache.at > 1000) {
    const addresses = new net.BlockList()
    for (const i of Object.values(os.networkInterfaces()).flatMap(list => list ?? [])) {
      const a = i.address.replace(/%.*$/, '')
      const family = ipFamily(a)
      if (family) addresses.addAddress(a, family)
    }
    ownCache = { at: Date.now(), addresses }
  }
  return ownCache.addresses
}

/** Why this one address may not be reached, or undefined (the IP/CIDR rules of allowed-hosts aside). */
function refusedAsSuch(a: string, policy: AddressPolicy): string | undefined {
  const range = REFUSED.find(r => r.cidr.contains(a))
  if (range) return range.why
  if (ownAddresses().check(a, ipFamily(a)!)) return "the runner's own address"
  const denied = policy.denied.find(c => c.contains(a))
  return denied ? `denied network ${denied.text}` : undefined
}

/**
 * Why `address` may not be reached ('loopback', 'the runner's own address', …), or undefined. An
 * IPv4-mapped address is judged as the IPv4 address it is; an address a translator turns into
 * IPv4 is judged as itself and as each IPv4 address it may reach ('NAT64 for 127.0.0.1: loopback').
 */
export function refusedBecause(address: string, policy: AddressPolicy): string | undefined {
  const a = unmapIPv4(address) // net.BlockList matches mapped forms too; unmapped here so the reasons below need not rely on that
  if (!ipFamily(a)) return 'not an IP address'
  const listed = (x: string) => policy.listed.some(c => c.contains(x))
  if (listed(a)) return undefined
  const why = refusedAsSuch(a, policy)
  if (why) return why
  for (const e of embeddedIPv4(a)) {
    const inner = listed(e.ipv4) ? undefined : refusedAsSuch(e.ipv4, policy)
    if (inner) return `${e.via} for ${e.ipv4}: ${inner}`
  }
  return undefined
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
