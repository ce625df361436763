import { isUtf8 } from 'node:buffer'
import crypto from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { BudgetLimits, Credential } from '../config/config.js'
import { decisionLog, listen, shutdown, tlsHint } from './daemon.js'
import { UpstreamHealth, type UpstreamVerdict } from './upstream-health.js'
import { endToEndHeaders, MODEL_PROXY_DROPS } from './hop-by-hop.js'
import { duplicateKey } from './json-duplicates.js'
import { vetMessagesRequest } from './model-body.js'
import type { ModelProvider } from './providers/provider.js'
import { modelProvider } from './providers/select.js'
import { NO_RUNNER_PROXY, upstreamAgent, type RunnerProxy } from '../util/runner-proxy.js'
import type { Usage } from '../transcript/price-table.js'
import { asksOneHourCache, billedFor, Budget, type Spent } from './budget.js'
import { BUDGET_NOTE, isConversation, withBudgetNote } from './budget-note.js'
import type { UsageRecord } from '../transcript/price-table.js'
import { cacheAsk, shapeOf, withMaxUses, worstCase } from './request-bound.js'
import type { RecordWatch } from '../transcript/record-sink.js'
import { errorMessage } from '../util/errors.js'

/** A random stand-in credential for the guest; only the proxy knows what it stands for. */
export function makePlaceholder(): string {
  return `bot-bottle-placeholder-${crypto.randomBytes(18).toString('hex')}`
}

export interface ModelProxyOptions {
  upstream: string // e.g. https://api.anthropic.com (may carry a path prefix)
  credential: Credential
  placeholder: string
  /** the provider to use instead of the one `credential` names (tests inject credential sources) */
  provider?: ModelProvider
  bindHost: string
  port?: number
  /** extra CA certificates (PEM) trusted for the upstream, beside the system roots */
  ca?: string[]
  /** the runner's own proxy, used for the upstream where NO_PROXY does not exempt it */
  runnerProxy?: RunnerProxy
  /** decision log (JSON lines): every request, forwarded or refused, with the usage the upstream reported */
  logFile?: string
  /** told when the log cannot be written (a full disk) or reaches its cap */
  records?: RecordWatch
  /** told once when the upstream's answers end the run (a rejected credential, an unreachable API, a spending cap) */
  onUpstreamVerdict?: (v: UpstreamVerdict) => void
  /** `max-cost-usd` / `max-tokens`: once reached, new requests are refused (402) and the run is ended */
  budget?: BudgetLimits
  /** where the budget's warnings go (an unknown model) */
  warn?: (line: string) => void
  /** told when the proxy adds its "budget nearly spent" note to a request (once) */
  notice?: (line: string) => void
}

/** One line of model.jsonl (`time` is added by the log). */
export interface ModelDecision {
  method: string
  /** the normalised path, without the query */
  path: string
  decision: 'forwarded' | 'refused'
  reason?: string
  status?: number
  model?: string
  usage?: Usage
  /** a note the proxy added to the request (`budget nearly spent: finish and report`) */
  note?: string
  /** from the request's arrival to the upstream answer's first body bytes (a stream's first chunk) */
  first_byte_ms?: number
  duration_ms: number
}

/** Totals over the run: requests forwarded, requests refused, and the tokens the upstream reported. */
export interface ModelUsageTotals extends Usage {
  requests: number
  refused: number
}

export interface ModelProxy {
  port: number
  /** requests forwarded / refused so far */
  stats: { forwarded: number; refused: number }
  usage(): ModelUsageTotals
  /** cost and tokens counted against the caps */
  spent(): Spent
  /** one line for the log, like the other daemons' */
  summary(): string
  close(): Promise<void>
}

/** Content codings the usage tap undoes (usage-tap.ts decoderFor). */
const DECODABLE: ReadonlySet<string> = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity'])

/** The largest request body the proxy buffers to vet (claude's grow with the conversation: ~50 KB at the start). */
export const MAX_REQUEST_BODY = 32 * 1024 * 1024

// 402 billing_error: the one refusal claude neither retries nor works around (checked with 2.1.332:
// it ends the run at once with "API Error: 402 …"; a 400 makes it try again with other settings).
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  413: 'request_too_large'
}

function apiError(res: http.ServerResponse, status: number, message: string): void {
  const type = ERROR_TYPES[status] ?? 'api_error'
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ type: 'error', error: { type, message } }))
}

/** The whole request body, or undefined once it passes `cap` bytes (the rest is left unread). */
function readCapped(req: http.IncomingMessage, cap: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer) => {
      size += c.length
      if (size <= cap) return void chunks.push(c)
      req.off('data', onData)
      req.off('end', onEnd)
      resolve(undefined)
    }
    const onEnd = () => resolve(Buffer.concat(chunks, size))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', reject)
  })
}

