/**
 * Red team: a guest that tries to spend past max-cost-usd / max-tokens through the real model
 * proxy, over real HTTP. The guest is modelled by direct requests carrying its placeholder (it
 * has it in its environment and curl in its image); the upstream is a loopback server that
 * answers the way the Messages API streams (message_start, deltas, a cumulative message_delta:
 * platform.claude.com/docs/en/build-with-claude/streaming; the SDKs' MessageDeltaUsage names
 * input, cache and server_tool_use counts as cumulative), holding a stream open when told to.
 */
import http from 'node:http'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { makePlaceholder, startModelProxy, type ModelProxy } from '../../src/proxy/model-proxy.js'
import { foldModelLog } from '../../src/transcript/model-log.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'

const KEY = 'sk-ant-api03-redteam-budget-key'
const MODEL = 'claude-opus-5-5' // $4 in, $8 1-hour write, $20 out per MTok

interface Upstream {
  url: string
  requests: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[]
  /** lets every held stream finish */
  release(): void
  close(): Promise<void>
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, held: Promise<void>) => void

const sse = (res: http.ServerResponse, type: string, data: unknown) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...(data as object) })}\n\n`)
const start = (res: http.ServerResponse, input: number, model = MODEL) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  sse(res, 'message_start', {
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }
    }
  })
  sse(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
  sse(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'x'.repeat(1000) } })
}
const finish = (res: http.ServerResponse, usage: Record<string, unknown>) => {
  sse(res, 'content_block_stop', { index: 0 })
  sse(res, 'message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage })
  sse(res, 'message_stop', {})
  res.end()
}

async function startUpstream(answer: Answer): Promise<Upstream> {
  const requests: Upstream['requests'] = []
  let release!: () => void
  const held = new Promise<void>(r => (release = r))
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> })
      answer(req, res, held)
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    release,
    close: () => {
      release()
      server.closeAllConnections()
      return new Promise(r => server.close(() => r()))
    }
  }
}

const placeholder = makePlaceholder()
const body = (maxTokens: number) =>
  JSON.stringify({ model: MODEL, max_tokens: maxTokens, stream: true, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'spend' }] })
const guest = (p: ModelProxy, b: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`http://127.0.0.1:${p.port}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': placeholder, ...headers },
    body: b,
    signal
  })
const until = async (cond: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise(r => setTimeout(r, 10))
}

