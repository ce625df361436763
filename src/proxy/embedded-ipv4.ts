import net from 'node:net'

/**
 * IPv6 addresses that stand for an IPv4 address: the IPv4-mapped form the socket API uses, and
 * the forms a translator (SIIT, NAT64) turns into IPv4 on the way. The address vetting judges
 * each such address as the IPv4 address it reaches, or could reach.
 */

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or undefined when it is not one. */
export function addressBytes(address: string): Uint8Array | undefined {
  if (net.isIPv4(address)) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...address.split('.').map(Number)])
  if (!net.isIPv6(address) || address.includes('%')) return undefined
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined]
  const groups = (s: string | undefined) => (s ? s.split(':') : []).flatMap(g => (g.includes('.') ? v4Groups(g) : [parseInt(g, 16)]))
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t]
  return Uint8Array.from(all.flatMap(g => [g >> 8, g & 0xff]))
}

function v4Groups(dotted: string): number[] {
  const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number]
  return [(a << 8) | b, (c << 8) | d]
}

const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((x, i) => b[i] === x)
const dotted = (b: Uint8Array, at: number[]) => at.map(i => b[i]).join('.')

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] // ::ffff:0:0/96
const TRANSLATED = [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0] // ::ffff:0:0:0/96 (SIIT, RFC 6145)
const NAT64_WELL_KNOWN = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] // 64:ff9b::/96 (RFC 6052)
const NAT64_LOCAL = [0, 0x64, 0xff, 0x9b, 0, 1] // 64:ff9b:1::/48 (RFC 8215)
const LAST_32 = [12, 13, 14, 15]
// where RFC 6052 §2.2 puts the IPv4 address for each prefix length a local-use prefix can have (bits 64-71 are skipped)
const RFC6052_AT: [number, number[]][] = [
  [48, [6, 7, 9, 10]],
  [56, [7, 9, 10, 11]],
  [64, [9, 10, 11, 12]],
  [96, LAST_32]
]

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) stands for; any other address as it is. */
export function unmapIPv4(address: string): string {
  const b = net.isIPv6(address) ? addressBytes(address) : undefined
  return b && startsWith(b, MAPPED) ? dotted(b, LAST_32) : address
}

/** One IPv4 address an IPv6 address reaches through a translator, and how. */
export interface Embedded {
  ipv4: string
  /** 'SIIT', 'NAT64', 'NAT64 (local-use, read as /56)', … */
  via: string
}

/**
 * The IPv4 addresses `address` reaches through a translator. The well-known NAT64 prefix is a
 * /96; the local-use prefix 64:ff9b:1::/48 may be used at any RFC 6052 length, which the proxy
 * cannot know, so each reading is given. Empty for an address with no such embedding (and for
 * IPv4-mapped ones, which unmapIPv4 reads).
 */
export function embeddedIPv4(address: string): Embedded[] {
  const b = net.isIPv6(address) ? addressBytes(address) : undefined
  if (!b) return []
  if (startsWith(b, TRANSLATED)) return [{ ipv4: dotted(b, LAST_32), via: 'SIIT' }]
  if (startsWith(b, NAT64_WELL_KNOWN)) return [{ ipv4: dotted(b, LAST_32), via: 'NAT64' }]
  if (startsWith(b, NAT64_LOCAL)) return RFC6052_AT.map(([len, at]) => ({ ipv4: dotted(b, at), via: `NAT64 (local-use, read as /${len})` }))
  return []
}
