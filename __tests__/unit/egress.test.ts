import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startEgressProxy, type EgressProxy } from '../../src/proxy/egress-proxy.js'
import { matchRule, parseEgressPolicy, PRESETS } from '../../src/proxy/egress-rules.js'

describe('egress rules', () => {
  const p = parseEgressPolicy('allowlist', 'api.github.com, *.npmjs.org\n10.1.2.3\n[::1]', 'pypi')
  it.each([
    ['api.github.com', 'api.github.com'],
    ['API.GitHub.com.', 'api.github.com'],
    ['github.com', undefined],
    ['registry.npmjs.org', '*.npmjs.org'],
    ['a.b.npmjs.org', '*.npmjs.org'],
    ['npmjs.org', undefined], // the apex is not matched by its wildcard
    ['evilnpmjs.org', undefined],
    ['pypi.org', 'pypi.org'],
    ['10.1.2.3', '10.1.2.3'],
    ['10.1.2.4', undefined], // IP literals only by an identical rule
    ['::1', '::1']
  ])('%s → %s', (host, rule) => {
    expect(matchRule(p, host)).toBe(rule)
  })
  it('none blocks everything; open allows everything', () => {
    expect(matchRule(parseEgressPolicy('none', 'a.com', ''), 'a.com')).toBeUndefined()
    expect(matchRule(parseEgressPolicy('open', '', ''), 'anything.example')).toBe('egress: open')
  })
  it('has the documented presets', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['github', 'npm', 'pypi'])
    expect(parseEgressPolicy('allowlist', '', 'github,npm').rules).toEqual(expect.arrayContaining(['github.com', 'registry.npmjs.org']))
  })
  it.each([
    ['bogus', '', '', /Input 'egress': invalid value \(got 'bogus'\)/],
    ['allowlist', 'https://x.com', '', /Input 'allowed-hosts': 'https:\/\/x\.com' is not a host name/],
    ['allowlist', 'x.com:443', '', /Input 'allowed-hosts'/],
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

describe('egress proxy (loopback decoys)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-egress-'))
  const logFile = path.join(dir, 'egress.jsonl')
  let decoy: net.Server
  let web: http.Server
  let proxy: EgressProxy
  let decoyPort = 0
  let webPort = 0
  beforeAll(async () => {
    decoy = net.createServer(s => s.on('data', d => s.end(`echo:${d}`)))
    await new Promise<void>(r => decoy.listen(0, '127.0.0.1', () => r()))
    decoyPort = (decoy.address() as net.AddressInfo).port
    web = http.createServer((req, res) => res.end(`web saw ${req.method} ${req.url} host=${req.headers.host}`))
    await new Promise<void>(r => web.listen(0, '127.0.0.1', () => r()))
    webPort = (web.address() as net.AddressInfo).port
    proxy = await startEgressProxy({ policy: parseEgressPolicy('allowlist', 'localhost', ''), bindHost: '127.0.0.1', logFile })
  })
  afterAll(async () => {
    await proxy.close()
    decoy.close()
    web.close()
  })
  const lines = () => fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
  /** The log is written asynchronously (a tunnel is logged when it closes): wait for a record, at most 3 s. */
  async function record(match: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (const started = Date.now(); Date.now() - started < 3000; await new Promise(r => setTimeout(r, 20))) {
      const found = (fs.existsSync(logFile) ? lines() : []).find(l => Object.entries(match).every(([k, v]) => l[k] === v))
      if (found) return found
    }
    throw new Error(`no egress record like ${JSON.stringify(match)} in ${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '(no log)'}`)
  }

  it('tunnels CONNECT to an allowed host and logs bytes both ways', async () => {
    const out = await raw(proxy.port, `CONNECT localhost:${decoyPort} HTTP/1.1\r\nHost: localhost:${decoyPort}\r\n\r\n`, 'ping')
    expect(out).toBe('HTTP/1.1 200 Connection Established\r\n\r\necho:ping')
    expect(await record({ method: 'CONNECT', decision: 'allowed' })).toMatchObject({ host: 'localhost', port: decoyPort, rule: 'localhost', bytes_up: 4, bytes_down: 9 })
  })

  it('refuses CONNECT to a host not allowed, before connecting, saying how to allow it', async () => {
    const out = await raw(proxy.port, 'CONNECT blocked.example:443 HTTP/1.1\r\nHost: blocked.example:443\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 403 Forbidden/)
    expect(out).toContain('blocked blocked.example: it is not in the allow-list. To allow it, add it to the `allowed-hosts` input')
    expect(await record({ host: 'blocked.example', method: 'CONNECT' })).toMatchObject({ decision: 'blocked', rule: 'not-allowed', bytes_up: 0 })
  })

  it('refuses an IP literal that no rule names, and a CONNECT whose Host header disagrees', async () => {
    expect(await raw(proxy.port, `CONNECT 127.0.0.1:${decoyPort} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 403/)
    expect(await raw(proxy.port, `CONNECT localhost:${decoyPort} HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`)).toMatch(/^HTTP\/1\.1 403[\s\S]*target and its Host header disagree/)
    expect(await record({ host: '127.0.0.1', method: 'CONNECT' })).toMatchObject({ decision: 'blocked', rule: 'not-allowed' })
    expect(await record({ host: 'localhost', method: 'CONNECT', rule: 'host-mismatch' })).toMatchObject({ decision: 'blocked' })
  })

  it('forwards plain HTTP to an allowed host, and refuses a Host header that differs from the URI', async () => {
    const ok = await raw(proxy.port, `GET http://localhost:${webPort}/x?y=1 HTTP/1.1\r\nHost: localhost:${webPort}\r\nConnection: close\r\n\r\n`)
    expect(ok).toMatch(/^HTTP\/1\.1 200/)
    expect(ok).toContain(`web saw GET /x?y=1 host=localhost:${webPort}`)
    const bad = await raw(proxy.port, `GET http://localhost:${webPort}/ HTTP/1.1\r\nHost: blocked.example\r\nConnection: close\r\n\r\n`)
    expect(bad).toMatch(/^HTTP\/1\.1 403/)
    expect(await record({ method: 'GET', decision: 'allowed' })).toMatchObject({ host: 'localhost', rule: 'localhost' })
    expect(await record({ method: 'GET', decision: 'blocked' })).toMatchObject({ host: 'localhost', rule: 'host-mismatch' })
  })

  it('sums it up in one line', () => {
    expect(proxy.summary()).toMatch(/^egress: 2 allowed, 4 blocked; most blocked: /)
  })
})
