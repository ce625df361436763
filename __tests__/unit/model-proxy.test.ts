import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import net, { type AddressInfo } from 'node:net'
import { duplicateKey } from '../../src/proxy/json-duplicates.js'
import { makePlaceholder, MAX_REQUEST_BODY, startModelProxy, type ModelProxy } from '../../src/proxy/model-proxy.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { makeTestCa } from '../../test/harness/test-ca.mjs'
import https from 'node:https'

const REAL_KEY = 'sk-ant-api03-real-key-for-tests'

function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body)
  }).then(async r => ({
    status: r.status,
    text: await r.text()
  }))
}

/** Whether anything accepts a TCP connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

describe('model proxy close()', () => {
  it('stops listening and cuts a stream still open (the upstream stalled after its headers), in process', async () => {
    const api = await startAnthropicDouble({ turns: [{ stall: true }] }, { expectedKey: REAL_KEY })
    const placeholder = makePlaceholder()
    const p = await startModelProxy({ upstream: api.url, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1' })
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': placeholder },
        body: JSON.stringify({ model: 'm', stream: true, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'hi' }] })
      })
      expect(res.status).toBe(200) // the headers came through; the body never will
      const body = res.text().then(
        () => 'ended',
        (e: Error) => `cut: ${e.message}`
      )
      expect(await listening(p.port)).toBe(true)
      await p.close() // with the stream open: close() must not wait for it
      expect(await listening(p.port)).toBe(false)
      expect(await body).toMatch(/^cut: /)
    } finally {
      await api.close()
    }
  })
})

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
    const r = await post(
      `http://127.0.0.1:${proxy.port}/v1/messages?beta=true`,
      { 'x-api-key': placeholder },
      { model: 'm', stream: true, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'hi' }] }
    )
    expect(r.status).toBe(200)
    expect(r.text).toContain('event: message_start')
    expect(r.text).toContain('hi there')
    const last = api.requests.at(-1)!
    expect(last.headers['x-api-key']).toBe(REAL_KEY)
    expect(last.path).toBe('/v1/messages?beta=true')
    expect(JSON.stringify(last.headers)).not.toContain(placeholder)
  })

  it('forwards count_tokens with the real key; its count is no usage (nothing was generated)', async () => {
    const before = proxy.usage()
    const r = await post(
      `http://127.0.0.1:${proxy.port}/v1/messages/count_tokens?beta=true`,
      { 'x-api-key': placeholder },
      { model: 'm', messages: [{ role: 'user', content: 'count these words please' }] }
    )
    expect(r.status).toBe(200)
    expect(JSON.parse(r.text)).toEqual({ input_tokens: expect.any(Number) })
    expect(JSON.parse(r.text).input_tokens).toBeGreaterThan(0)
    expect(api.requests.at(-1)).toMatchObject({ path: '/v1/messages/count_tokens?beta=true', headers: { 'x-api-key': REAL_KEY } })
    await new Promise(r => setTimeout(r, 50)) // the usage is taken when the response closes
    expect(proxy.usage()).toEqual({ ...before, requests: before.requests + 1 })
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
    const p = await startModelProxy({
      upstream: `http://127.0.0.1:${port}`,
      credential: { kind: 'api-key', value: REAL_KEY },
      placeholder,
      bindHost: '127.0.0.1'
    })
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

describe('model proxy → the Messages API: what the API requires reaches it', () => {
  // claude's own request (recorded from the binary): its anthropic-version and anthropic-beta headers and body
  const claude = JSON.parse(
    fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'claude-messages-request.json'), 'utf8')
  ) as {
    path: string
    headers: Record<string, string>
    body: Record<string, unknown>
  }
  const cases: { credential: { kind: 'api-key' | 'oauth-token'; value: string }; guestHeader: (p: string) => Record<string, string> }[] = [
    { credential: { kind: 'api-key', value: REAL_KEY }, guestHeader: p => ({ 'x-api-key': p }) },
    { credential: { kind: 'oauth-token', value: 'sk-ant-oat01-real-token' }, guestHeader: p => ({ authorization: `Bearer ${p}` }) }
  ]
  it.each(cases)(
    '$credential.kind: one credential header, anthropic-version, and the OAuth beta for a token; the strict API double answers 200',
    async ({ credential, guestHeader }) => {
      const api = await startAnthropicDouble({ turns: [], respond: () => ({ text: 'answered' }) }, { expectedKey: credential.value })
      const placeholder = makePlaceholder()
      const p = await startModelProxy({ upstream: api.url, credential, placeholder, bindHost: '127.0.0.1' })
      try {
        const r = await post(`http://127.0.0.1:${p.port}${claude.path}`, { ...claude.headers, ...guestHeader(placeholder) }, claude.body)
        expect({ status: r.status, answered: r.text.includes('answered') }).toEqual({ status: 200, answered: true })
        const sent = api.requests[0]!.headers
        expect(sent['anthropic-version']).toBe('2023-06-01')
        expect(String(sent['anthropic-beta']).split(',')).toContain('oauth-2025-04-20')
        expect([sent['x-api-key'], sent['authorization']].filter(h => h !== undefined)).toHaveLength(1)
      } finally {
        await p.close()
        await api.close()
      }
    }
  )
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
    const p = await startModelProxy({
      upstream: `http://127.0.0.1:${(up.address() as AddressInfo).port}/gateway/anthropic`,
      credential: { kind: 'oauth-token', value: 'sk-ant-oat01-real' },
      placeholder,
      bindHost: '127.0.0.1'
    })
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
    const p = await startModelProxy({
      upstream: `http://127.0.0.1:${(up.address() as AddressInfo).port}`,
      credential: { kind: 'api-key', value: REAL_KEY },
      placeholder,
      bindHost: '127.0.0.1'
    })
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
      expect(refused.text).toMatch(
        /unreachable \((unable to verify the first certificate|self[- ]signed certificate in certificate chain)\); if it uses a private CA, give that CA in the `ca-certificates` input/
      )
      const ok = await post(`http://127.0.0.1:${trusting.port}/v1/messages`, { 'x-api-key': placeholder }, {})
      expect(ok).toEqual({ status: 200, text: '{"ok":true}' })
    } finally {
      await untrusting.close()
      await trusting.close()
      upstream.close()
    }
  })
})

/** A request with an exact target (fetch would normalise `..` away). */
function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: string | Buffer = ''
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: { 'content-type': 'application/json', ...headers } }, res => {
      let text = ''
      res.on('data', c => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A loopback upstream that records every request it is sent and answers with `answer`. */
async function recordingUpstream(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, res) => res.end('{}')) {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0) })
    const entry = seen.at(-1)!
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      entry.body = Buffer.concat(chunks)
      answer(req, res)
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise(r => server.close(r)) }
}

const logLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as Record<string, unknown>)

/** The log is written when a response ends: wait for `n` lines, at most 3 s. */
async function waitForLines(file: string, n: number): Promise<Record<string, unknown>[]> {
  for (const started = Date.now(); Date.now() - started < 3000; await new Promise(r => setTimeout(r, 20))) {
    if (fs.existsSync(file) && logLines(file).length >= n) return logLines(file)
  }
  throw new Error(`expected ${n} lines in ${file}: ${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(none)'}`)
}

describe('model proxy routes: only what Claude Code sends goes upstream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-model-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['GET', '/v1/files', 'is not an endpoint Claude Code uses'],
    ['DELETE', '/v1/files/file_011', 'is not an endpoint Claude Code uses'],
    ['POST', '/v1/messages/batches', 'is not an endpoint Claude Code uses'],
    ['GET', '/v1/models', 'is not an endpoint Claude Code uses'],
    ['GET', '/v1/messages', 'method GET not allowed on /v1/messages'],
    ['POST', '/v1/../v1/files', 'dot-segment (..) in path'],
    ['POST', '/v1/messages/..', 'dot-segment (..) in path'],
    ['POST', '/v1/%2e%2e/files', 'percent-encoded characters in path'],
    ['POST', '/v1/messages%2fbatches', 'percent-encoded characters in path'],
    ['POST', '/v1/messages\\..\\files', 'backslash in path'],
    ['POST', '/v1//messages', 'empty path segment (//)'],
    ['POST', '//evil.example/v1/messages', 'absolute-form or authority-form target'],
    ['POST', 'http://evil.example/v1/messages', 'absolute-form or authority-form target'],
    ['POST', '/v1/messages?beta=true&redirect=x', 'query string other than claude sends']
  ])('refuses %s %s with a 403 the agent sees, logged, never forwarded', async (method, target, reason) => {
    const up = await recordingUpstream()
    const placeholder = makePlaceholder()
    const logFile = path.join(dir, `${crypto.randomUUID()}.jsonl`)
    const p = await startModelProxy({
      upstream: `${up.url}/gateway/anthropic`,
      credential: { kind: 'api-key', value: REAL_KEY },
      placeholder,
      bindHost: '127.0.0.1',
      logFile
    })
    try {
      const r = await rawRequest(p.port, method, target, { 'x-api-key': placeholder }, '{}')
      expect(r.status).toBe(403)
      expect(JSON.parse(r.text)).toEqual({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining(reason) } })
      expect(up.seen).toEqual([])
      const [line] = await waitForLines(logFile, 1)
      expect(line).toMatchObject({
        method,
        decision: 'refused',
        reason: expect.stringContaining(reason),
        status: 403,
        duration_ms: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-/)
      })
      expect(String(line!.path)).not.toContain('?')
      expect(p.usage()).toMatchObject({ requests: 0, refused: 1 })
    } finally {
      await p.close()
      await up.close()
    }
  })

  it('forwards the Messages and count_tokens routes as claude sends them, below the gateway path', async () => {
    const up = await recordingUpstream()
    const placeholder = makePlaceholder()
    const p = await startModelProxy({
      upstream: `${up.url}/gateway/anthropic/`,
      credential: { kind: 'api-key', value: REAL_KEY },
      placeholder,
      bindHost: '127.0.0.1'
    })
    try {
      for (const target of ['/v1/messages?beta=true', '/v1/messages', '/v1/messages/count_tokens?beta=true']) {
        expect((await rawRequest(p.port, 'POST', target, { 'x-api-key': placeholder }, '{}')).status).toBe(200)
      }
      expect(up.seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /gateway/anthropic/v1/messages?beta=true',
        'POST /gateway/anthropic/v1/messages',
        'POST /gateway/anthropic/v1/messages/count_tokens?beta=true'
      ])
    } finally {
      await p.close()
      await up.close()
    }
  })

  it('drops hop-by-hop headers and the ones the Connection header names, both ways', async () => {
    const up = await recordingUpstream((_q, res) => {
      res.setHeader('connection', 'x-up-private')
      res.setHeader('x-up-private', 'hop')
      res.end('{}')
    })
    const placeholder = makePlaceholder()
    const p = await startModelProxy({ upstream: up.url, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1' })
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http
          .request(
            {
              host: '127.0.0.1',
              port: p.port,
              method: 'POST',
              path: '/v1/messages',
              headers: { 'x-api-key': placeholder, connection: 'x-private', 'x-private': 'secret-ish', 'proxy-authorization': 'Basic eDp5' }
            },
            resolve
          )
          .on('error', reject)
          .end('{}')
      )
      res.resume()
      expect(res.headers['x-up-private']).toBeUndefined()
      expect(up.seen[0]!.headers['x-private']).toBeUndefined()
      expect(up.seen[0]!.headers['proxy-authorization']).toBeUndefined()
    } finally {
      await p.close()
      await up.close()
    }
  })
})

