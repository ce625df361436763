/**
 * Properties of the egress proxy's address vetting, checked against a model written here (16-byte
 * addresses as bigints), not against the product's own tables. Seeded and bounded: the same
 * cases each run, a few hundred per property.
 */
import os from 'node:os'
import fc from 'fast-check'
import { refusedBecause } from '../../src/proxy/address-vetting.js'
import { parseCidr } from '../../src/util/cidr.js'
import { addressBytes } from '../../src/proxy/embedded-ipv4.js'

const RUNS = { seed: 25, numRuns: 300 }

// ---- the model --------------------------------------------------------------------------------

type Bytes = number[] // 16 bytes
const big = (b: Bytes) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n)
const mapped = (v4: number[]): Bytes => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]
/** the top `bits` of a and b agree */
const samePrefix = (a: Bytes, b: Bytes, bits: number) => bits === 0 || big(a) >> BigInt(128 - bits) === big(b) >> BigInt(128 - bits)

const hexGroups = (b: Bytes) => Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!)
/** Spellings of one IPv6 address, as a resolver, a URL or a person may write it. */
function spell(b: Bytes, style: 'full' | 'padded-upper' | 'canonical' | 'dotted-tail'): string {
  const g = hexGroups(b)
  switch (style) {
    case 'full':
      return g.map(x => x.toString(16)).join(':')
    case 'padded-upper':
      return g.map(x => x.toString(16).padStart(4, '0').toUpperCase()).join(':')
    case 'canonical':
      return new URL(`http://[${spell(b, 'full')}]/`).hostname.slice(1, -1)
    case 'dotted-tail':
      return `${g
        .slice(0, 6)
        .map(x => x.toString(16))
        .join(':')}:${b.slice(12).join('.')}`
  }
}
const STYLES = ['full', 'padded-upper', 'canonical', 'dotted-tail'] as const

// what the vetting must refuse, as RFC 6890 and the README name it (IPv4)
const REFUSED_V4: [number[], number][] = [
  [[0, 0, 0, 0], 8],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4]
]
const inRefusedV4 = (v4: number[]) => REFUSED_V4.some(([net, len]) => samePrefix(mapped(v4), mapped(net), 96 + len))
const ownV4 = new Set(
  Object.values(os.networkInterfaces())
    .flat()
    .filter(i => i?.family === 'IPv4')
    .map(i => i!.address)
)

/** Every IPv6 address a translator or the socket API turns into `v4`, built byte by byte. */
function embeddings(v4: number[]): { form: string; bytes: Bytes }[] {
  const local = (at: number[]) => {
    const b: Bytes = [0, 0x64, 0xff, 0x9b, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    at.forEach((pos, i) => (b[pos] = v4[i]!))
    return b
  }
  return [
    { form: 'mapped', bytes: mapped(v4) },
    { form: 'SIIT', bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, ...v4] },
    { form: 'NAT64', bytes: [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ...v4] },
    { form: 'local /48', bytes: local([6, 7, 9, 10]) },
    { form: 'local /56', bytes: local([7, 9, 10, 11]) },
    { form: 'local /64', bytes: local([9, 10, 11, 12]) },
    { form: 'local /96', bytes: local([12, 13, 14, 15]) }
  ]
}

const byte = fc.integer({ min: 0, max: 255 })
const bytes16 = fc.array(byte, { minLength: 16, maxLength: 16 })
const v4 = fc.array(byte, { minLength: 4, maxLength: 4 })
/** An IPv4 address inside one of the refused ranges. */
const refusedV4 = fc.tuple(fc.constantFrom(...REFUSED_V4), v4).map(([[net, len], host]) => {
  const n = big(mapped(net)) >> BigInt(32 - len)
  const mask = (1n << BigInt(32 - len)) - 1n
  const value = (n << BigInt(32 - len)) | (big(mapped(host)) & mask)
  return [24, 16, 8, 0].map(s => Number((value >> BigInt(s)) & 0xffn))
})

// ---- the properties ---------------------------------------------------------------------------

