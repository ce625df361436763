import dns from 'node:dns'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { jest } from '@jest/globals'
import { startEgressProxy, type EgressProxy } from '../../src/proxy/egress-proxy.js'
import { judgeHost, listedNetworks, PRESETS } from '../../src/config/egress-rules.js'
import { parseEgressPolicy } from '../../src/config/egress-policy.js'
import { makeTestCa } from '../../test/harness/test-ca.mjs'

describe('egress rules', () => {
  const p = parseEgressPolicy('allowlist', 'api.github.com, *.npmjs.org\n10.1.2.3\n[::1], github.com:22, BÜCHER.example., 10.9.0.0/16, [fd00::7]:8443', 'pypi')
  it.each([
    ['api.github.com', 443, 'api.github.com'],
    ['api.github.com', 80, 'api.github.com'],
    ['api.github.com', 22, 'port-not-allowed'], // a rule without a port allows 80 and 443 only
    ['github.com', 22, 'github.com:22'],
    ['github.com', 443, 'port-not-allowed'], // github.com is listed for 22 only
    ['registry.npmjs.org', 443, '*.npmjs.org'],
    ['a.b.npmjs.org', 443, '*.npmjs.org'],
    ['npmjs.org', 443, 'not-allowed'], // the apex is not matched by its wildcard
    ['evilnpmjs.org', 443, 'not-allowed'],
    ['pypi.org', 443, 'pypi.org'],
    ['xn--bcher-kva.example', 443, 'xn--bcher-kva.example'], // IDNA, case and trailing dot normalised in the rule
    ['10.1.2.3', 443, '10.1.2.3'],
    ['10.1.2.4', 443, 'not-allowed'], // IP literals only by an identical rule or a CIDR
    ['10.9.200.1', 80, '10.9.0.0/16'],
    ['::1', 443, '::1'],
    ['fd00::7', 8443, '[fd00::7]:8443']
  ])('%s:%d → %s', (host, port, expected) => {
    const v = judgeHost(p, host, port)
    expect(v.allowed ? v.rule : v.reason).toBe(expected)
  })
  it('none blocks everything; open allows any host and port', () => {
    expect(judgeHost(parseEgressPolicy('none', 'a.com', ''), 'a.com', 443)).toEqual({ allowed: false, reason: 'not-allowed' })
    expect(judgeHost(parseEgressPolicy('open', '', ''), 'anything.example', 8080)).toEqual({ allowed: true, rule: 'egress: open' })
  })
  it('has the documented presets', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['github', 'npm', 'pypi'])
    expect(parseEgressPolicy('allowlist', '', 'github,npm').rules).toEqual(expect.arrayContaining(['github.com', 'registry.npmjs.org']))
  })
  it('writes each rule in one canonical form, and lists the IP and CIDR rules for the address vetting', () => {
    const q = parseEgressPolicy('allowlist', 'X.com:443, 0x7f.1, [::FFFF:127.0.0.1]:8080, fd00:0::1, 10.0.0.0/8, *.Example.ORG.', '')
    expect(q.rules).toEqual(['x.com:443', '127.0.0.1', '[::ffff:7f00:1]:8080', 'fd00::1', '10.0.0.0/8', '*.example.org'])
    expect(listedNetworks(q).map(c => c.text)).toEqual(['127.0.0.1/32', '::ffff:7f00:1/128', 'fd00::1/128', '10.0.0.0/8'])
  })
  it.each([
    ['bogus', '', '', /Input 'egress': invalid value \(got 'bogus'\)/],
    ['allowlist', 'https://x.com', '', /Input 'allowed-hosts': 'https:\/\/x\.com' is not a host name/],
    ['allowlist', 'x.com/path', '', /Input 'allowed-hosts': 'x\.com\/path'/],
    ['allowlist', 'x.com:0', '', /Input 'allowed-hosts': 'x\.com:0'/],
    ['allowlist', 'x.com:65536', '', /Input 'allowed-hosts'/],
    ['allowlist', '*.10.0.0.1', '', /Input 'allowed-hosts'/],
    ['allowlist', '10.0.0.0/33', '', /Input 'allowed-hosts'/],
    ['allowlist', 'a..b', '', /Input 'allowed-hosts'/],
    ['allowlist', '', 'rubygems', /Input 'allowed-host-presets': unknown preset 'rubygems'\. Use any of: github, npm, pypi/]
  ])('refuses %s %s %s', (mode, hosts, presets, msg) => {
    expect(() => parseEgressPolicy(mode, hosts, presets)).toThrow(msg)
  })
})