describe('model proxy decision log and usage', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-model-usage-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const sse = (events: object[]) => events.map(e => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('')

  it('logs one line per request with the usage the upstream reported (SSE, JSON, gzip JSON), and totals it', async () => {
    const stream = sse([
      {
        type: 'message_start',
        message: {
          id: 'm1',
          model: 'claude-test-1',
          usage: { input_tokens: 100, output_tokens: 1, cache_creation_input_tokens: 20, cache_read_input_tokens: 300 }
        }
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x'.repeat(200_000) } }, // a line longer than the tap reads
      { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 7 } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } },
      { type: 'message_stop' }
    ])
    const json = JSON.stringify({
      id: 'm2',
      model: 'claude-test-2',
      usage: { input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 1 }
    })
    const up = await recordingUpstream((req, res) => {
      if (req.url === '/v1/messages?beta=true') {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        // split mid-line, as TCP may
        res.write(stream.slice(0, 77))
        res.end(stream.slice(77))
      } else if (req.url === '/v1/messages') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        res.end(zlib.gzipSync(json))
      } else {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ input_tokens: 9 }))
      }
    })
    const placeholder = makePlaceholder()
    const logFile = path.join(dir, 'model.jsonl')
    const p = await startModelProxy({ upstream: up.url, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1', logFile })
    try {
      const streamed = await rawRequest(p.port, 'POST', '/v1/messages?beta=true', { 'x-api-key': placeholder }, '{}')
      expect(streamed.text).toBe(stream) // passed through unchanged
      await rawRequest(p.port, 'POST', '/v1/messages', { 'x-api-key': placeholder, 'accept-encoding': 'gzip' }, '{}')
      await rawRequest(p.port, 'POST', '/v1/messages/count_tokens?beta=true', { 'x-api-key': placeholder }, '{}')
      await rawRequest(p.port, 'GET', '/v1/files', { 'x-api-key': placeholder })
      await rawRequest(p.port, 'POST', '/v1/messages', { 'x-api-key': 'wrong' }, '{}')
      const lines = await waitForLines(logFile, 5)
      // a line is written when its request completes (a forwarded answer once its usage is read): any order
      // a forwarded answer's first body bytes are timed (the trace's time to first chunk), within its duration
      for (const l of lines.filter(l => l['decision'] === 'forwarded'))
        expect(l['first_byte_ms']).toEqual(expect.any(Number)), expect(l['first_byte_ms'] as number).toBeLessThanOrEqual(l['duration_ms'] as number)
      const got = lines.map(
        ({ time, duration_ms, first_byte_ms, ...rest }) => (expect(typeof time).toBe('string'), expect(typeof duration_ms).toBe('number'), rest)
      )
      expect(got).toHaveLength(5)
      expect(got).toEqual(
        expect.arrayContaining([
          {
            method: 'POST',
            path: '/v1/messages',
            decision: 'forwarded',
            status: 200,
            model: 'claude-test-1',
            usage: { input_tokens: 100, output_tokens: 42, cache_creation_input_tokens: 20, cache_read_input_tokens: 300 }
          },
          {
            method: 'POST',
            path: '/v1/messages',
            decision: 'forwarded',
            status: 200,
            model: 'claude-test-2',
            usage: { input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 1 }
          },
          { method: 'POST', path: '/v1/messages/count_tokens', decision: 'forwarded', status: 200 },
          { method: 'GET', path: '/v1/files', decision: 'refused', reason: '/v1/files is not an endpoint Claude Code uses', status: 403 },
          { method: 'POST', path: '/v1/messages', decision: 'refused', reason: 'no bottle credential', status: 401 }
        ])
      )
      expect(p.usage()).toEqual({
        requests: 3,
        refused: 2,
        input_tokens: 105,
        output_tokens: 48,
        cache_creation_input_tokens: 20,
        cache_read_input_tokens: 301
      })
      expect(p.summary()).toBe('model proxy: 3 forwarded, 2 refused; tokens: 105 in, 48 out, 20 cache write, 301 cache read')
      expect(fs.readFileSync(logFile, 'utf8')).not.toContain(REAL_KEY)
      expect(fs.readFileSync(logFile, 'utf8')).not.toContain(placeholder)
    } finally {
      await p.close()
      await up.close()
    }
  })
})

