// What the Bedrock and Vertex doubles share: a scripted Anthropic double behind them (the same
// turns and usage as test/harness/anthropic-double.mjs), reached with the provider's request
// turned back into a Messages API request (model from the path, the version as a header).
import http from 'node:http'
import { startAnthropicDouble } from './anthropic-double.mjs'

/** @param {import('./anthropic-double.mjs').Scenario} scenario */
export async function startInnerDouble(scenario) {
  const api = await startAnthropicDouble(scenario)
  return {
    api,
    /**
     * Sends the provider request's body to the inner double as a Messages request; resolves with
     * its answer as a readable stream (status, headers).
     * @param {any} body @param {string} model @param {boolean} stream @param {Record<string, string | string[] | undefined>} headers
     * @returns {Promise<http.IncomingMessage>}
     */
    messages(body, model, stream, headers) {
      const { anthropic_version: _v, anthropic_beta: betas, ...rest } = body ?? {}
      const payload = JSON.stringify({ ...rest, model, stream })
      const beta = [headers['anthropic-beta'], ...(Array.isArray(betas) ? betas : [])].filter(Boolean).join(',')
      return new Promise((resolve, reject) => {
        const req = http.request(
          `${api.url}/v1/messages`,
          {
            method: 'POST',
            // the provider authenticated the caller; the inner double still wants what the Messages API wants
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              'x-api-key': 'provider-relay',
              'anthropic-version': '2023-06-01',
              ...(beta ? { 'anthropic-beta': beta } : {})
            }
          },
          resolve
        )
        req.on('error', reject)
        req.end(payload)
      })
    }
  }
}

/** Reads a request's body (bytes). @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Calls `onEvent(data)` for each SSE `data:` line of a stream; resolves at its end. @param {http.IncomingMessage} res @param {(data: string) => void} onEvent */
export function eachSseData(res, onEvent) {
  return new Promise((resolve, reject) => {
    let line = ''
    res.setEncoding('utf8')
    res.on('data', c => {
      const parts = (line + c).split('\n')
      line = parts.pop() ?? ''
      for (const p of parts) if (p.startsWith('data: ')) onEvent(p.slice(6))
    })
    res.on('end', () => resolve(undefined))
    res.on('error', reject)
  })
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} obj @param {Record<string, string>} [headers] */
export function json(res, status, obj, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(obj))
}

/** Listens on loopback; resolves with the URL. @param {http.Server} server */
export async function listenLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  return `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`
}

/** @param {http.Server} server */
export function closeServer(server) {
  return new Promise(resolve => {
    server.closeAllConnections?.()
    server.close(() => resolve(undefined))
  })
}

/**
 * @typedef {{ method: string, path: string, headers: http.IncomingHttpHeaders, body: any, refused?: string }} ProviderRecord
 * A loopback server that records each request (body parsed as JSON, else null) before `handle` answers it.
 * @param {(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, rec: ProviderRecord) => unknown} handle
 */
export async function startRecordingServer(handle) {
  /** @type {ProviderRecord[]} */
  const requests = []
  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req)
    let body = null
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      /* recorded as null */
    }
    const rec = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }
    requests.push(rec)
    await handle(req, res, raw, rec)
  })
  return { url: await listenLoopback(server), requests, close: () => closeServer(server) }
}

/**
 * A provider double: the scripted Anthropic double behind a recording front door whose `handle`
 * authenticates and translates each request.
 * @param {import('./anthropic-double.mjs').Scenario} scenario
 * @param {(inner: Awaited<ReturnType<typeof startInnerDouble>>) => Parameters<typeof startRecordingServer>[0]} front
 */
export async function startProviderDouble(scenario, front) {
  const inner = await startInnerDouble(scenario)
  const server = await startRecordingServer(front(inner))
  return {
    url: server.url,
    requests: server.requests,
    conversation: inner.api.conversation,
    close: async () => {
      await server.close()
      await inner.api.close()
    }
  }
}
