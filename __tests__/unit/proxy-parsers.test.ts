/** The proxies' shared parsers: host normalisation, authorities, networks, the TLS ClientHello, proxy credentials. */
import net from 'node:net'
import os from 'node:os'
import tls from 'node:tls'
import { normalizeHost, parseAuthority } from '../../src/util/authority.js'
import { refusedBecause } from '../../src/proxy/address-vetting.js'
import { parseCidr } from '../../src/util/cidr.js'
import { unmapIPv4 } from '../../src/proxy/embedded-ipv4.js'
import { endToEndHeaders, HOP_BY_HOP } from '../../src/proxy/hop-by-hop.js'
import { proxyCredentialCheck } from '../../src/proxy/proxy-auth.js'
import { MAX_CLIENT_HELLO, readClientHello } from '../../src/proxy/sni.js'

describe('host normalisation', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['[::FFFF:127.0.0.1]', '::ffff:7f00:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['a_b.example', 'a_b.example'],
    ['a..b', undefined],
    ['-a.example', undefined],
    ['%2e%2e', undefined],
    ['a b', undefined],
    ['user@host', undefined],
    ['[fe80::1%eth0]', undefined],
    ['10.0.0.256', undefined],
    ['', undefined]
  ])('%j → %j', (raw, expected) => expect(normalizeHost(raw)).toBe(expected))

  it.each([
    ['example.com:8443', 443, { host: 'example.com', port: 8443 }],
    ['example.com', 443, { host: 'example.com', port: 443 }],
    ['[::1]:80', 443, { host: '::1', port: 80 }],
    ['::1', 443, undefined], // an IPv6 authority needs its brackets
    ['example.com:0', 443, undefined],
    ['example.com:65536', 443, undefined],
    ['*.example.com:443', 443, undefined],
    ['example.com:443:1', 443, undefined]
  ])('authority %j → %j', (raw, dflt, expected) => expect(parseAuthority(raw, dflt)).toEqual(expected))
})

describe('networks', () => {
  it('contains what it should, IPv4-mapped addresses judged as IPv4', () => {
    const v4 = parseCidr('10.1.0.0/16')!
    expect([v4.contains('10.1.255.3'), v4.contains('10.2.0.1'), v4.contains('::ffff:10.1.0.9'), v4.contains('fd00::1')]).toEqual([true, false, true, false])
    const v6 = parseCidr('fd00:bb::/32')!
    expect([v6.contains('fd00:bb:7::2'), v6.contains('fd00:bc::1'), v6.contains('10.1.0.1')]).toEqual([true, false, false])
    expect(parseCidr('0x0a.1/8')?.text).toBe('10.0.0.1/8')
    expect([parseCidr('10.0.0.0/33'), parseCidr('10.0.0.0/8/1'), parseCidr('x/8'), parseCidr('10.0.0.0/-1')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(unmapIPv4('::ffff:7f00:1')).toBe('127.0.0.1')
  })

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'], // 169.254.169.254, IPv4-mapped in hex
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::ffff:0:127.0.0.1', 'SIIT for 127.0.0.1: loopback'], // IPv4-translated
    ['::ffff:0:a9fe:a9fe', 'SIIT for 169.254.169.254: link-local'],
    ['64:ff9b::127.0.0.1', 'NAT64 for 127.0.0.1: loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 for 169.254.169.254: link-local'],
    ['64:ff9b::e000:fb', 'NAT64 for 224.0.0.251: multicast'],
    ['64:ff9b:1:7f00:0:100::', 'NAT64 (local-use, read as /48) for 127.0.0.1: loopback'], // 127.0 | u | 0.1
    ['64:ff9b:1:5da9:fe:a9fe::', 'NAT64 (local-use, read as /56) for 169.254.169.254: link-local'], // as /48 it is 93.169.254.169
    ['64:ff9b:1:0:a9:fea9:fe00:0', 'NAT64 (local-use, read as /48) for 0.0.169.254: unspecified'], // every reading is judged
    ['64:ff9b:1:5db8:d8:2201:5db8:d822', undefined], // public as /48, /56, /64 and /96
    ['64:ff9b::5db8:d822', undefined], // NAT64 for 93.184.216.34: a public address
    ['::ffff:0:5db8:d822', undefined],
    ['10.1.2.3', undefined], // private ranges stay allowed (corporate mirrors)
    ['192.168.1.1', undefined],
    ['fd00::1', undefined],
    ['93.184.216.34', undefined]
  ])('%s → %s', (address, why) => expect(refusedBecause(address, { listed: [], denied: [] })).toBe(why))

  it("refuses the runner's own addresses in every spelling: IPv4-mapped (dotted or hex), translated, through NAT64", () => {
    const own = Object.values(os.networkInterfaces())
      .flat()
      .filter(i => i?.family === 'IPv4' && !i.internal)
      .map(i => i!.address)
    expect(own.length).toBeGreaterThan(0)
    for (const a of own) {
      const [w, x, y, z] = a.split('.').map(Number) as [number, number, number, number]
      const hex = `${((w << 8) | x).toString(16)}:${((y << 8) | z).toString(16)}`
      expect({ a, why: [a, `::ffff:${a}`, `::FFFF:${hex}`].map(f => refusedBecause(f, { listed: [], denied: [] })) }).toEqual({
        a,
        why: ["the runner's own address", "the runner's own address", "the runner's own address"]
      })
      expect(refusedBecause(`::ffff:0:${hex}`, { listed: [], denied: [] })).toBe(`SIIT for ${a}: the runner's own address`)
      expect(refusedBecause(`64:ff9b::${hex}`, { listed: [], denied: [] })).toBe(`NAT64 for ${a}: the runner's own address`)
    }
  })

  it('refuses deniedCidrs, and lets a listed address or network through', () => {
    expect(refusedBecause('172.18.0.5', { listed: [], denied: [parseCidr('172.18.0.0/16')!] })).toBe('denied network 172.18.0.0/16')
    expect(refusedBecause('127.0.0.1', { listed: [parseCidr('127.0.0.0/8')!], denied: [] })).toBeUndefined()
    expect(refusedBecause('::ffff:127.0.0.1', { listed: [parseCidr('127.0.0.1')!], denied: [] })).toBeUndefined()
    // through NAT64: the denied network refuses it, a listed IPv4 address (or the NAT64 address itself) lets it through
    expect(refusedBecause('64:ff9b::172.18.0.5', { listed: [], denied: [parseCidr('172.18.0.0/16')!] })).toBe(
      'NAT64 for 172.18.0.5: denied network 172.18.0.0/16'
    )
    expect(refusedBecause('64:ff9b::127.0.0.1', { listed: [parseCidr('127.0.0.0/8')!], denied: [] })).toBeUndefined()
    expect(refusedBecause('64:ff9b::127.0.0.1', { listed: [parseCidr('64:ff9b::/96')!], denied: [] })).toBeUndefined()
  })
})