describe('spending caps under attack', () => {
  const closers: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c.close()
  })
  async function setup(answer: Answer, budget: { maxCostUsd?: number; maxTokens?: number }, logFile?: string) {
    const api = await startUpstream(answer)
    closers.push(api)
    const proxy = await startModelProxy({ upstream: api.url, credential: { kind: 'api-key', value: KEY }, placeholder, bindHost: '127.0.0.1', budget, logFile })
    closers.push(proxy)
    return { api, proxy }
  }

  it('ten requests fired at once below a $0.05 cap: one goes upstream, the rest wait and are refused once it lands over the cap', async () => {
    // each answer: 1000 in + 4000 out = $0.084, over the cap on its own
    const { api, proxy } = await setup(
      (_req, res, held) => {
        start(res, 1000)
        void held.then(() => finish(res, { output_tokens: 4000 }))
      },
      { maxCostUsd: 0.05 }
    )
    const all = Array.from({ length: 10 }, () => guest(proxy, body(4000)).then(async r => ({ status: r.status, text: await r.text() })))
    await until(() => api.requests.length >= 1)
    await new Promise(r => setTimeout(r, 300)) // time for the others to arrive, if the proxy lets them
    const inFlight = api.requests.length
    api.release()
    const results = await Promise.all(all)
    expect(inFlight).toBe(1)
    expect(api.requests).toHaveLength(1)
    expect(results.map(r => r.status).sort()).toEqual([200, ...Array<number>(9).fill(402)])
    expect(proxy.spent().costUsd).toBeCloseTo(0.084, 9) // overshoot: one response, not ten
  })

  it('a stream the guest cuts before message_delta counts its max_tokens as output, so the next request is refused', async () => {
    const { api, proxy } = await setup(
      (_req, res, held) => {
        start(res, 10) // then nothing until the test ends: output is billed as generated, reported only at the end
        void held.then(() => finish(res, { output_tokens: 50_000 }))
      },
      { maxCostUsd: 0.5 }
    )
    const abort = new AbortController()
    const r = await guest(proxy, body(50_000), {}, abort.signal)
    const reader = r.body!.getReader()
    await reader.read() // the guest reads the first bytes, then hangs up
    abort.abort()
    await until(() => proxy.spent().costUsd > 0)
    // 50 000 output tokens at $20/MTok: $1, over the $0.50 cap
    expect(proxy.spent().costUsd).toBeGreaterThanOrEqual(1)
    const next = await guest(proxy, body(100))
    expect(next.status).toBe(402)
    expect(api.requests).toHaveLength(1)
  })

  it('counts the cumulative input and web searches message_delta reports (server tools sample more than once)', async () => {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bb-redteam-')), 'model.jsonl')
    const { proxy } = await setup(
      (_req, res) => {
        start(res, 100)
        // web_search: the API ran 20 searches and read their results as input, 400 000 tokens in all
        finish(res, {
          input_tokens: 400_000,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 50,
          server_tool_use: { web_search_requests: 20 }
        })
      },
      { maxCostUsd: 1 },
      logFile
    )
    const r = await guest(proxy, body(100))
    await r.text()
    await until(() => proxy.spent().costUsd > 0)
    // 400 000 × $4 + 50 × $20 per MTok + 20 × $0.01 = $1.801
    expect(proxy.spent().costUsd).toBeCloseTo(1.801, 9)
    expect((await guest(proxy, body(100))).status).toBe(402)
    await proxy.close()
    expect(foldModelLog(fs.readFileSync(logFile, 'utf8').trim().split('\n')).costUsd).toBeCloseTo(1.801, 9) // the cost-usd output agrees
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true })
  })

  it('asks the upstream only for codings it can read, and counts an answer in one it cannot read at its worst case', async () => {
    const { api, proxy } = await setup(
      (req, res) => {
        // as a CDN in front of an API may: an encoding the client listed, here zstd (Node 20 cannot undo it)
        if (/zstd/.test(String(req.headers['accept-encoding'] ?? '')) || req.headers['x-test-force'] === 'zstd') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'zstd' })
          return res.end(Buffer.from('28b52ffd0000000000', 'hex'))
        }
        start(res, 100)
        finish(res, { output_tokens: 10 })
      },
      { maxTokens: 30_000 }
    )
    await (await guest(proxy, body(100), { 'accept-encoding': 'zstd' })).arrayBuffer()
    expect(api.requests[0]!.headers['accept-encoding']).toBe('identity')
    await until(() => proxy.spent().tokens > 0)
    expect(proxy.spent().tokens).toBe(110)
    // an upstream that answers zstd anyway: the body's bytes and max_tokens count
    await (await guest(proxy, body(20_000), { 'x-test-force': 'zstd' })).arrayBuffer()
    await until(() => proxy.spent().tokens > 110)
    expect(proxy.spent().tokens).toBeGreaterThan(20_000)
  })

  it('a model the price table does not know still counts against max-cost-usd (at the dearest rates), so it cannot spend without limit', async () => {
    // an older model the API may still serve, or a gateway's own name: the table has no price for it
    const { api, proxy } = await setup(
      (_req, res) => {
        start(res, 1000, 'claude-3-7-sonnet-20250219')
        finish(res, { output_tokens: 4000 })
      },
      { maxCostUsd: 0.05 }
    )
    const unknown = JSON.stringify({
      model: 'claude-3-7-sonnet-20250219',
      max_tokens: 4000,
      stream: true,
      tools: [{ name: 't' }],
      messages: [{ role: 'user', content: 'spend' }]
    })
    await (await guest(proxy, unknown)).text()
    await until(() => proxy.spent().tokens > 0)
    expect(proxy.spent().costUsd).toBeGreaterThanOrEqual(0.05)
    expect((await guest(proxy, unknown)).status).toBe(402)
    expect(api.requests).toHaveLength(1)
  })

  it('cache writes of a request that asked for 1-hour entries count at the 1-hour rate when the answer does not report the TTL split', async () => {
    const { proxy } = await setup(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        // usage without the cache_creation split object (an upstream or gateway that leaves it out)
        sse(res, 'message_start', {
          message: {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: MODEL,
            content: [],
            usage: { input_tokens: 0, cache_creation_input_tokens: 100_000, cache_read_input_tokens: 0, output_tokens: 1 }
          }
        })
        finish(res, { output_tokens: 1 })
      },
      { maxCostUsd: 0.6 }
    )
    const oneHour = JSON.stringify({
      model: MODEL,
      max_tokens: 10,
      stream: true,
      system: [{ type: 'text', text: 'big prompt', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      tools: [{ name: 't' }],
      messages: [{ role: 'user', content: 'x' }]
    })
    await (await guest(proxy, oneHour)).text()
    await until(() => proxy.spent().costUsd > 0)
    // Opus 5.5: 100 000 1-hour writes at $8/MTok = $0.80 (at the 5-minute rate it would be $0.50, under the cap)
    expect(proxy.spent().costUsd).toBeCloseTo(0.80002, 9)
    expect((await guest(proxy, oneHour)).status).toBe(402)
  })
})

