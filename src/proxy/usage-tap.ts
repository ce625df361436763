import { PassThrough } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import zlib from 'node:zlib'
import type { Usage } from '../transcript/price-table.js'

/** The longest SSE line (or JSON body) read for usage; longer ones pass through unread. */
export const MAX_TAPPED_LINE = 64 * 1024
export const MAX_TAPPED_JSON = 8 * 1024 * 1024

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)

/** The counts of an API `usage` object (the 1-hour cache writes only when the API splits them). */
export function usageOf(u: Record<string, unknown>): Usage {
  const usage: Usage = {
    input_tokens: num(u.input_tokens),
    output_tokens: num(u.output_tokens),
    cache_creation_input_tokens: num(u.cache_creation_input_tokens),
    cache_read_input_tokens: num(u.cache_read_input_tokens)
  }
  const split = u.cache_creation
  if (split && typeof split === 'object' && 'ephemeral_1h_input_tokens' in split) usage.cache_creation_1h_input_tokens = num(split.ephemeral_1h_input_tokens)
  const tools = u.server_tool_use
  if (tools && typeof tools === 'object' && 'web_search_requests' in tools) usage.web_search_requests = num(tools.web_search_requests)
  return usage
}

/**
 * `message_delta.usage` is cumulative for the whole response, and with server tools (web search)
 * the API samples more than once: its input, cache and search counts then exceed those of
 * `message_start`. Each count it names replaces the earlier one (never lowering it).
 */
function foldDelta(acc: Usage, delta: Record<string, unknown>): void {
  const later = usageOf(delta)
  for (const k of Object.keys(later) as (keyof Usage)[]) {
    const inDelta = k === 'cache_creation_1h_input_tokens' ? delta.cache_creation : k === 'web_search_requests' ? delta.server_tool_use : delta[k]
    if (inDelta !== undefined && inDelta !== null) acc[k] = Math.max(acc[k] ?? 0, later[k] ?? 0)
  }
}

export interface CountedUsage {
  model?: string
  usage?: Usage
  /** the answer's final usage was read (`message_delta`, or a whole JSON body): the count is what the API billed */
  complete?: boolean
}

/**
 * Folds one Messages streaming event into `acc`: input and cache tokens from
 * `message_start.message.usage`, then the cumulative counts of each `message_delta.usage`
 * (output, and input, cache and searches where it names them). Other events change nothing.
 */
export function foldUsageEvent(acc: CountedUsage, event: unknown): void {
  const ev = event as { type?: string; message?: { model?: unknown; usage?: Record<string, unknown> }; usage?: Record<string, unknown> } | null
  if (ev?.type === 'message_start' && ev.message?.usage) {
    if (typeof ev.message.model === 'string') acc.model = ev.message.model
    acc.usage = usageOf(ev.message.usage)
  } else if (ev?.type === 'message_delta' && ev.usage && acc.usage) {
    foldDelta(acc.usage, ev.usage)
    acc.complete = true
  }
}

/**
 * Reads the model and the usage from a copy of a response as it streams by, never holding the
 * response back. SSE: input and cache tokens from `message_start.message.usage`, output from
 * the last `message_delta.usage.output_tokens` (cumulative). JSON: `body.usage`. Memory is
 * bounded: one SSE line (MAX_TAPPED_LINE), or a JSON body up to MAX_TAPPED_JSON.
 */
export function usageTap(contentType: string, contentEncoding: string): { write(chunk: Buffer): void; result(): Promise<CountedUsage> } {
  const sse = /text\/event-stream/i.test(contentType)
  const json = /json/i.test(contentType)
  let line = ''
  let skipping = false
  let body: Buffer[] = []
  let size = 0
  const text = new StringDecoder('utf8') // a character split between chunks stays whole

  const counted: CountedUsage = {}
  const onSseLine = (l: string) => {
    if (!l.startsWith('data:') || !(l.includes('"message_start"') || l.includes('"message_delta"'))) return
    try {
      foldUsageEvent(counted, JSON.parse(l.slice(5)))
    } catch {
      // not JSON: nothing to count
    }
  }
  const onBytes = (chunk: Buffer) => {
    if (json) {
      size += chunk.length
      if (size <= MAX_TAPPED_JSON) body.push(chunk)
      else body = []
      return
    }
    const parts = (line + text.write(chunk)).split('\n')
    line = parts.pop()!
    for (const p of parts) {
      if (!skipping) onSseLine(p.replace(/\r$/, ''))
      skipping = false
    }
    if (line.length > MAX_TAPPED_LINE) {
      line = ''
      skipping = true // the rest of this line is not read
    }
  }
  const decoder = sse || json ? decoderFor(contentEncoding) : undefined
  const decoded: Promise<void> = decoder
    ? new Promise(resolve => {
        decoder.on('data', onBytes)
        decoder.on('end', resolve).on('error', () => resolve())
      })
    : Promise.resolve()
  return {
    write: chunk => decoder?.write(chunk),
    async result() {
      decoder?.end()
      await decoded
      if (sse && !skipping) onSseLine(line)
      if (json && size <= MAX_TAPPED_JSON) {
        try {
          const b = JSON.parse(Buffer.concat(body).toString('utf8')) as { model?: unknown; usage?: Record<string, unknown> }
          if (typeof b.model === 'string') counted.model = b.model
          if (b.usage && typeof b.usage === 'object') Object.assign(counted, { usage: usageOf(b.usage), complete: true })
        } catch {
          // not JSON after all
        }
      }
      return counted
    }
  }
}

/** A stream that undoes the response's content-encoding (identity: passes through). */
export function decoderFor(encoding: string): NodeJS.ReadWriteStream {
  const e = encoding.trim().toLowerCase()
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip()
  if (e === 'deflate') return zlib.createInflate()
  if (e === 'br') return zlib.createBrotliDecompress()
  return new PassThrough()
}
