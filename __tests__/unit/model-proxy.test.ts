import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { makePlaceholder, startModelProxy, type ModelProxy } from '../../src/proxy/model-proxy.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { makeTestCa } from '../../test/harness/test-ca.mjs'
import https from 'node:https'

const REAL_KEY = 'sk-ant-api03-real-key-for-tests'

function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async r => ({ status: r.status, text: await r.text() }))
}

describe('model proxy', () => {
  let api: Awaited<ReturnType<typeof startAnthropicDouble>>
  let proxy: ModelProxy
  const placeholder = makePlaceholder()

  beforeAll(async () => {
    api = await startAnthropicDouble({ turns: [{ text: 'hi there' }] }, { expectedKey: REAL_KEY })
    proxy = await startModelProxy({ upstream: api.url, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1' })
  })
  afterAll(async () => {
    await proxy.close()
    await api.close()
  })

  it('swaps the placeholder for the real key and streams the SSE answer back', async () => {
    const r = await post(`http://127.0.0.1:${proxy.port}/v1/messages?beta=true`, { 'x-api-key': placeholder }, { model: 'm', stream: true, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'hi' }] })
    expect(r.status).toBe(200)
    expect(r.text).toContain('event: message_start')
    expect(r.text).toContain('hi there')
    const last = api.requests.at(-1)!
    expect(last.headers['x-api-key']).toBe(REAL_KEY)
    expect(last.path).toBe('/v1/messages?beta=true')
    expect(JSON.stringify(last.headers)).not.toContain(placeholder)
  })

  it('refuses requests without the placeholder, and never forwards them', async () => {
    const before = api.requests.length
    const attempts: Record<string, string>[] = [{}, { 'x-api-key': 'guess' }, { 'x-api-key': REAL_KEY }, { authorization: `Bearer ${placeholder}` }]
    for (const headers of attempts) {
      const r = await post(`http://127.0.0.1:${proxy.port}/v1/messages`, headers, { messages: [] })
      expect(r.status).toBe(401)
      expect(JSON.parse(r.text)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } })
    }
    expect(api.requests.length).toBe(before)
    expect(proxy.stats.refused).toBe(4)
  })

  it('answers 502 when the upstream is unreachable', async () => {
    const dead = http.createServer()
    await new Promise<void>(r => dead.listen(0, '127.0.0.1', () => r()))
    const port = (dead.address() as AddressInfo).port
    await new Promise(r => dead.close(r))
    const p = await startModelProxy({ upstream: `http://127.0.0.1:${port}`, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1' })
    try {
      const r = await post(`http://127.0.0.1:${p.port}/v1/messages`, { 'x-api-key': placeholder }, {})
      expect(r.status).toBe(502)
      expect(r.text).toMatch(/upstream .* unreachable/)
      expect(r.text).not.toContain(REAL_KEY)
    } finally {
      await p.close()
    }
  })
})

describe('model proxy with an OAuth token and a gateway path', () => {
  it('sends the token as a bearer to the upstream path prefix', async () => {
    const seen: http.IncomingHttpHeaders[] = []
    const paths: string[] = []
    const up = http.createServer((req, res) => {
      seen.push(req.headers)
      paths.push(req.url ?? '')
      req.resume()
      req.on('end', () => res.end('{}'))
    })
    await new Promise<void>(r => up.listen(0, '127.0.0.1', () => r()))
    const placeholder = makePlaceholder()
    const p = await startModelProxy({ upstream: `http://127.0.0.1:${(up.address() as AddressInfo).port}/gateway/anthropic`, credential: { kind: 'oauth-token', value: 'sk-ant-oat01-real' }, placeholder, bindHost: '127.0.0.1' })
    try {
      const r = await post(`http://127.0.0.1:${p.port}/v1/messages`, { authorization: `Bearer ${placeholder}`, 'anthropic-beta': 'oauth-2025-04-20' }, {})
      expect(r.status).toBe(200)
      expect(seen[0]!['authorization']).toBe('Bearer sk-ant-oat01-real')
      expect(seen[0]!['x-api-key']).toBeUndefined()
      expect(seen[0]!['anthropic-beta']).toBe('oauth-2025-04-20')
      expect(paths[0]).toBe('/gateway/anthropic/v1/messages')
    } finally {
      await p.close()
      await new Promise(r => up.close(r))
    }
  })
})

describe('model proxy streaming', () => {
  it('passes each SSE event through as it arrives, without waiting for the end', async () => {
    let release!: () => void
    const released = new Promise<void>(r => (release = r))
    const up = http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: message_start\ndata: {}\n\n')
      void released.then(() => res.end('event: message_stop\ndata: {}\n\n'))
    })
    await new Promise<void>(r => up.listen(0, '127.0.0.1', () => r()))
    const placeholder = makePlaceholder()
    const p = await startModelProxy({ upstream: `http://127.0.0.1:${(up.address() as AddressInfo).port}`, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1' })
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/v1/messages`, { method: 'POST', headers: { 'x-api-key': placeholder }, body: '{}' })
      const reader = res.body!.getReader()
      const first = await reader.read() // arrives while the upstream still holds the stream open
      expect(new TextDecoder().decode(first.value)).toContain('message_start')
      release()
      let rest = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        rest += new TextDecoder().decode(value)
      }
      expect(rest).toContain('message_stop')
    } finally {
      release()
      await p.close()
      await new Promise(r => up.close(r))
    }
  })
})

describe('model proxy upstream TLS', () => {
  it('refuses an upstream signed by an unknown CA, naming the input; trusts it once given in ca-certificates', async () => {
    const ca = makeTestCa()
    const upstream = https.createServer({ cert: ca.cert, key: ca.key }, (_q, res) => res.end('{"ok":true}'))
    await new Promise<void>(r => upstream.listen(0, '127.0.0.1', () => r()))
    const url = `https://localhost:${(upstream.address() as AddressInfo).port}`
    const placeholder = makePlaceholder()
    const credential = { kind: 'api-key' as const, value: REAL_KEY }
    const untrusting = await startModelProxy({ upstream: url, credential, placeholder, bindHost: '127.0.0.1' })
    const trusting = await startModelProxy({ upstream: url, credential, placeholder, bindHost: '127.0.0.1', ca: [ca.ca] })
    try {
      const refused = await post(`http://127.0.0.1:${untrusting.port}/v1/messages`, { 'x-api-key': placeholder }, {})
      expect(refused.status).toBe(502)
      expect(refused.text).toMatch(/unreachable \((unable to verify the first certificate|self[- ]signed certificate in certificate chain)\); if it uses a private CA, give that CA in the `ca-certificates` input/)
      const ok = await post(`http://127.0.0.1:${trusting.port}/v1/messages`, { 'x-api-key': placeholder }, {})
      expect(ok).toEqual({ status: 200, text: '{"ok":true}' })
    } finally {
      await untrusting.close()
      await trusting.close()
      upstream.close()
    }
  })
})