/** Why a buffered body is not a JSON object the proxy can vet, or its parsed value. */
function parseBody(raw: Buffer, contentEncoding: string | undefined): { body: unknown } | { status: number; reason: string } {
  if (contentEncoding && contentEncoding !== 'identity') return { status: 400, reason: 'content-encoding on the request body (claude sends plain JSON)' }
  let text: string
  let body: unknown
  try {
    if (!isUtf8(raw)) throw new Error('not UTF-8')
    text = raw.toString('utf8')
    body = JSON.parse(text)
  } catch {
    return { status: 400, reason: 'body is not UTF-8 JSON' }
  }
  const twice = duplicateKey(text)
  if (twice !== undefined)
    return { status: 400, reason: `key ${JSON.stringify(twice.slice(0, 60))} named twice in one object (parsers differ on which counts)` }
  return { body }
}

/**
 * The host-side model proxy. The guest reaches it as ANTHROPIC_BASE_URL with a placeholder
 * credential; the proxy checks the placeholder and the route (only what Claude Code uses),
 * buffers and vets the body and `anthropic-beta` (nothing that makes the API reach other hosts
 * or org data, see model-body.ts), swaps in the real credential and forwards the same bytes to
 * the upstream, piping the response (SSE included) through without buffering while it reads
 * the usage from a copy.
 */
/** Reads the start of an error answer (4 KiB at most) beside the relay, for the health watch. */
function watchErrorAnswer(res: http.IncomingMessage, done: (text: string) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  res.on('data', (c: Buffer) => {
    if (size < 4096) chunks.push(c.subarray(0, 4096 - size))
    size += c.length
  })
  let told = false
  const tell = () => {
    if (!told) done(Buffer.concat(chunks).toString('utf8'))
    told = true
  }
  res.on('end', tell)
  res.on('close', tell)
}

