// A scripted double of the Anthropic Messages API (POST /v1/messages, SSE streaming, and
// POST /v1/messages/count_tokens), on loopback. A scenario is a list of assistant turns; the
// turn a conversation request gets is the number of assistant messages already in its
// `messages`. A turn `{ attempts: [...] }` answers the k-th request for that turn with its
// k-th entry (the last one repeats), so a retried request can first get a 429 and then a reply.
// Requests without `tools` (claude's side requests: titles, summaries) get a short text reply.
// A scenario's `respond(body)` may answer a request itself (return undefined to fall back to the
// turns): a test that fires many requests at once picks each one's answer from its body.
// Faults, as the real API shows them: an `error` status with its JSON body and, when
// `retryAfter` is set, a `retry-after` header (429 rate_limit_error, 529 overloaded_error);
// `streamError`: a 200 stream that carries an `event: error` after the first delta, then ends;
// `stall`: 200 and the SSE headers, then nothing; `hang`: no answer at all; `delayMs` on any answer:
// it comes that much later (the API takes its time to start); `cut` (on a text
// answer): the stream stops after its first delta and the connection is destroyed, as when the
// API's side fails mid-answer (the usage it had generated is still billed: see `billed`).
// Every request is recorded (method, path, headers, parsed body, arrival time) in memory and,
// when `recordFile` is given, as JSON lines, so a test in another process can read them.
//
// Authentication and versioning, as the real API enforces them (error shapes as the API answers,
// quoted in public bug reports: platform.claude.com/docs/en/api/errors for the envelope):
//   no x-api-key and no Authorization → 401 authentication_error "x-api-key header is required"
//   both headers → 401 authentication_error (the double's wording: the API's own is not published)
//   Authorization: Bearer (an OAuth token) without the `oauth-2025-04-20` beta in anthropic-beta
//     → 401 authentication_error "OAuth authentication is currently not supported."
//   a key other than `expectedKey` (when given) → 401 "invalid x-api-key" / "Invalid bearer token"
//   no anthropic-version → 400 invalid_request_error "anthropic-version: header is required";
//   one it does not know → 400 `anthropic-version: "<v>" is not a valid version`
// Error bodies carry `request_id` beside `error`, as the real ones do.
//
// Usage as the real API reports it (platform.claude.com/docs/en/api/messages, `usage`): input,
// cache writes, cache reads and output tokens, cache writes split by TTL in `cache_creation`
// ({ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}), web searches in
// `server_tool_use.web_search_requests`; the scenario's `usage`, or a turn's own (`{ text, usage }`),
// sets the numbers. Streamed, input and cache counts come in `message_start` and the cumulative
// counts in `message_delta` (output, and with server tools the input and searches too: the API
// samples more than once). `billed` lists what each answered request was billed (its usage;
// nothing for an error), whether or not the client read it to the end.
// Not modelled: real token counting (count_tokens and usage are fixed numbers or a length
// estimate), rate-limit headers other than retry-after (anthropic-ratelimit-*), thinking and
// server-tool blocks, citations, stop sequences, prompt caching itself (the cache counts are
// scripted), the Batches/Files/Models APIs, request validation beyond `messages` being an
// array, and model names (any model answers).
import http from 'node:http'
import fs from 'node:fs'

/**
 * @typedef {({ text: string, usage?: Usage, cut?: boolean } | { tool_use: { name: string, input: Record<string, unknown> }, usage?: Usage } | { error: { status: number, type: string, message: string, retryAfter?: number } } | { streamError: { type: string, message: string } } | { stall: true } | { hang: true }) & { delayMs?: number }} Answer
 * @typedef {Answer | { attempts: Answer[] }} Turn
 * @typedef {{ input_tokens: number, output_tokens: number, cache_creation_input_tokens?: number, cache_read_input_tokens?: number, cache_creation_1h_input_tokens?: number, server_tool_use?: { web_search_requests: number } }} Usage
 * @typedef {{ turns: Turn[], usage?: Usage, respond?: (body: any) => Answer | undefined }} Scenario
 * @typedef {{ method: string, path: string, headers: Record<string, string | string[] | undefined>, body: any, at: number }} RecordedRequest
 */

