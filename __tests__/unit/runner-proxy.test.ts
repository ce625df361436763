/**
 * The host-side daemons honour the runner's own proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY) for
 * their upstreams: the egress proxy's tunnels and forwards, the model proxy and the git gate.
 * Against a loopback corporate-proxy double that records what it carried.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startEgressProxy } from '../../src/proxy/egress-proxy.js'
import { parseEgressPolicy } from '../../src/config/egress-policy.js'
import { makePlaceholder, startModelProxy } from '../../src/proxy/model-proxy.js'
import { parseRunnerProxy, proxyFor } from '../../src/util/runner-proxy.js'
import { startCorporateProxy } from '../../test/harness/corporate-proxy-double.mjs'

describe('runner proxy settings', () => {
  const rp = parseRunnerProxy({
    httpsProxy: 'corp.example:3128',
    httpProxy: 'http://plain.example:8080',
    noProxy: '.internal.example, localhost:8443,10.0.0.7, *.svc'
  })
  it.each([
    ['api.anthropic.com', 443, true, 'http://corp.example:3128/'],
    ['api.anthropic.com', 80, false, 'http://plain.example:8080/'],
    ['git.internal.example', 443, true, undefined], // suffix of a NO_PROXY entry
    ['internal.example', 443, true, undefined],
    ['notinternal.example', 443, true, 'http://corp.example:3128/'],
    ['localhost', 8443, true, undefined], // entry with a port matches that port only
    ['localhost', 443, true, 'http://corp.example:3128/'],
    ['10.0.0.7', 443, true, undefined],
    ['10.0.0.70', 443, true, 'http://corp.example:3128/'],
    ['a.svc', 443, true, undefined]
  ])('%s:%d (tls %s) → %s', (host, port, secure, expected) => {
    expect(proxyFor(rp, host, port, secure)?.href).toBe(expected)
  })
  it('matches NO_PROXY with the same host normalisation as the egress rules (case, trailing dot, IDNA, odd IPv4, IPv6)', () => {
    const np = parseRunnerProxy({ httpsProxy: 'http://corp.example:3128', noProxy: 'BÜCHER.example, 127.0.0.1, [::1]:8443, ::2' })
    for (const [host, port] of [
      ['xn--bcher-kva.example', 443],
      ['Mirror.Bücher.Example.', 443],
      ['0x7f.1', 443],
      ['2130706433', 443],
      ['127.1', 443],
      ['[::1]', 8443],
      ['::2', 443],
      ['[0:0::2]', 443]
    ] as const) {
      expect({ host, port, via: proxyFor(np, host, port, true)?.href }).toEqual({ host, port, via: undefined })
    }
    expect(proxyFor(np, '::1', 443, true)?.href).toBe('http://corp.example:3128/')
  })
  it("'*' exempts everything, and no proxy set means direct", () => {
    expect(proxyFor(parseRunnerProxy({ httpsProxy: 'http://p:1', noProxy: '*' }), 'x.example', 443, true)).toBeUndefined()
    expect(proxyFor(parseRunnerProxy({}), 'x.example', 443, true)).toBeUndefined()
  })
})

describe('upstream through the runner proxy', () => {
  let target: http.Server
  let targetPort = 0
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-proxy-'))
  beforeAll(async () => {
    target = http.createServer((req, res) => res.end(`target ${req.method} ${req.url} key=${req.headers['x-api-key'] ?? ''}`))
    await new Promise<void>(r => target.listen(0, '127.0.0.1', () => r()))
    targetPort = (target.address() as AddressInfo).port
  })
  afterAll(() => {
    target.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  function connectThrough(proxyPort: number, authority: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(proxyPort, '127.0.0.1', () => s.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`))
      let buf = ''
      s.on('data', c => {
        buf += c.toString()
        if (buf.includes('\r\n\r\n') && !buf.includes('GET')) {
          if (!buf.startsWith('HTTP/1.1 200')) return // a refusal: read it to the end
          s.write(`GET /via-tunnel HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\nGET`)
        }
      })
      s.on('end', () => resolve(buf))
      s.on('error', reject)
    })
  }

  it('egress: CONNECT and plain HTTP go through the corporate proxy unless NO_PROXY exempts the host', async () => {
    const corp = await startCorporateProxy({ credentials: 'runner:s3cret' })
    // 127.0.0.1 is listed so that the direct (NO_PROXY) route may reach loopback
    const policy = parseEgressPolicy('allowlist', `localhost:${targetPort}, 127.0.0.1:${targetPort}`, '')
    const via = await startEgressProxy({
      policy,
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'e1.jsonl'),
      runnerProxy: parseRunnerProxy({ httpsProxy: corp.url, httpProxy: corp.url, noProxy: '127.0.0.1' })
    })
    try {
      expect(await connectThrough(via.port, `localhost:${targetPort}`)).toContain('target GET /via-tunnel')
      const plain = await fetchVia(via.port, `http://localhost:${targetPort}/plain`)
      expect(plain).toBe('target GET /plain key=')
      expect(await connectThrough(via.port, `127.0.0.1:${targetPort}`)).toContain('target GET /via-tunnel') // exempt: direct
      expect(corp.seen).toEqual([
        { method: 'CONNECT', target: `localhost:${targetPort}`, authorized: true },
        { method: 'GET', target: `http://localhost:${targetPort}/plain`, authorized: true }
      ])
    } finally {
      await via.close()
      await corp.close()
    }
  })

  it('egress: a corporate proxy that refuses shows up as a 502 naming it', async () => {
    const corp = await startCorporateProxy({ refuse: true })
    const via = await startEgressProxy({
      policy: parseEgressPolicy('allowlist', `localhost:${targetPort}`, ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'e2.jsonl'),
      runnerProxy: parseRunnerProxy({ httpsProxy: corp.url })
    })
    try {
      const answer = await connectThrough(via.port, `localhost:${targetPort}`)
      expect(answer).toMatch(/^HTTP\/1.1 502 Bad Gateway\r\n/)
      expect(answer).toContain(`unreachable (the runner's proxy 127.0.0.1:${new URL(corp.url).port} answered 403 to CONNECT localhost:${targetPort})`)
    } finally {
      await via.close()
      await corp.close()
    }
    const [d] = fs
      .readFileSync(path.join(dir, 'e2.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    expect(d).toMatchObject({ host: 'localhost', decision: 'allowed', bytes_down: 0 })
  })

  it('egress: through the corporate proxy a name is not vetted here (that proxy resolves it), an IP literal is', async () => {
    const corp = await startCorporateProxy()
    const via = await startEgressProxy({
      policy: parseEgressPolicy('open', '', ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'e3.jsonl'),
      runnerProxy: parseRunnerProxy({ httpsProxy: corp.url })
    })
    try {
      expect(await connectThrough(via.port, `localhost:${targetPort}`)).toContain('target GET /via-tunnel') // the corporate proxy's own loopback
      expect(await connectThrough(via.port, `127.0.0.1:${targetPort}`)).toMatch(/^HTTP\/1\.1 403[\s\S]*127\.0\.0\.1 \(loopback\)/)
      expect(await connectThrough(via.port, `0x7f.1:${targetPort}`)).toMatch(/^HTTP\/1\.1 403/)
      expect(corp.seen).toEqual([{ method: 'CONNECT', target: `localhost:${targetPort}`, authorized: true }])
    } finally {
      await via.close()
      await corp.close()
    }
  })

  it('model proxy: the upstream is reached through a CONNECT tunnel of the corporate proxy', async () => {
    const corp = await startCorporateProxy()
    const placeholder = makePlaceholder()
    const proxy = await startModelProxy({
      upstream: `http://localhost:${targetPort}/base`,
      credential: { kind: 'api-key', value: 'sk-real' },
      placeholder,
      bindHost: '127.0.0.1',
      runnerProxy: parseRunnerProxy({ httpProxy: corp.url })
    })
    try {
      const r = await fetch(`http://127.0.0.1:${proxy.port}/v1/messages`, { method: 'POST', headers: { 'x-api-key': placeholder }, body: '{}' })
      expect(await r.text()).toBe('target POST /base/v1/messages key=sk-real')
      expect(corp.seen).toEqual([{ method: 'CONNECT', target: `localhost:${targetPort}`, authorized: true }])
    } finally {
      await proxy.close()
      await corp.close()
    }
  })
})

function fetchVia(proxyPort: number, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    http
      .get({ host: '127.0.0.1', port: proxyPort, path: url, headers: { host: u.host } }, res => {
        let b = ''
        res.on('data', c => (b += c))
        res.on('end', () => resolve(b))
      })
      .on('error', reject)
  })
}