export async function startModelProxy(opts: ModelProxyOptions): Promise<ModelProxy> {
  const provider = opts.provider ?? (await modelProvider(opts.credential, opts.upstream, opts.placeholder))
  const upstream = provider.upstream
  const client = upstream.protocol === 'https:' ? https : http
  const agent = upstreamAgent(upstream, opts.runnerProxy ?? NO_RUNNER_PROXY, opts.ca)
  const stats = { forwarded: 0, refused: 0 }
  const totals: Usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
  const log = opts.logFile ? decisionLog(opts.logFile, opts.records) : undefined
  const health = new UpstreamHealth(opts.onUpstreamVerdict ?? (() => undefined))
  const budget = new Budget(opts.budget ?? {}, opts.warn ?? (() => undefined))
  let budgetTold = false
  const record = (started: number, d: Omit<ModelDecision, 'duration_ms'>) => {
    if (d.decision === 'refused') stats.refused++
    for (const k of Object.keys(totals) as (keyof Usage)[]) totals[k] += d.usage?.[k] ?? 0
    log?.record(started, { ...d, duration_ms: Date.now() - started })
  }

  const server = http.createServer((req, res) => {
    const started = Date.now()
    const method = req.method ?? ''
    const route = provider.judge(method, req.url ?? '', req.headers)
    const refuse = (status: number, reason: string, message: string) => {
      req.resume()
      record(started, { method, path: route.path, decision: 'refused', reason, status })
      apiError(res, status, message)
    }
    if (!route.ok) return refuse(route.status, route.reason, route.message)
    const overBudget = (capReached: string) => {
      refuse(402, 'budget exceeded', `bot-bottle model proxy: ${capReached}. The run is over its spending cap.`)
      if (!budgetTold) opts.onUpstreamVerdict?.({ conclusion: 'budget-exceeded', detail: capReached })
      budgetTold = true
    }
    const capReached = budget.reached()
    if (capReached) return overBudget(capReached)
    const tooLarge = () => {
      res.setHeader('connection', 'close') // the rest of the body is not read
      refuse(413, `body over ${MAX_REQUEST_BODY} bytes`, `bot-bottle model proxy: request body over ${MAX_REQUEST_BODY} bytes, the most it vets`)
    }
    if (Number(req.headers['content-length']) > MAX_REQUEST_BODY) return tooLarge()
    const { upstreamPath, model: routeModel } = route

    readCapped(req, MAX_REQUEST_BODY).then(
      raw => {
        if (!raw) return tooLarge()
        const parsed = parseBody(raw, req.headers['content-encoding'])
        if (!('body' in parsed)) return refuse(parsed.status, parsed.reason, `bot-bottle model proxy: refused ${route.path}: ${parsed.reason}`)
        const verdict = vetMessagesRequest(parsed.body, req.headers['anthropic-beta'])
        if (!verdict.ok)
          return refuse(
            403,
            verdict.reason,
            `bot-bottle model proxy: refused ${route.path}: ${verdict.reason}. The bottle's model requests may not make the API reach other hosts or org data.`
          )
        // count_tokens generates nothing and is not billed
        const billable = !route.path.endsWith('/count_tokens')
        const vetted = parsed.body as Record<string, unknown>
        let body = billable ? withMaxUses(vetted) : vetted
        const left = billable && isConversation(body) ? budget.nearlySpent() : undefined
        if (left) {
          body = withBudgetNote(body, left)
          opts.notice?.(`Model proxy: ${BUDGET_NOTE} (${left}): the next request tells the agent so, once`)
        }
        const sent = body === vetted ? raw : Buffer.from(JSON.stringify(body))
        const model = routeModel ?? (typeof body.model === 'string' ? body.model : undefined)
        const ask = billable ? worstCase(model, sent.length, shapeOf(body), cacheAsk(sent)) : undefined
        const note = left ? BUDGET_NOTE : undefined
        void budget.admit(ask).then(over => {
          if (over) return overBudget(over)
          let settled = false
          const settle = (billed: UsageRecord | undefined) => {
            if (!settled) budget.settle(ask, billed)
            settled = true
          }
          if (res.destroyed) return settle(undefined) // the guest left while it waited its turn
          provider.authorize({ method, path: upstreamPath, headers: upstreamHeaders(sent.length), body: sent }).then(
            headers => forward(sent, headers, ask, note, settle),
            (err: unknown) => {
              settle(undefined)
              health.noCredentials(errorMessage(err))
              refuse(502, 'runner credentials unavailable', `bot-bottle model proxy: ${errorMessage(err)}`)
            }
          )
        })
      },
      () => res.destroy()
    )

    function upstreamHeaders(length: number): http.OutgoingHttpHeaders {
      const headers: http.OutgoingHttpHeaders = { ...endToEndHeaders(req.headers, MODEL_PROXY_DROPS), host: upstream.host, 'content-length': length }
      // only codings the usage tap can undo: an answer it cannot read would go uncounted
      const codings = String(req.headers['accept-encoding'] ?? '')
        .split(',')
        .map(c => c.trim().toLowerCase().split(';')[0]!)
        .filter(c => DECODABLE.has(c))
      if (req.headers['accept-encoding'] !== undefined) headers['accept-encoding'] = codings.length ? codings.join(', ') : 'identity'
      return headers
    }

    function forward(
      raw: Buffer,
      headers: http.OutgoingHttpHeaders,
      ask: UsageRecord | undefined,
      note: string | undefined,
      settle: (billed: UsageRecord | undefined) => void
    ): void {
      const upstreamReq = client.request(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port || undefined, method, path: upstreamPath, headers, agent },
        upstreamRes => {
          const status = upstreamRes.statusCode ?? 502
          if (status >= 400) watchErrorAnswer(upstreamRes, text => health.answered(status, text))
          else health.answered(status)
          res.writeHead(status, endToEndHeaders(upstreamRes.headers))
          res.flushHeaders()
          const tap = provider.usageTap(String(upstreamRes.headers['content-type'] ?? ''), String(upstreamRes.headers['content-encoding'] ?? ''))
          let firstByteMs: number | undefined
          upstreamRes.on('data', (c: Buffer) => {
            firstByteMs ??= Date.now() - started
            tap.write(c)
          })
          upstreamRes.pipe(res) // streams SSE chunk by chunk
          // an answer cut upstream (the connection broke mid-stream) is cut for the guest too, not left hanging
          upstreamRes.on('close', () => {
            if (!upstreamRes.complete) res.destroy()
          })
          res.on(
            'close',
            () =>
              void tap.result().then(read => {
                settle(ask && billedFor(ask, status, read, asksOneHourCache(raw)))
                record(started, {
                  method,
                  path: route.path,
                  decision: 'forwarded',
                  status: upstreamRes.statusCode,
                  model: read.model ?? routeModel,
                  usage: read.usage,
                  ...(note && { note }),
                  ...(firstByteMs !== undefined && { first_byte_ms: firstByteMs })
                })
              })
          )
        }
      )
      // once the whole request went out, the API may be generating (and billing) an answer that never arrives
      let delivered = false
      upstreamReq.on('finish', () => {
        delivered = true
      })
      upstreamReq.on('error', err => {
        if (!res.headersSent) health.unreachable(err)
        if (!res.headersSent) {
          settle(delivered ? ask : undefined)
          apiError(res, 502, `bot-bottle model proxy: upstream ${upstream.origin} unreachable (${err.message})${tlsHint(err)}`)
          record(started, { method, path: route.path, decision: 'forwarded', status: 502, reason: 'upstream unreachable', ...(note && { note }) })
        } else res.destroy(err)
      })
      res.on('close', () => {
        if (!res.writableFinished) upstreamReq.destroy()
      })
      stats.forwarded++
      upstreamReq.end(raw)
    }
  })
  return {
    port: await listen(server, opts.bindHost, opts.port),
    stats,
    usage: () => ({ requests: stats.forwarded, refused: stats.refused, ...totals }),
    spent: () => budget.totals(),
    summary: () =>
      `model proxy: ${stats.forwarded} forwarded, ${stats.refused} refused; tokens: ${totals.input_tokens} in, ${totals.output_tokens} out, ` +
      `${totals.cache_creation_input_tokens} cache write, ${totals.cache_read_input_tokens} cache read`,
    close: () =>
      shutdown(server, async () => {
        agent.destroy()
        await log?.end()
      })
  }
}