/** @param {Scenario} scenario @param {{ recordFile?: string, port?: number, expectedKey?: string }} [opts] */
export async function startAnthropicDouble(scenario, opts = {}) {
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {{ model: string, usage: Usage }[]} */
  const billed = []
  let counter = 0
  /** how many requests each turn index has had, for `attempts` */
  const tries = new Map()
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body = null
      try {
        body = raw ? JSON.parse(raw) : null
      } catch {
        body = raw
      }
      const rec = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() }
      requests.push(rec)
      if (opts.recordFile) fs.appendFileSync(opts.recordFile, `${JSON.stringify(rec)}\n`)
      handle(req, res, body)
    })
  })

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {any} body */
  function handle(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://x')
    const refused = refusal(req.headers, opts.expectedKey)
    if (refused) return json(res, refused.status, apiError(refused.type, refused.message))
    if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens' && body && Array.isArray(body.messages)) {
      // the real service counts with the model's tokenizer; about four characters a token is close enough here
      return json(res, 200, { input_tokens: Math.max(1, Math.ceil(JSON.stringify(body.messages).length / 4)) })
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      return json(res, 404, apiError('not_found_error', `Not found: ${url.pathname}`))
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      return json(res, 400, apiError('invalid_request_error', 'messages: Field required'))
    }
    /** @type {Answer} */
    let turn
    const chosen = scenario.respond?.(body)
    if (chosen) {
      turn = chosen
    } else if (!Array.isArray(body.tools) || body.tools.length === 0) {
      turn = { text: 'Scripted side reply.' }
    } else {
      const index = body.messages.filter(m => m.role === 'assistant').length
      const scripted = scenario.turns[index] ?? { text: 'Scenario finished.' }
      const k = tries.get(index) ?? 0
      tries.set(index, k + 1)
      turn = 'attempts' in scripted ? scripted.attempts[Math.min(k, scripted.attempts.length - 1)] : scripted
    }
    if ('delayMs' in turn && turn.delayMs) setTimeout(() => answer(res, body, turn), turn.delayMs)
    else answer(res, body, turn)
  }

  /** @param {http.ServerResponse} res @param {any} body @param {Answer} turn */
  function answer(res, body, turn) {
    const model = body.model ?? 'claude-double'
    if ('hang' in turn) return // never answers: the caller's deadline must fire
    if ('stall' in turn) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.flushHeaders()
      return // headers, then silence: the caller's idle deadline must fire
    }
    if ('error' in turn) {
      const headers = turn.error.retryAfter === undefined ? {} : { 'retry-after': String(turn.error.retryAfter) }
      return json(res, turn.error.status, apiError(turn.error.type, turn.error.message), headers)
    }
    // as the real API: the cache counts sit beside input_tokens (0 when nothing was cached), writes split by TTL
    const { cache_creation_1h_input_tokens: oneHour = 0, ...scripted } = ('usage' in turn && turn.usage) ||
      scenario.usage || { input_tokens: 100, output_tokens: 20 }
    const usage = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...scripted }
    const cacheCreation = { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens - oneHour, ephemeral_1h_input_tokens: oneHour }
    if (!('streamError' in turn)) billed.push({ model, usage: { ...usage, cache_creation_1h_input_tokens: oneHour } })
    const id = `msg_double_${++counter}`
    /** @type {any[]} */
    const content =
      'streamError' in turn
        ? [{ type: 'text', text: 'Partial answer' }]
        : 'text' in turn
          ? [{ type: 'text', text: turn.text }]
          : [{ type: 'tool_use', id: `toolu_double_${counter}`, name: turn.tool_use.name, input: turn.tool_use.input }]
    const stopReason = 'text' in turn ? 'end_turn' : 'tool_use'
    if (!body.stream && 'streamError' in turn) return json(res, 500, apiError(turn.streamError.type, turn.streamError.message))
    if (!body.stream && 'cut' in turn && turn.cut) return res.destroy() // the connection breaks before the answer: billed all the same
    if (!body.stream) {
      return json(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { ...usage, cache_creation: cacheCreation }
      })
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${id}` })
    const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    send('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          // with server tools, the first sampling's share: the rest comes with message_delta
          input_tokens: usage.server_tool_use ? Math.ceil(usage.input_tokens / (1 + usage.server_tool_use.web_search_requests)) : usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          cache_creation: cacheCreation,
          output_tokens: 1
        }
      }
    })
    content.forEach((block, i) => {
      if (block.type === 'text') {
        send('content_block_start', { type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } })
        send('ping', { type: 'ping' })
        send('content_block_delta', { type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: block.text } })
      } else {
        send('content_block_start', { type: 'content_block_start', index: i, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } })
        send('content_block_delta', { type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } })
      }
      if ('streamError' in turn || ('cut' in turn && turn.cut)) return
      send('content_block_stop', { type: 'content_block_stop', index: i })
    })
    if ('streamError' in turn) {
      // as the real API: the status was already 200, so the error arrives as an event and the stream ends
      send('error', { type: 'error', error: { type: turn.streamError.type, message: turn.streamError.message } })
      return res.end()
    }
    // what was written reaches the client first, then the connection breaks
    if ('cut' in turn && turn.cut) return res.write('', () => res.destroy())
    // cumulative: with server tools, the API names the input and search counts again (grown by each sampling)
    const final = usage.server_tool_use
      ? {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: usage.output_tokens,
          server_tool_use: usage.server_tool_use
        }
      : { output_tokens: usage.output_tokens }
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: final })
    send('message_stop', { type: 'message_stop' })
    res.end()
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve(undefined))
  })
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    requests,
    billed,
    /** conversation requests only (they carry tools) */
    conversation: () => requests.filter(r => r.body && Array.isArray(r.body.tools) && r.body.tools.length > 0),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections?.()
        server.close(() => resolve(undefined))
      })
  }
}

/** The versions the API accepts in `anthropic-version` (platform.claude.com/docs/en/api/versioning). */
const VERSIONS = new Set(['2023-06-01', '2023-01-01'])

/** The real API's error envelope. @param {string} type @param {string} message */
function apiError(type, message) {
  return { type: 'error', error: { type, message }, request_id: `req_double_${Math.random().toString(36).slice(2, 14)}` }
}

/**
 * Why the real API would refuse these headers before reading the body, or undefined.
 * @param {http.IncomingHttpHeaders} h @param {string | undefined} expectedKey
 * @returns {{ status: number, type: string, message: string } | undefined}
 */
function refusal(h, expectedKey) {
  const auth = (/** @type {string} */ message) => ({ status: 401, type: 'authentication_error', message })
  const key = h['x-api-key']
  const bearer = h['authorization']
  if (key === undefined && bearer === undefined) return auth('x-api-key header is required')
  if (key !== undefined && bearer !== undefined) return auth('x-api-key and authorization headers both given: send one credential')
  if (bearer !== undefined) {
    const token = /^Bearer (\S+)$/.exec(String(bearer))?.[1]
    if (!token) return auth('Invalid bearer token')
    const betas = String(h['anthropic-beta'] ?? '')
      .split(',')
      .map(b => b.trim())
    if (!betas.includes('oauth-2025-04-20')) return auth('OAuth authentication is currently not supported.')
    if (expectedKey !== undefined && token !== expectedKey) return auth('Invalid bearer token')
  } else if (expectedKey !== undefined && key !== expectedKey) return auth('invalid x-api-key')
  const version = h['anthropic-version']
  if (version === undefined) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' }
  if (!VERSIONS.has(String(version)))
    return { status: 400, type: 'invalid_request_error', message: `anthropic-version: ${JSON.stringify(String(version))} is not a valid version` }
  return undefined
}

function json(res, status, obj, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(obj))
}

// Standalone: node anthropic-double.mjs scenario.json [port] [recordFile]
if (import.meta.url === `file://${process.argv[1]}`) {
  const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  const d = await startAnthropicDouble(scenario, { port: Number(process.argv[3] ?? 0), recordFile: process.argv[4] })
  console.log(d.url)
  process.on('SIGTERM', () => d.close().then(() => process.exit(0)))
  process.on('SIGINT', () => d.close().then(() => process.exit(0)))
}