/** A real ClientHello, as node's TLS client writes it. */
function clientHello(servername?: string): Promise<Buffer> {
  return new Promise(resolve => {
    const server = net.createServer(s =>
      s.once('data', d => {
        resolve(d)
        s.destroy()
        server.close()
      })
    )
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', servername, rejectUnauthorized: false })
      c.on('error', () => undefined)
    })
  })
}

describe('TLS ClientHello', () => {
  it('reads the server name, byte by byte as it arrives, and from a hello split over several records', async () => {
    const hello = await clientHello('Decoy.Example')
    expect(readClientHello(hello)).toEqual({ state: 'hello', sni: 'Decoy.Example' })
    for (let n = 0; n < hello.length; n += 7) expect(readClientHello(hello.subarray(0, n)).state).toBe('incomplete')
    // the same handshake message in records of 100 bytes each
    const hs = hello.subarray(5)
    const records = []
    for (let i = 0; i < hs.length; i += 100) {
      const part = hs.subarray(i, i + 100)
      records.push(Buffer.from([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff]), part)
    }
    expect(readClientHello(Buffer.concat(records))).toEqual({ state: 'hello', sni: 'Decoy.Example' })
  })

  it('has no server name when the client sent none (an IP address), and tells other bytes from TLS', async () => {
    expect(readClientHello(await clientHello())).toEqual({ state: 'hello' })
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual({ state: 'not-tls' })
    expect(readClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]))).toEqual({ state: 'not-tls' }) // a ServerHello
    expect(readClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0xff, 0xff]))).toEqual({ state: 'not-tls' }) // lengths past the end
    expect(readClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff]))).toEqual({ state: 'too-large' })
    const huge = Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff]) // a record longer than the proxy waits for
    expect(readClientHello(Buffer.concat([huge, Buffer.alloc(MAX_CLIENT_HELLO - 64)])).state).toBe('incomplete')
    expect(readClientHello(Buffer.concat([huge, Buffer.alloc(MAX_CLIENT_HELLO + 64)])).state).toBe('too-large')
  })
})

describe('hop-by-hop headers and proxy credentials', () => {
  it('drops the RFC 9110 list, the headers Connection names, and the extras', () => {
    const h = endToEndHeaders(
      {
        connection: 'close, X-Private',
        'x-private': '1',
        'keep-alive': '5',
        te: 'trailers',
        'proxy-authorization': 'Basic x',
        host: 'h',
        'x-api-key': 'k',
        accept: '*/*'
      },
      ['x-api-key']
    )
    expect(h).toEqual({ host: 'h', accept: '*/*' })
    expect(HOP_BY_HOP).toEqual(expect.arrayContaining(['connection', 'keep-alive', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']))
  })

  it('accepts the secret as the Basic password with any user, nothing else', () => {
    const check = proxyCredentialCheck('s3cret')
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`
    expect([basic('bottle:s3cret'), basic(':s3cret'), `basic  ${Buffer.from('x:s3cret').toString('base64')}`].map(check)).toEqual([true, true, true])
    expect([undefined, '', basic('s3cret'), basic('bottle:s3cre'), basic('bottle:s3cretx'), 'Bearer s3cret', [basic('bottle:s3cret')]].map(check)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false
    ])
    expect(proxyCredentialCheck(undefined)(undefined)).toBe(true)
  })
})