/** A request claude 2.1.332 really sent (long strings cut), with its betas: see src/proxy/model-body.ts. */
const claudeRequest = JSON.parse(
  fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'claude-messages-request.json'), 'utf8')
) as {
  path: string
  headers: { 'anthropic-beta': string; 'anthropic-version': string }
  body: { tools: object[]; messages: { role: string; content: unknown }[] } & Record<string, unknown>
}
const claudeBetas = claudeRequest.headers['anthropic-beta']
/** claude's real body with `change` applied to a copy */
const claudeBody = (change: (b: typeof claudeRequest.body) => void = () => undefined) => {
  const b = structuredClone(claudeRequest.body)
  change(b)
  return JSON.stringify(b)
}
const userSays =
  (...content: object[]) =>
  (b: typeof claudeRequest.body) =>
    void b.messages.push({ role: 'user', content })

describe('model proxy body: nothing that makes the API reach other hosts or org data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-model-body-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  async function withProxy(run: (p: ModelProxy, placeholder: string, up: Awaited<ReturnType<typeof recordingUpstream>>, logFile: string) => Promise<void>) {
    const up = await recordingUpstream()
    const placeholder = makePlaceholder()
    const logFile = path.join(dir, `${crypto.randomUUID()}.jsonl`)
    const p = await startModelProxy({ upstream: up.url, credential: { kind: 'api-key', value: REAL_KEY }, placeholder, bindHost: '127.0.0.1', logFile })
    try {
      await run(p, placeholder, up, logFile)
    } finally {
      await p.close()
      await up.close()
    }
  }

  it('forwards the body real claude sends, byte for byte, with its betas (and web_search, which claude uses)', async () => {
    await withProxy(async (p, placeholder, up) => {
      const plain = claudeBody()
      const bodies = [plain, claudeBody(b => void b.tools.push({ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }))]
      for (const body of bodies) {
        const r = await rawRequest(p.port, 'POST', claudeRequest.path, { 'x-api-key': placeholder, ...claudeRequest.headers }, body)
        expect(r.status).toBe(200)
      }
      await rawRequest(p.port, 'POST', '/v1/messages/count_tokens?beta=true', { 'x-api-key': placeholder, ...claudeRequest.headers }, plain)
      expect(up.seen.map(s => s.body.toString())).toEqual([...bodies, plain])
      expect(up.seen.map(s => s.headers['content-length'])).toEqual([...bodies, plain].map(b => String(Buffer.byteLength(b))))
      expect(up.seen[0]!.headers['anthropic-beta']).toBe(claudeBetas)
      expect(p.usage()).toMatchObject({ requests: 3, refused: 0 })
    })
  })

  it('sends a chunked body on with its content-length, no transfer-encoding', async () => {
    await withProxy(async (p, placeholder, up) => {
      const body = claudeBody()
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: p.port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': placeholder, 'transfer-encoding': 'chunked' } },
          res => (res.resume(), resolve(res.statusCode ?? 0))
        )
        req.on('error', reject)
        req.write(body.slice(0, 1000))
        setTimeout(() => req.end(body.slice(1000)), 20)
      })
      expect(status).toBe(200)
      expect(up.seen[0]!.headers['transfer-encoding']).toBeUndefined()
      expect(up.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)))
      expect(up.seen[0]!.body.toString()).toBe(body)
    })
  })

  it.each([
    ['mcp_servers', claudeBetas, claudeBody(b => void (b.mcp_servers = [{ type: 'url', url: 'https://attacker.example/mcp', name: 'x' }])), 'mcp_servers'],
    ['mcp_servers, even empty', claudeBetas, claudeBody(b => void (b.mcp_servers = [])), 'mcp_servers'],
    ['container', claudeBetas, claudeBody(b => void (b.container = 'container_011')), 'container'],
    [
      'a web_fetch server tool',
      claudeBetas,
      claudeBody(b => void b.tools.push({ type: 'web_fetch_20250910', name: 'web_fetch' })),
      'server tool web_fetch_20250910'
    ],
    [
      'a code_execution server tool',
      claudeBetas,
      claudeBody(b => void b.tools.push({ type: 'code_execution_20250825', name: 'code_execution' })),
      'server tool code_execution_20250825'
    ],
    ['an mcp_toolset tool', claudeBetas, claudeBody(b => void b.tools.push({ type: 'mcp_toolset', mcp_server_name: 'x' })), 'server tool mcp_toolset'],
    ['a future *_fetch tool', claudeBetas, claudeBody(b => void b.tools.push({ type: 'url_fetch_20270101', name: 'f' })), 'server tool url_fetch_20270101'],
    ['a file_id document', claudeBetas, claudeBody(userSays({ type: 'document', source: { type: 'file', file_id: 'file_011' } })), 'content source type file'],
    [
      'a file_id image inside a tool_result',
      claudeBetas,
      claudeBody(userSays({ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'file', file_id: 'file_011' } }] })),
      'content source type file'
    ],
    [
      'a url image',
      claudeBetas,
      claudeBody(userSays({ type: 'image', source: { type: 'url', url: 'https://attacker.example/x.png?d=SECRET' } })),
      'content source type url'
    ],
    [
      'a url document in the system prompt',
      claudeBetas,
      claudeBody(b => void (b.system = [{ type: 'document', source: { type: 'url', url: 'https://attacker.example/' } }])),
      'content source type url'
    ],
    ['a container_upload block', claudeBetas, claudeBody(userSays({ type: 'container_upload', file_id: 'file_011' })), 'container_upload'],
    ['the mcp-client beta', `${claudeBetas},mcp-client-2025-04-04`, claudeBody(), 'anthropic-beta mcp-client-2025-04-04'],
    ['the files-api beta', `files-api-2025-04-14, ${claudeBetas}`, claudeBody(), 'anthropic-beta files-api-2025-04-14'],
    ['the code-execution beta', 'Code-Execution-2025-08-25', claudeBody(), 'anthropic-beta code-execution-2025-08-25'],
    ['the web-fetch beta', 'web-fetch-2025-09-10', claudeBody(), 'anthropic-beta web-fetch-2025-09-10']
  ])('refuses %s with a 403 naming it, logged, never forwarded', async (_what, betas, body, reason) => {
    await withProxy(async (p, placeholder, up, logFile) => {
      for (const target of ['/v1/messages?beta=true', '/v1/messages/count_tokens?beta=true']) {
        const r = await rawRequest(p.port, 'POST', target, { 'x-api-key': placeholder, 'anthropic-beta': betas }, body)
        expect(r.status).toBe(403)
        expect(JSON.parse(r.text)).toEqual({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining(reason) } })
      }
      expect(up.seen).toEqual([])
      const lines = await waitForLines(logFile, 2)
      expect(lines[0]).toMatchObject({ method: 'POST', path: '/v1/messages', decision: 'refused', reason: expect.stringContaining(reason), status: 403 })
      expect(lines[1]).toMatchObject({ path: '/v1/messages/count_tokens', decision: 'refused' })
      expect(p.usage()).toMatchObject({ requests: 0, refused: 2 })
    })
  })

  it.each([
    ['not JSON', {}, 'model=x', 'not UTF-8 JSON'],
    ['not UTF-8', {}, Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 'not UTF-8 JSON'],
    ['a key named twice (the vetted one last)', {}, `{"tools":[{"type":"web_fetch_20250910","name":"web_fetch"}],"tools":[]}`, 'key "tools" named twice'],
    [
      'a key named twice, once escaped',
      {},
      `{"messages":[{"role":"user","content":"}\\"{"}],"mcp_servers":[{"url":"https://a.example"}],"mcp\\u005fservers":null}`,
      'key "mcp_servers" named twice'
    ],
    ['a compressed body', { 'content-encoding': 'gzip' }, zlib.gzipSync(claudeBody()), 'content-encoding']
  ])('refuses a body that is %s with a 400, never forwarded', async (_what, headers, body, reason) => {
    await withProxy(async (p, placeholder, up, logFile) => {
      const r = await rawRequest(p.port, 'POST', '/v1/messages', { 'x-api-key': placeholder, ...headers }, body)
      expect(r.status).toBe(400)
      expect(JSON.parse(r.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining(reason) } })
      expect(up.seen).toEqual([])
      expect((await waitForLines(logFile, 1))[0]).toMatchObject({ decision: 'refused', status: 400, reason: expect.stringContaining(reason) })
    })
  })

  it('refuses a body over 32 MiB with a 413, declared or streamed, never forwarded', async () => {
    await withProxy(async (p, placeholder, up, logFile) => {
      const big = Buffer.alloc(MAX_REQUEST_BODY + 1, 0x20)
      const declared = await rawRequest(p.port, 'POST', '/v1/messages', { 'x-api-key': placeholder }, big)
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: p.port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': placeholder, 'transfer-encoding': 'chunked' } },
          res => (res.resume(), resolve(res.statusCode ?? 0))
        )
        req.on('error', reject)
        req.end(big)
      })
      expect([declared.status, streamed]).toEqual([413, 413])
      expect(JSON.parse(declared.text)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } })
      expect(up.seen).toEqual([])
      expect(await waitForLines(logFile, 2)).toMatchObject([
        { decision: 'refused', status: 413 },
        { decision: 'refused', status: 413 }
      ])
    })
  })
})

describe('duplicateKey', () => {
  it.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', undefined],
    ['{"a":"\\"a\\":","b":"}{[","c":1}', undefined],
    ['{"a":1,"b":2,"a":3}', 'a'],
    ['[{"x":{"y":1,"y":2}}]', 'y'],
    ['{"\\\\":1,"\\u005c":2}', '\\'],
    ['{"k\\\\":"v\\\\","k\\\\":1}', 'k\\']
  ])('%s → %s', (text, key) => {
    JSON.parse(text)
    expect(duplicateKey(text)).toBe(key)
  })
})