describe('spending caps: what a request reserves, and answers the upstream breaks', () => {
  const closers: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c.close()
  })
  async function setup(
    respond: (body: Record<string, unknown>) => Record<string, unknown>,
    budget: { maxCostUsd?: number; maxTokens?: number },
    logFile?: string
  ) {
    const api = await startAnthropicDouble({ turns: [], respond: respond as never }, { expectedKey: KEY })
    closers.push(api)
    const proxy = await startModelProxy({ upstream: api.url, credential: { kind: 'api-key', value: KEY }, placeholder, bindHost: '127.0.0.1', budget, logFile })
    closers.push(proxy)
    return { api, proxy }
  }
  const send = (p: ModelProxy, b: Record<string, unknown>) =>
    guest(p, JSON.stringify(b), { 'anthropic-version': '2023-06-01' }).then(async r => ({ status: r.status, text: await r.text().catch(e => `cut: ${e}`) }))
  const search = (tool: Record<string, unknown>) => ({
    model: MODEL,
    max_tokens: 100,
    stream: true,
    tools: [
      { name: 't', input_schema: { type: 'object' } },
      { type: 'web_search_20250305', name: 'web_search', ...tool }
    ],
    messages: [{ role: 'user', content: 'search' }]
  })

  it('sets max_uses 5 on a web search tool that names none, and keeps one it names', async () => {
    const { api, proxy } = await setup(() => ({ text: 'ok', usage: { input_tokens: 10, output_tokens: 1 } }), { maxCostUsd: 100 })
    expect((await send(proxy, search({}))).status).toBe(200)
    expect((await send(proxy, search({ max_uses: 8 }))).status).toBe(200)
    const forwarded = api.requests.map(r => (r.body.tools as { type?: string; max_uses?: number }[]).find(t => t.type)?.max_uses)
    expect(forwarded).toEqual([5, 8])
  })

  it('a web search request reserves a context window per sampling step: three at once under $20 go one at a time', async () => {
    // each reserves (1 + 5 searches) × 1M input tokens at $4 = $24, over the cap alone: only one is ever in flight
    let inFlight = 0
    let most = 0
    const { api, proxy } = await setup(
      () => {
        most = Math.max(most, ++inFlight)
        setTimeout(() => inFlight--, 40)
        return { text: 'ok', usage: { input_tokens: 1000, output_tokens: 10, server_tool_use: { web_search_requests: 1 } }, delayMs: 40 }
      },
      { maxCostUsd: 20 }
    )
    const results = await Promise.all([send(proxy, search({})), send(proxy, search({})), send(proxy, search({}))])
    expect(results.map(r => r.status)).toEqual([200, 200, 200])
    expect(most).toBe(1)
    expect(api.requests).toHaveLength(3)
  })

  it('an answer the API cuts mid-stream is cut for the guest at once and counted at its worst case', async () => {
    const { proxy } = await setup(() => ({ text: 'partial', usage: { input_tokens: 10, output_tokens: 50_000 }, cut: true }), { maxTokens: 200_000 })
    const started = Date.now()
    const r = await send(proxy, { model: MODEL, max_tokens: 50_000, stream: true, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'x' }] })
    expect(r.status).toBe(200)
    expect(r.text).toMatch(/^cut: /) // not a stream left open until claude's own timeout
    expect(Date.now() - started).toBeLessThan(2_000)
    await until(() => proxy.spent().tokens > 0)
    expect(proxy.spent().tokens).toBeGreaterThanOrEqual(50_000) // max_tokens as output: the API billed what it generated
  })

  it('a connection lost after the request went out (before any answer) counts the worst case: the API may be billing it', async () => {
    const { api, proxy } = await setup(() => ({ text: 'never read', usage: { input_tokens: 10, output_tokens: 30_000 }, cut: true }), { maxCostUsd: 0.5 })
    const body = { model: MODEL, max_tokens: 30_000, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'x' }] }
    expect((await send(proxy, body)).status).toBe(502) // non-streamed: the API's side hung up before answering
    await until(() => proxy.spent().costUsd > 0)
    expect(proxy.spent().costUsd).toBeGreaterThanOrEqual(0.6) // 30 000 output tokens at $20/MTok
    expect((await send(proxy, body)).status).toBe(402)
    expect(api.requests).toHaveLength(1)
  })
})
