import fs from 'node:fs'
import readline from 'node:readline'
import { costOf, type Usage, usageRecord } from './price-table.js'
import { type TokenCounts, tokenCount, tokenCounts } from './tokens.js'

/**
 * The model proxy's decision log (`model.jsonl`, written on the host, one line per request:
 * `{time, method, path, decision: 'forwarded'|'refused', reason?, status?, model?, usage?,
 * duration_ms}`), folded into the figures the action reports. The host saw these requests
 * itself: the agent can forge claude's stdout, not this.
 */
export interface ModelFigures {
  /** every request the proxy logged */
  requests: number
  refused: number
  /** forwarded requests the upstream answered with a message (usage): one per model call, i.e. per turn */
  modelCalls: number
  /** input + cache-creation + cache-read tokens over those calls (transcript/tokens.ts: what claude's result calls input) */
  inputTokens: number
  outputTokens: number
  cacheCreationTokens: number
  cacheReadTokens: number
  /** USD at the price table's list prices, over the calls whose model it knows */
  costUsd: number
  /** models of calls the price table does not know (their cost is not in costUsd) */
  unpricedModels: string[]
  /** lines that were not a JSON object */
  unparsable: number
}

type Json = Record<string, unknown>

/**
 * A request to the Messages API proper (not count_tokens or others), wherever the base URL puts it;
 * with Bedrock, InvokeModel[WithResponseStream]; with Vertex, [stream]rawPredict of a model.
 */
function isMessagesCall(path: unknown): boolean {
  if (typeof path !== 'string') return false
  const p = path.split('?')[0]!
  return (
    p.endsWith('/v1/messages') ||
    /^\/model\/[^?]+\/invoke(-with-response-stream)?$/.test(p) ||
    /\/publishers\/anthropic\/models\/(?!count-tokens:)[^/]+:(stream)?[rR]awPredict$/.test(p)
  )
}

function noFigures(): ModelFigures {
  return {
    requests: 0,
    refused: 0,
    modelCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd: 0,
    unpricedModels: [],
    unparsable: 0
  }
}

/** One model call of model.jsonl, as billed: its tokens (transcript/tokens.ts), its model and its cost at list prices. */
export interface PricedCall {
  model: string
  tokens: TokenCounts
  /** undefined: a model the price table does not know */
  costUsd?: number
}

/** The model call a line of model.jsonl records: a forwarded Messages request the upstream answered with usage; else undefined. */
export function pricedCall(row: Json): PricedCall | undefined {
  const usage = row['usage'] as Json | undefined
  if (row['decision'] !== 'forwarded' || !usage || typeof usage !== 'object' || !isMessagesCall(row['path'])) return undefined
  const t = tokenCounts(usage)
  const u: Usage = {
    input_tokens: tokenCount(usage['input_tokens']),
    output_tokens: t.output,
    cache_creation_input_tokens: t.cacheCreation,
    cache_read_input_tokens: t.cacheRead,
    cache_creation_1h_input_tokens: tokenCount(usage['cache_creation_1h_input_tokens']),
    web_search_requests: tokenCount(usage['web_search_requests'])
  }
  const model = typeof row['model'] === 'string' ? row['model'].slice(0, 100) : '(no model named)'
  return { model, tokens: t, costUsd: costOf(usageRecord(model, u)) }
}

/** A line of a JSONL record (model.jsonl, the gates' logs) as an object; undefined when it is not one. */
export function jsonlObject(line: string): Json | undefined {
  try {
    const row = JSON.parse(line) as unknown
    return row && typeof row === 'object' && !Array.isArray(row) ? (row as Json) : undefined
  } catch {
    return undefined
  }
}

/** Adds one line of model.jsonl to the figures. */
function addLine(f: ModelFigures, line: string): void {
  if (!line.trim()) return
  const row = jsonlObject(line)
  if (!row) {
    f.unparsable++
    return
  }
  f.requests++
  if (row['decision'] === 'refused') f.refused++
  const call = pricedCall(row)
  if (!call) return
  f.modelCalls++
  const t = call.tokens
  f.cacheCreationTokens += t.cacheCreation
  f.cacheReadTokens += t.cacheRead
  f.inputTokens += t.input
  f.outputTokens += t.output
  if (call.costUsd !== undefined) f.costUsd += call.costUsd
  else if (f.unpricedModels.length < 20 && !f.unpricedModels.includes(call.model)) f.unpricedModels.push(call.model)
}

/** Folds the lines of a model.jsonl into figures. */
export function foldModelLog(lines: Iterable<string>): ModelFigures {
  const f = noFigures()
  for (const line of lines) addLine(f, line)
  return f
}

/** Reads `model.jsonl` line by line; undefined when the file is missing (no proxy log to go by). */
export async function readModelLog(file: string): Promise<ModelFigures | undefined> {
  let input: fs.ReadStream
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
    input = fs.createReadStream('', { fd, encoding: 'utf8' })
  } catch {
    return undefined
  }
  const f = noFigures()
  try {
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) addLine(f, line)
  } catch {
    // a read error part-way: the figures so far are still the host's
  }
  return f
}
