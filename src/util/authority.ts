import net from 'node:net'
import { domainToASCII } from 'node:url'

/**
 * The one place host names and authorities are normalised, for the egress proxy, its rules
 * and the runner proxy's NO_PROXY matching, so that all three compare the same strings.
 */

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/

/**
 * A host in canonical form, or undefined when it is not one: names lower-case, in IDNA
 * (punycode) form, without a trailing dot; IPv4 in dotted decimal (the odd forms a URL
 * parser accepts — `0x7f.1`, `2130706433`, `127.1`, `0177.0.0.1` — become the address they
 * mean, so a rule or a vetting check sees what a connection would reach); IPv6 compressed,
 * without brackets. Zone ids (`fe80::1%eth0`) are refused.
 */
export function normalizeHost(raw: string): string | undefined {
  const s = raw.trim()
  const bracketed = /^\[([^\]]*)\]$/.exec(s)
  const v6 = bracketed ? bracketed[1]! : s
  if (bracketed || s.includes(':')) return net.isIPv6(v6) && !v6.includes('%') ? canonicalIPv6(v6) : undefined
  if (s === '' || /[\s%/\\@?#]/.test(s)) return undefined
  const ascii = domainToASCII(s) // lower-cases, IDNA, and parses IPv4 as URLs do ('' when invalid)
  if (ascii === '') return undefined
  const host = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii
  if (net.isIPv4(host)) return host
  if (host.length > 253 || !host.split('.').every(l => LABEL.test(l))) return undefined
  return host
}

/** `::ffff:7f00:1` and `0:0::1` in the one form the URL parser writes. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}

/**
 * `host[:port]` (IPv6 in brackets when a port follows; a bare IPv6 address has none), with
 * the host canonical and a leading `*.` kept apart for rules. Undefined when unreadable.
 */
export function parseHostPort(text: string): { host: string; port?: number; wildcard: boolean } | undefined {
  const t = text.trim()
  if (!t.startsWith('[') && net.isIPv6(t)) return t.includes('%') ? undefined : { host: canonicalIPv6(t), wildcard: false }
  const m = /^(\*\.)?(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(t)
  const host = m ? normalizeHost(m[2]!) : undefined
  const port = m?.[3] === undefined ? undefined : Number(m[3])
  if (host === undefined || (port !== undefined && (port < 1 || port > 65535))) return undefined
  return { host, port, wildcard: Boolean(m![1]) }
}

/** `host[:port]` as a CONNECT target or Host header carries it (IPv6 in brackets). */
export function parseAuthority(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const p = parseHostPort(authority)
  if (!p || p.wildcard || (p.port === undefined && net.isIPv6(p.host))) return undefined
  return { host: p.host, port: p.port ?? defaultPort }
}

/** host:port as written in a CONNECT line or a log (IPv6 in brackets). */
export function formatAuthority(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`
}