/** Sends raw bytes to the proxy and returns everything it answers until it closes (bounded). */
function raw(port: number, request: string, then?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request))
    let out = ''
    let sent = false
    s.on('data', d => {
      out += d
      if (then && !sent && out.includes('200 Connection Established')) {
        sent = true
        s.write(then)
      }
    })
    s.on('close', () => resolve(out))
    s.on('error', reject)
    setTimeout(() => s.destroy(), 3000).unref()
  })
}

/** A TCP decoy on `host` that counts connections and echoes. */
async function tcpDecoy(host = '127.0.0.1', port = 0): Promise<{ server: net.Server; port: number; hits: () => number }> {
  let hits = 0
  const server = net.createServer(s => {
    hits++
    s.on('error', () => undefined)
    s.on('data', d => s.end(`echo:${d}`))
  })
  await new Promise<void>(r => server.listen(port, host, () => r()))
  return { server, port: (server.address() as net.AddressInfo).port, hits: () => hits }
}

function logOf(file: string) {
  const lines = () =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map(l => JSON.parse(l) as Record<string, unknown>)
      : []
  /** The log is written asynchronously (a tunnel is logged when it closes): wait for a record, at most 3 s. */
  return async function record(match: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (const started = Date.now(); Date.now() - started < 3000; await new Promise(r => setTimeout(r, 20))) {
      const found = lines().find(l => Object.entries(match).every(([k, v]) => l[k] === v))
      if (found) return found
    }
    throw new Error(`no egress record like ${JSON.stringify(match)} in ${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no log)'}`)
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-egress-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('egress proxy (loopback decoys, listed as allowed addresses)', () => {
  const logFile = path.join(dir, 'egress.jsonl')
  const record = logOf(logFile)
  let decoy: Awaited<ReturnType<typeof tcpDecoy>>
  let web: http.Server
  let proxy: EgressProxy
  let webPort = 0
  beforeAll(async () => {
    decoy = await tcpDecoy()
    web = http.createServer((req, res) =>
      res.end(`web saw ${req.method} ${req.url} host=${req.headers.host} proxy-auth=${req.headers['proxy-authorization'] ?? 'none'}`)
    )
    await new Promise<void>(r => web.listen(0, '127.0.0.1', () => r()))
    webPort = (web.address() as net.AddressInfo).port
    // loopback is refused unless allowed-hosts lists it: 127.0.0.1 is listed here
    proxy = await startEgressProxy({
      policy: parseEgressPolicy('allowlist', `localhost:${decoy.port}, localhost:${webPort}, 127.0.0.1`, ''),
      bindHost: '127.0.0.1',
      logFile
    })
  })
  afterAll(async () => {
    await proxy.close()
    decoy.server.close()
    web.close()
  })

  it('tunnels CONNECT to an allowed host and port, to the vetted address, and logs bytes both ways', async () => {
    const out = await raw(proxy.port, `CONNECT localhost:${decoy.port} HTTP/1.1\r\nHost: localhost:${decoy.port}\r\n\r\n`, 'ping')
    expect(out).toBe('HTTP/1.1 200 Connection Established\r\n\r\necho:ping')
    expect(await record({ method: 'CONNECT', decision: 'allowed' })).toMatchObject({
      host: 'localhost',
      port: decoy.port,
      rule: `localhost:${decoy.port}`,
      address: '127.0.0.1',
      bytes_up: 4,
      bytes_down: 9
    })
  })

  it('refuses CONNECT to a host not allowed, before connecting, saying how to allow it', async () => {
    const out = await raw(proxy.port, 'CONNECT blocked.example:443 HTTP/1.1\r\nHost: blocked.example:443\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 403 Forbidden/)
    expect(out).toContain('blocked blocked.example: it is not in the allow-list. To allow it, add it to the `allowed-hosts` input')
    expect(await record({ host: 'blocked.example', method: 'CONNECT' })).toMatchObject({ decision: 'blocked', rule: 'not-allowed', bytes_up: 0 })
  })

  it('refuses an IP literal that no rule names, and a CONNECT whose Host header disagrees', async () => {
    expect(await raw(proxy.port, `CONNECT 127.0.0.2:${decoy.port} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 403/)
    expect(await raw(proxy.port, `CONNECT localhost:${decoy.port} HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 403[\s\S]*target and its Host header disagree/
    )
    expect(await record({ host: '127.0.0.2', method: 'CONNECT' })).toMatchObject({ decision: 'blocked', rule: 'not-allowed' })
    expect(await record({ host: 'localhost', method: 'CONNECT', rule: 'host-mismatch' })).toMatchObject({ decision: 'blocked' })
  })

  it('forwards plain HTTP to an allowed host, and refuses a Host header that differs from the URI', async () => {
    const ok = await raw(proxy.port, `GET http://localhost:${webPort}/x?y=1 HTTP/1.1\r\nHost: localhost:${webPort}\r\nConnection: close\r\n\r\n`)
    expect(ok).toMatch(/^HTTP\/1\.1 200/)
    expect(ok).toContain(`web saw GET /x?y=1 host=localhost:${webPort}`)
    const bad = await raw(proxy.port, `GET http://localhost:${webPort}/ HTTP/1.1\r\nHost: blocked.example\r\nConnection: close\r\n\r\n`)
    expect(bad).toMatch(/^HTTP\/1\.1 403/)
    expect(await record({ method: 'GET', decision: 'allowed' })).toMatchObject({ host: 'localhost', rule: `localhost:${webPort}` })
    expect(await record({ method: 'GET', decision: 'blocked' })).toMatchObject({ host: 'localhost', rule: 'host-mismatch' })
  })

  it('refuses a port the allow-list does not name (a rule without a port means 80 and 443)', async () => {
    const before = decoy.hits()
    const out = await raw(proxy.port, `CONNECT 127.0.0.1:${decoy.port} HTTP/1.1\r\nHost: 127.0.0.1:${decoy.port}\r\n\r\n`, 'ping')
    expect(out).toMatch(/^HTTP\/1\.1 403[\s\S]*only ports 80 and 443 are allowed unless `allowed-hosts` names the port/)
    expect(decoy.hits()).toBe(before)
    expect(await record({ host: '127.0.0.1', port: decoy.port })).toMatchObject({ decision: 'blocked', rule: 'port-not-allowed' })
  })

  it('sums it up in one line', () => {
    expect(proxy.summary()).toMatch(/^egress: 2 allowed, 5 blocked; most blocked: /)
  })
})

describe('egress proxy address vetting', () => {
  const logFile = path.join(dir, 'vetting.jsonl')
  const record = logOf(logFile)
  let decoy: Awaited<ReturnType<typeof tcpDecoy>>
  let own: Awaited<ReturnType<typeof tcpDecoy>> | undefined
  const ownAddress = Object.values(os.networkInterfaces())
    .flat()
    .find(i => i && i.family === 'IPv4' && !i.internal)?.address
  beforeAll(async () => {
    decoy = await tcpDecoy()
    if (ownAddress) own = await tcpDecoy(ownAddress)
  })
  afterAll(() => {
    decoy.server.close()
    own?.server.close()
  })

  it('refuses names that resolve to loopback, odd IPv4 spellings of it, the metadata address and the runner’s own address, in egress: open too', async () => {
    expect(ownAddress).toBeDefined() // the runner has a non-loopback interface
    const proxy = await startEgressProxy({ policy: parseEgressPolicy('open', '', ''), bindHost: '127.0.0.1', logFile })
    const p = decoy.port
    const targets = [
      `localhost:${p}`,
      `0x7f.1:${p}`,
      `2130706433:${p}`,
      `127.1:${p}`,
      `0177.0.0.1:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `[::1]:${p}`,
      `169.254.169.254:80`,
      `0.0.0.0:${p}`,
      `${ownAddress}:${own!.port}`,
      `[::ffff:${ownAddress}]:${own!.port}`, // the runner's own address, IPv4-mapped
      `[::ffff:0:${ownAddress}]:${own!.port}`, // … IPv4-translated (SIIT)
      `[64:ff9b::${ownAddress}]:${own!.port}`, // … through NAT64
      `[64:ff9b::127.0.0.1]:${p}`
    ]
    try {
      for (const t of targets) {
        const out = await raw(proxy.port, `CONNECT ${t} HTTP/1.1\r\nHost: ${t}\r\n\r\n`, 'ping')
        expect({ t, out }).toEqual({
          t,
          out: expect.stringMatching(/^HTTP\/1\.1 403 Forbidden[\s\S]*unless `allowed-hosts` lists that IP address or CIDR network/)
        })
      }
      const plain = await raw(proxy.port, `GET http://localhost:${p}/ HTTP/1.1\r\nHost: localhost:${p}\r\nConnection: close\r\n\r\n`)
      expect(plain).toMatch(/^HTTP\/1\.1 403/)
    } finally {
      await proxy.close()
    }
    expect(decoy.hits()).toBe(0)
    expect(own!.hits()).toBe(0)
    expect(await record({ host: 'localhost', method: 'CONNECT' })).toMatchObject({
      decision: 'blocked',
      rule: 'denied-address',
      reason: expect.stringMatching(/^it resolves to (127\.0\.0\.1|::1) \(loopback\)$/)
    })
    expect(await record({ host: '127.0.0.1', method: 'CONNECT' })).toMatchObject({ rule: 'denied-address', reason: 'it resolves to 127.0.0.1 (loopback)' })
    expect(await record({ host: '::ffff:7f00:1', method: 'CONNECT' })).toMatchObject({
      rule: 'denied-address',
      reason: 'it resolves to ::ffff:7f00:1 (loopback)'
    })
    expect(await record({ host: '169.254.169.254' })).toMatchObject({ rule: 'denied-address', reason: 'it resolves to 169.254.169.254 (link-local)' })
    expect(await record({ host: '0.0.0.0' })).toMatchObject({ rule: 'denied-address', reason: 'it resolves to 0.0.0.0 (unspecified)' })
    expect(await record({ host: ownAddress })).toMatchObject({ rule: 'denied-address', reason: `it resolves to ${ownAddress} (the runner's own address)` })
    expect(await record({ host: '64:ff9b::7f00:1' })).toMatchObject({
      rule: 'denied-address',
      reason: 'it resolves to 64:ff9b::7f00:1 (NAT64 for 127.0.0.1: loopback)'
    })
    expect(await record({ host: 'localhost', method: 'GET' })).toMatchObject({ rule: 'denied-address' })
  })

  it('refuses the networks given as deniedCidrs, and lets an address through that allowed-hosts lists', async () => {
    const proxy = await startEgressProxy({
      policy: parseEgressPolicy('allowlist', `127.0.0.0/8, localhost:${decoy.port}`, ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'cidr.jsonl'),
      deniedCidrs: ['127.0.0.1/32']
    })
    try {
      // listed: 127.0.0.0/8 lets loopback through (the listing wins over the refusal)
      expect(await raw(proxy.port, `CONNECT localhost:${decoy.port} HTTP/1.1\r\nHost: localhost:${decoy.port}\r\n\r\n`, 'x')).toBe(
        'HTTP/1.1 200 Connection Established\r\n\r\necho:x'
      )
    } finally {
      await proxy.close()
    }
    const denying = await startEgressProxy({
      policy: parseEgressPolicy('open', '', ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'cidr2.jsonl'),
      deniedCidrs: ['192.0.2.0/24', 'fd00:bb::/32']
    })
    try {
      expect(await raw(denying.port, 'CONNECT 192.0.2.77:443 HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 403[\s\S]*denied network 192\.0\.2\.0\/24/)
      expect(await raw(denying.port, 'CONNECT [fd00:bb:1::9]:443 HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 403[\s\S]*denied network fd00:bb::\/32/)
    } finally {
      await denying.close()
    }
    await expect(
      startEgressProxy({ policy: parseEgressPolicy('open', '', ''), bindHost: '127.0.0.1', logFile: path.join(dir, 'x.jsonl'), deniedCidrs: ['172.18.0.0/99'] })
    ).rejects.toThrow("deniedCidrs: '172.18.0.0/99' is not an IP network")
  })

  it('resolves a name once and dials the address it vetted (DNS rebinding cannot switch it)', async () => {
    const rebound = await tcpDecoy('127.0.0.3')
    const answers = ['127.0.0.1', '127.0.0.3'] // the second answer is the one a rebinding server would give
    let calls = 0
    const lookup = jest.spyOn(dns.promises, 'lookup').mockImplementation((async (host: string) => {
      if (host !== 'rebind.test') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
      return [{ address: answers[Math.min(calls++, 1)]!, family: 4 }]
    }) as never)
    const proxy = await startEgressProxy({
      policy: parseEgressPolicy('allowlist', `rebind.test:${decoy.port}, 127.0.0.1`, ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'rebind.jsonl')
    })
    try {
      rebound.server.close()
      await new Promise<void>(r => rebound.server.listen(decoy.port, '127.0.0.3', () => r()))
      const out = await raw(proxy.port, `CONNECT rebind.test:${decoy.port} HTTP/1.1\r\nHost: rebind.test:${decoy.port}\r\n\r\n`, 'one')
      expect(out).toBe('HTTP/1.1 200 Connection Established\r\n\r\necho:one')
      expect(calls).toBe(1)
      expect(rebound.hits()).toBe(0)
    } finally {
      lookup.mockRestore()
      await proxy.close()
      rebound.server.close()
    }
  })
})

describe('egress proxy credentials (the per-run secret)', () => {
  const logFile = path.join(dir, 'auth.jsonl')
  const record = logOf(logFile)
  const secret = 'per-run-secret-0123456789abcdef'
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
  let web: http.Server
  let webPort = 0
  let proxy: EgressProxy
  let hits = 0
  beforeAll(async () => {
    web = http.createServer((req, res) => {
      hits++
      res.end(`proxy-auth=${req.headers['proxy-authorization'] ?? 'none'}`)
    })
    await new Promise<void>(r => web.listen(0, '127.0.0.1', () => r()))
    webPort = (web.address() as net.AddressInfo).port
    proxy = await startEgressProxy({ policy: parseEgressPolicy('allowlist', `127.0.0.1:${webPort}`, ''), bindHost: '127.0.0.1', logFile, secret })
  })
  afterAll(async () => {
    await proxy.close()
    web.close()
  })

  it('answers 407 with a Basic challenge to a request without the secret, or with a wrong one, and logs it without the secret', async () => {
    const t = `127.0.0.1:${webPort}`
    for (const auth of [
      '',
      `Proxy-Authorization: ${basic('bottle', 'guess')}\r\n`,
      `Proxy-Authorization: ${basic('bottle', `${secret}x`)}\r\n`,
      `Proxy-Authorization: Bearer ${secret}\r\n`
    ]) {
      expect(await raw(proxy.port, `CONNECT ${t} HTTP/1.1\r\nHost: ${t}\r\n${auth}\r\n`)).toMatch(
        /^HTTP\/1\.1 407 Proxy Authentication Required\r\n[\s\S]*proxy-authenticate: Basic realm="bot-bottle"/
      )
      expect(await raw(proxy.port, `GET http://${t}/ HTTP/1.1\r\nHost: ${t}\r\n${auth}Connection: close\r\n\r\n`)).toMatch(
        /^HTTP\/1\.1 407 Proxy Authentication Required\r\n[\s\S]*proxy-authenticate: Basic realm="bot-bottle"/i
      )
    }
    expect(hits).toBe(0)
    expect(await record({ method: 'CONNECT', rule: 'proxy-auth' })).toMatchObject({ decision: 'blocked', host: '127.0.0.1' })
    expect(await record({ method: 'GET', rule: 'proxy-auth' })).toMatchObject({ decision: 'blocked' })
    expect(fs.readFileSync(logFile, 'utf8')).not.toContain(secret)
  })

  it('lets the secret through (any user name), and never forwards it', async () => {
    const t = `127.0.0.1:${webPort}`
    const out = await raw(proxy.port, `GET http://${t}/ HTTP/1.1\r\nHost: ${t}\r\nProxy-Authorization: ${basic('bottle', secret)}\r\nConnection: close\r\n\r\n`)
    expect(out).toMatch(/^HTTP\/1\.1 200/)
    expect(out).toContain('proxy-auth=none')
    const tunnel = await raw(
      proxy.port,
      `CONNECT ${t} HTTP/1.1\r\nHost: ${t}\r\nProxy-Authorization: ${basic('anyone', secret)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${t}\r\nConnection: close\r\n\r\n`
    )
    expect(tunnel).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*proxy-auth=none$/)
  })
})

describe('egress proxy TLS server name (domain fronting)', () => {
  const logFile = path.join(dir, 'sni.jsonl')
  const record = logOf(logFile)
  const ca = makeTestCa()
  let tlsDecoy: tls.Server
  let hits = 0
  let proxy: EgressProxy
  let lookup: ReturnType<typeof jest.spyOn>
  // a TLS server on 127.0.0.44:443 (a loopback address of its own), allowed by listing it
  beforeAll(async () => {
    tlsDecoy = tls.createServer({ cert: ca.cert, key: ca.key }, s => {
      hits++
      s.end('tls decoy\n')
    })
    await new Promise<void>(r => tlsDecoy.listen(443, '127.0.0.44', () => r()))
    lookup = jest.spyOn(dns.promises, 'lookup').mockImplementation((async (host: string) => {
      if (host === 'localhost' || host === 'front.test') return [{ address: '127.0.0.44', family: 4 }]
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    }) as never)
    proxy = await startEgressProxy({ policy: parseEgressPolicy('allowlist', 'localhost, front.test, 127.0.0.44', ''), bindHost: '127.0.0.1', logFile })
  })
  afterAll(async () => {
    lookup.mockRestore()
    await proxy.close()
    tlsDecoy.close()
  })

  /** CONNECT, then a real TLS handshake with `servername` through the tunnel. */
  function tlsThrough(authority: string, servername: string | undefined): Promise<{ connect: string; tls: string }> {
    return new Promise(resolve => {
      const s = net.connect(proxy.port, '127.0.0.1', () => s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`))
      s.once('data', d => {
        const connect = d.toString().split('\r\n')[0]!
        if (!connect.includes(' 200 ')) return resolve({ connect, tls: '' })
        const t = tls.connect({ socket: s, servername, ca: ca.ca, checkServerIdentity: () => undefined })
        let got = ''
        t.on('data', c => (got += c))
        t.on('error', e => resolve({ connect, tls: `error: ${e.message}` }))
        t.on('end', () => resolve({ connect, tls: got }))
      })
      setTimeout(() => s.destroy(), 4000).unref()
    })
  }

  it('refuses a tunnel whose ClientHello names another host, before dialling, and logs it', async () => {
    const r = await tlsThrough('localhost:443', 'front.test')
    expect(r.connect).toBe('HTTP/1.1 200 Connection Established')
    expect(r.tls).toMatch(/^error: .*(unrecognized name|alert number 112)/i)
    expect(hits).toBe(0)
    expect(await record({ host: 'localhost', rule: 'sni-mismatch' })).toMatchObject({
      decision: 'blocked',
      method: 'CONNECT',
      reason: 'SNI "front.test" differs from the CONNECT host'
    })
  })

  it('refuses a ClientHello without SNI to a name, and bytes that are not TLS', async () => {
    const r = await tlsThrough('localhost:443', '')
    expect(r.tls).toMatch(/^error: /)
    const notTls = await raw(proxy.port, 'CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n', 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(notTls.startsWith('HTTP/1.1 200 Connection Established\r\n\r\n\x15\x03\x03')).toBe(true)
    expect(hits).toBe(0)
    expect(await record({ host: 'localhost', rule: 'no-sni' })).toMatchObject({ decision: 'blocked' })
    expect(await record({ host: 'localhost', rule: 'not-tls' })).toMatchObject({ decision: 'blocked' })
  })

  it('passes a matching SNI, and no SNI to a listed IP literal', async () => {
    expect(await tlsThrough('front.test:443', 'front.test')).toEqual({ connect: 'HTTP/1.1 200 Connection Established', tls: 'tls decoy\n' })
    expect(await tlsThrough('127.0.0.44:443', undefined)).toEqual({ connect: 'HTTP/1.1 200 Connection Established', tls: 'tls decoy\n' })
    expect(hits).toBe(2)
    expect(await record({ host: 'front.test', decision: 'allowed' })).toMatchObject({ rule: 'front.test', address: '127.0.0.44' })
  })
})

describe('egress proxy close (the teardown)', () => {
  /** An upstream that accepts and never answers, as the issue's allowed host did; it records when each of its connections ends. */
  async function silentUpstream() {
    const sockets: net.Socket[] = []
    const ended: net.Socket[] = []
    const server = net.createServer(s => {
      sockets.push(s)
      s.on('error', () => undefined)
      s.on('close', () => ended.push(s))
      s.resume() // reads, never writes, never closes
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
    return { server, port: (server.address() as net.AddressInfo).port, sockets, ended }
  }
  /** `p`'s outcome, or 'still waiting' after `ms` (so a close() that hangs fails the test instead of timing it out). */
  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([p.then(() => 'settled' as const), new Promise<'still waiting'>(r => setTimeout(() => r('still waiting'), ms).unref())])

  it('ends every tunnel on both sides and stops within a second, though the guest holds them open to an upstream that never answers', async () => {
    const up = await silentUpstream()
    const t = `127.0.0.1:${up.port}`
    const proxy = await startEgressProxy({ policy: parseEgressPolicy('allowlist', t, ''), bindHost: '127.0.0.1', logFile: path.join(dir, 'close.jsonl') })
    const guests: net.Socket[] = []
    const guestClosed: boolean[] = []
    /** a guest connection that writes `first`, then (with halfClose) ends its side as a finished curl does */
    const open = (first: string, halfClose: boolean) =>
      new Promise<void>(resolve => {
        const s = net.connect(proxy.port, '127.0.0.1', () => s.write(first))
        const i = guests.push(s) - 1
        s.on('error', () => undefined)
        s.on('close', () => (guestClosed[i] = true))
        s.once('data', () => {
          if (halfClose) s.end()
          resolve()
        })
        if (!first.startsWith('CONNECT')) resolve()
      })
    try {
      await open(`CONNECT ${t} HTTP/1.1\r\nHost: ${t}\r\n\r\n`, false)
      await open(`CONNECT ${t} HTTP/1.1\r\nHost: ${t}\r\n\r\n`, true)
      await open(`GET http://${t}/slow HTTP/1.1\r\nHost: ${t}\r\n\r\n`, false)
      for (const started = Date.now(); up.sockets.length < 3 && Date.now() - started < 3000; ) await new Promise(r => setTimeout(r, 20))
      expect(up.sockets.length).toBe(3)
      guests[0]!.write('still here')

      expect(await within(proxy.close(), 1000)).toBe('settled')
      for (const started = Date.now(); up.ended.length < 3 && Date.now() - started < 1000; ) await new Promise(r => setTimeout(r, 20))
      expect(up.ended.length).toBe(3) // the upstream side of each
      expect(guestClosed).toEqual([true, true, true]) // and the guest's
    } finally {
      for (const s of [...guests, ...up.sockets]) s.destroy()
      up.server.close()
      await proxy.close()
    }
  })
})

describe('egress proxy: a tunnel to port 80 carries requests for its own host only', () => {
  const logFile = path.join(dir, 'tunnel80.jsonl')
  const record = logOf(logFile)
  // a shared front on port 80 of a loopback address of its own: it answers whichever site the Host header names
  const front = `127.0.80.${10 + (process.pid % 200)}`
  const seen: string[] = []
  let server: http.Server
  let proxy: EgressProxy
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`)
      res.end(`site ${req.headers.host} says hi to ${req.url}`)
    })
    await new Promise<void>(r => server.listen(80, front, () => r()))
    proxy = await startEgressProxy({ policy: parseEgressPolicy('allowlist', front, ''), bindHost: '127.0.0.1', logFile })
  })
  afterAll(async () => {
    await proxy.close()
    server.close()
  })
  beforeEach(() => {
    seen.length = 0
  })
  const connect = `CONNECT ${front}:80 HTTP/1.1\r\nHost: ${front}:80\r\n\r\n`

  it('serves a request whose Host is the tunnel’s host, and the next one on the same connection', async () => {
    const out = await raw(proxy.port, connect, `GET /a HTTP/1.1\r\nHost: ${front}\r\n\r\nGET /b?x=1 HTTP/1.1\r\nHost: ${front}:80\r\nConnection: close\r\n\r\n`)
    expect(out).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
    expect(out).toContain(`site ${front} says hi to /a`)
    expect(out).toContain(`site ${front}:80 says hi to /b?x=1`)
    expect(seen).toEqual([`GET /a host=${front}`, `GET /b?x=1 host=${front}:80`])
    expect(await record({ host: front, method: 'CONNECT', decision: 'allowed' })).toMatchObject({ port: 80, rule: front, address: front })
  })

  it('refuses a request for another site (Host header) and closes the tunnel: the front never sees it', async () => {
    const out = await raw(proxy.port, connect, 'GET / HTTP/1.1\r\nHost: other-site.example\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 403 Forbidden\r\n/)
    expect(out).toContain(`the request's target and its Host header disagree (Host "other-site.example" in a tunnel to ${front}:80)`)
    expect(seen).toEqual([])
    expect(await record({ host: front, method: 'GET', decision: 'blocked' })).toMatchObject({
      port: 80,
      rule: 'host-mismatch',
      reason: `Host "other-site.example" in a tunnel to ${front}:80`
    })
  })

  it('refuses the smuggled second request on a kept-alive tunnel, after serving the first', async () => {
    const out = await raw(proxy.port, connect, `GET /ok HTTP/1.1\r\nHost: ${front}\r\n\r\nGET /tenant HTTP/1.1\r\nHost: other-site.example\r\n\r\n`)
    expect(out).toContain(`site ${front} says hi to /ok`)
    expect(out).toMatch(/HTTP\/1\.1 403 Forbidden[\s\S]*Host "other-site\.example"/)
    expect(seen).toEqual([`GET /ok host=${front}`])
  })

  it('refuses an absolute target naming another site, whatever the Host header says', async () => {
    const out = await raw(proxy.port, connect, `GET http://other-site.example/ HTTP/1.1\r\nHost: ${front}\r\n\r\n`)
    expect(out).toMatch(/HTTP\/1\.1 403 Forbidden[\s\S]*target "http:\/\/other-site\.example\/" in a tunnel to/)
    const same = await raw(proxy.port, connect, `GET http://${front}/abs HTTP/1.1\r\nHost: ${front}\r\nConnection: close\r\n\r\n`)
    expect(same).toContain(`site ${front} says hi to /abs`)
    expect(seen).toEqual([`GET /abs host=${front}`])
  })

  it('forwards one Host only, the one it judged, when a request carries two', async () => {
    const out = await raw(proxy.port, connect, `GET /two HTTP/1.1\r\nHost: ${front}\r\nHost: other-site.example\r\nConnection: close\r\n\r\n`)
    expect(out).toContain(`site ${front} says hi to /two`)
    expect(seen).toEqual([`GET /two host=${front}`])
  })

  it('reads a request sent in the same packet as the CONNECT', async () => {
    const out = await raw(proxy.port, `${connect}GET /early HTTP/1.1\r\nHost: ${front}\r\nConnection: close\r\n\r\n`)
    expect(out).toContain(`site ${front} says hi to /early`)
  })

  it('ends a tunnel whose bytes are not HTTP/1.x, and says why', async () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]).toString('latin1')
    const out = await raw(proxy.port, connect, hello)
    expect(out).toMatch(/HTTP\/1\.1 400 Bad Request[\s\S]*does not carry HTTP\/1\.x/)
    expect(seen).toEqual([])
    expect(await record({ host: front, rule: 'not-http' })).toMatchObject({ decision: 'blocked', method: 'CONNECT' })
  })
})
