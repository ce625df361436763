import net from 'node:net'
import { normalizeHost } from './authority.js'

/** An IP network (`10.0.0.0/8`, `fd00::/8`). IPv4 is held as IPv4-mapped IPv6, so one compare serves both. */
export interface Cidr {
  text: string
  contains(address: string): boolean
  /** the same, for an address already in 16 bytes (see addressBytes) */
  containsBytes(address: Uint8Array): boolean
}

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or undefined. */
export function addressBytes(address: string): Uint8Array | undefined {
  if (net.isIPv4(address)) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...address.split('.').map(Number)])
  if (!net.isIPv6(address)) return undefined
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

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) stands for. */
export function unmapIPv4(address: string): string {
  const b = addressBytes(address)
  if (!net.isIPv6(address) || !b?.subarray(0, 10).every(x => x === 0) || b[10] !== 0xff || b[11] !== 0xff) return address
  return [...b.subarray(12)].join('.')
}

/** `addr/prefix` → the network, or undefined when it is not one. A bare address is a /32 (/128). */
export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', prefixText, extra] = text.trim().split('/')
  const host = normalizeHost(addr)
  if (extra !== undefined || host === undefined || !net.isIP(host)) return undefined
  const v4 = net.isIPv4(host)
  const max = v4 ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (prefix > max) return undefined
  const bits = v4 ? prefix + 96 : prefix // compared as 16 bytes
  const net16 = addressBytes(host)!
  const whole = bits >> 3
  const mask = (0xff << (8 - (bits & 7))) & 0xff
  const containsBytes = (a: Uint8Array) => {
    for (let i = 0; i < whole; i++) if (a[i] !== net16[i]) return false
    return mask === 0 || ((a[whole]! ^ net16[whole]!) & mask) === 0
  }
  return {
    text: `${host}/${prefix}`,
    containsBytes,
    contains: address => {
      const a = addressBytes(address)
      return a !== undefined && containsBytes(a)
    }
  }
}