describe('address vetting, as properties', () => {
  it('reads every spelling of an IPv6 address as the same 16 bytes', () => {
    fc.assert(
      fc.property(bytes16, fc.constantFrom(...STYLES), (b, style) => {
        expect([...addressBytes(spell(b, style))!]).toEqual(b)
      }),
      RUNS
    )
  })

  it('a network contains exactly the addresses whose leading bits it fixes, IPv4 and its mapped form alike', () => {
    const network = fc.oneof(
      fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, len]) => ({ text: `${a.join('.')}/${len}`, bytes: mapped(a), bits: 96 + len })),
      fc.tuple(bytes16, fc.integer({ min: 0, max: 128 })).map(([b, len]) => ({ text: `${spell(b, 'canonical')}/${len}`, bytes: b, bits: len }))
    )
    // an address near the network (one bit flipped) or anywhere; written as IPv4 when it is one, or as IPv6
    const address = (n: { bytes: Bytes }) =>
      fc.tuple(
        fc.oneof(
          fc.integer({ min: 0, max: 127 }).map(bit => flip(n.bytes, bit)),
          bytes16
        ),
        fc.constantFrom(...STYLES),
        fc.boolean()
      )
    fc.assert(
      fc.property(
        network.chain(n => fc.tuple(fc.constant(n), address(n))),
        ([n, [a, style, asV4]]) => {
          const isMapped = samePrefix(a, mapped([0, 0, 0, 0]), 96)
          const text = asV4 && isMapped ? a.slice(12).join('.') : spell(a, style)
          expect({ network: n.text, address: text, contains: parseCidr(n.text)!.contains(text) }).toEqual({
            network: n.text,
            address: text,
            contains: samePrefix(a, n.bytes, n.bits)
          })
        }
      ),
      RUNS
    )
  })

  it('refuses an IPv4 address in a refused range in every form that reaches it (mapped, SIIT, NAT64, each local-use reading)', () => {
    fc.assert(
      fc.property(refusedV4, fc.constantFrom(...STYLES), (a, style) => {
        expect(refusedBecause(a.join('.'), { listed: [], denied: [] })).toBeDefined()
        for (const e of embeddings(a)) {
          const text = spell(e.bytes, style)
          expect({ form: e.form, text, refused: refusedBecause(text, { listed: [], denied: [] }) !== undefined }).toEqual({ form: e.form, text, refused: true })
        }
      }),
      RUNS
    )
  })

  it('lets the /96 forms of an address it allows through, and a listed address in every form', () => {
    const allowedV4 = v4.filter(a => !inRefusedV4(a) && !ownV4.has(a.join('.')))
    fc.assert(
      fc.property(allowedV4, refusedV4, fc.constantFrom(...STYLES), (ok, listed, style) => {
        for (const e of embeddings(ok).filter(e => ['mapped', 'SIIT', 'NAT64'].includes(e.form)))
          expect({ form: e.form, why: refusedBecause(spell(e.bytes, style), { listed: [], denied: [] }) }).toEqual({ form: e.form, why: undefined })
        const policy = { listed: [parseCidr(listed.join('.'))!], denied: [] }
        for (const e of embeddings(listed).filter(e => ['mapped', 'SIIT', 'NAT64'].includes(e.form)))
          expect({ form: e.form, why: refusedBecause(spell(e.bytes, style), policy) }).toEqual({ form: e.form, why: undefined })
      }),
      RUNS
    )
  })

  it('refuses a denied network in every form that reaches it', () => {
    const denied = fc.tuple(v4, fc.integer({ min: 8, max: 32 }))
    fc.assert(
      fc.property(denied, v4, fc.constantFrom(...STYLES), ([net, len], host, style) => {
        const inside = [0, 1, 2, 3].map(i => {
          const keep = Math.max(0, Math.min(8, len - 8 * i)) // the network's bits in this byte
          const mask = (0xff << (8 - keep)) & 0xff
          return (net[i]! & mask) | (host[i]! & ~mask & 0xff)
        })
        const policy = { listed: [], denied: [parseCidr(`${net.join('.')}/${len}`)!] }
        for (const e of embeddings(inside))
          expect({ form: e.form, refused: refusedBecause(spell(e.bytes, style), policy) !== undefined }).toEqual({ form: e.form, refused: true })
      }),
      RUNS
    )
  })
})

function flip(b: Bytes, bit: number): Bytes {
  const out = [...b]
  out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7))
  return out
}
