import net from 'node:net'
import { normalizeHost } from './authority.js'

/**
 * An IP network (`10.0.0.0/8`, `fd00::/8`), matched by Node's net.BlockList, which holds an IPv4
 * address and its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) for one address in both directions.
 */
export interface Cidr {
  text: string
  contains(address: string): boolean
}

/** 'ipv4' or 'ipv6' for an IP address, as net.BlockList names the families; undefined for anything else. */
export function ipFamily(address: string): 'ipv4' | 'ipv6' | undefined {
  return net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined
}

/** `addr/prefix` → the network, or undefined when it is not one. A bare address is a /32 (/128). */
export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', prefixText, extra] = text.trim().split('/')
  const host = normalizeHost(addr)
  const family = host === undefined ? undefined : ipFamily(host)
  if (extra !== undefined || host === undefined || family === undefined) return undefined
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined
  const max = family === 'ipv4' ? 32 : 128
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (prefix > max) return undefined
  const list = new net.BlockList()
  list.addSubnet(host, prefix, family)
  return {
    text: `${host}/${prefix}`,
    contains: address => {
      const f = ipFamily(address)
      return f !== undefined && list.check(address, f)
    }
  }
}
