import type { UsageRecord } from '../transcript/price-table.js'

/**
 * The most one Messages request can be billed, read from its body before it goes: the model
 * proxy reserves it against the caps (budget.ts). A bound, not an estimate: each term is the
 * most the API bills for that part of the request.
 *
 * - Input. Text cannot bill more tokens than it has bytes (a token is at least a byte), plus what
 *   the API adds itself: the tool-use system prompt (346 tokens, platform.claude.com "Tool use
 *   pricing") and each Anthropic-defined tool's own (bash 245, text editor 700, computer use 735 and
 *   its system prompt). Images and documents (a PDF page bills as text and as an image) bill far
 *   more than their bytes, and a server tool puts its results into the input: such a request is
 *   bounded only by the model's context window, once per sampling step.
 * - Sampling steps. The API runs server tools in a loop of its own, sampling again after each use,
 *   so a request samples at most once plus once per allowed use. `max_uses` bounds each server tool
 *   that takes it (web search, advisor); the proxy sets one where the request has none
 *   (`DEFAULT_MAX_USES`). A server tool without `max_uses` (tool search) counts the API's own loop limit.
 * - Output: `max_tokens`, for the whole answer (the API refuses a request without it); an advisor
 *   call adds its own output and reads the conversation again.
 * - Web searches: `max_uses` of each web search tool, billed per search (price-table.ts).
 */

/** The largest context window of any Claude model (Opus, Sonnet and Haiku 5.x, Fable, Mythos: 1M tokens; models overview). */
export const CONTEXT_WINDOW = 1_000_000
/** The most output any model allows (128K); what a request that names no `max_tokens` is counted at. */
export const MAX_OUTPUT_TOKENS = 128_000
/** The `max_uses` the proxy sets on a server tool that has none (the API's own default is unlimited). */
export const DEFAULT_MAX_USES = 5
/** Tokens the API adds to any request itself (the tool-use system prompt and the like), beyond the body's bytes. */
const REQUEST_OVERHEAD_TOKENS = 4_000
/** Tokens an Anthropic-defined client tool adds (computer use: 735 plus a ~500-token system prompt). */
const TYPED_TOOL_TOKENS = 2_000
/** Sampling steps a server tool without `max_uses` may add: the server-side loop's own limit (10), after which it pauses the turn. */
const SERVER_LOOP_STEPS = 10

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Tools with a `type` that the client runs (their definitions cost tokens, their use costs nothing on the API side). */
const CLIENT_TOOL = /^(?:bash|text_editor|computer|memory)_/
/** Server tools that take `max_uses`. */
const COUNTED_SERVER_TOOL = /^(?:web_search|web_fetch|advisor)_/

/** What in a Messages request body decides how much it can bill. */
export interface RequestShape {
  /** `max_uses` of each server tool that takes it, after `withMaxUses` */
  uses: { type: string; maxUses: number }[]
  /** server tools without `max_uses` */
  unboundedServerTools: number
  clientTools: number
  /** any tools at all */
  tools: boolean
  /** an image or document block anywhere in system or messages */
  media: boolean
  /** context_management edits that compact (a summary sampled on the API side, up to once per step) */
  compacts: boolean
  /** the output advisor tools may each produce per call (their `max_tokens`, or the most any model allows) */
  advisorOutput: number
  maxTokens: number
}

const toolsOf = (body: Json): unknown[] => (Array.isArray(body.tools) ? body.tools : [])
const typeOf = (tool: unknown): string => (isObject(tool) && typeof tool.type === 'string' ? tool.type.toLowerCase() : 'custom')
const takesMaxUses = (tool: unknown): tool is Json => isObject(tool) && COUNTED_SERVER_TOOL.test(typeOf(tool))

/**
 * The body with `max_uses` set on every server tool that takes it and has none (a copy; the same
 * object when nothing was missing). Without it the API lets the model search without limit.
 */
export function withMaxUses(body: Json): Json {
  const tools = toolsOf(body)
  if (!tools.some(t => takesMaxUses(t) && !validUses(t.max_uses))) return body
  return { ...body, tools: tools.map(t => (takesMaxUses(t) && !validUses(t.max_uses) ? { ...t, max_uses: DEFAULT_MAX_USES } : t)) }
}

const validUses = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

/** Whether an image or document block is anywhere under `root` (iterative: a hostile body can nest deep). */
function hasMedia(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length) {
    const v = stack.pop()
    if (Array.isArray(v)) stack.push(...v)
    else if (isObject(v)) {
      if (v.type === 'image' || v.type === 'document') return true
      for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x)
    }
  }
  return false
}

/** Reads the shape of a (vetted) Messages request body. */
export function shapeOf(body: Json): RequestShape {
  const tools = toolsOf(body)
  const uses: RequestShape['uses'] = []
  let unboundedServerTools = 0
  let clientTools = 0
  let advisorOutput = 0
  for (const tool of tools) {
    const type = typeOf(tool)
    if (type === 'custom') continue
    if (CLIENT_TOOL.test(type)) clientTools++
    else if (takesMaxUses(tool)) {
      // a max_uses the API would refuse bills nothing; count it as the most the proxy would allow
      uses.push({ type, maxUses: validUses(tool.max_uses) ? tool.max_uses : DEFAULT_MAX_USES })
      if (type.startsWith('advisor_')) {
        const own = (tool as Json).max_tokens
        advisorOutput = Math.max(advisorOutput, typeof own === 'number' && own >= 0 ? own : MAX_OUTPUT_TOKENS)
      }
    } else unboundedServerTools++
  }
  const edits = isObject(body.context_management) && Array.isArray(body.context_management.edits) ? body.context_management.edits : []
  const maxTokens = typeof body.max_tokens === 'number' && Number.isFinite(body.max_tokens) && body.max_tokens >= 0 ? body.max_tokens : MAX_OUTPUT_TOKENS
  return {
    uses,
    unboundedServerTools,
    clientTools,
    tools: tools.length > 0,
    media: hasMedia([body.system, body.messages]),
    compacts: edits.some(e => isObject(e) && typeof e.type === 'string' && e.type.startsWith('compact')),
    advisorOutput,
    maxTokens
  }
}

/** How the input may be billed: as cache writes (at the 1-hour or 5-minute rate) when the body asks for caching, else as input. */
export type CacheAsk = 'none' | '5m' | '1h'

/** What a body asks of the prompt cache (`cache_control` anywhere; a 1-hour TTL anywhere). */
export function cacheAsk(raw: Buffer): CacheAsk {
  const text = raw.toString('utf8')
  if (!text.includes('"cache_control"')) return 'none'
  return /"ttl"\s*:\s*"1h"/.test(text) ? '1h' : '5m'
}

/**
 * The most a request can be billed, as a usage record priced like any other (price-table.ts):
 * its input at the dearest rate the body allows (a cache write when it asks for caching).
 * `model` undefined prices it at the table's dearest rates: an advisor bills at its own model's.
 */
export function worstCase(model: string | undefined, bodyBytes: number, shape: RequestShape, cache: CacheAsk): UsageRecord {
  const serverUses = shape.uses.reduce((n, u) => n + u.maxUses, 0)
  const steps = 1 + serverUses + shape.unboundedServerTools * SERVER_LOOP_STEPS
  const text = bodyBytes + REQUEST_OVERHEAD_TOKENS + shape.clientTools * TYPED_TOOL_TOKENS
  const wide = shape.media || steps > 1
  let input = wide ? steps * Math.max(text, CONTEXT_WINDOW) : text
  let output = shape.maxTokens
  const advisorUses = shape.uses.filter(u => u.type.startsWith('advisor_')).reduce((n, u) => n + u.maxUses, 0)
  input += advisorUses * CONTEXT_WINDOW // each advisor call reads the whole conversation
  output += advisorUses * shape.advisorOutput
  if (shape.compacts) {
    input += steps * CONTEXT_WINDOW // a compaction reads the conversation, at most once per step
    output += steps * MAX_OUTPUT_TOKENS
  }
  const webSearches = shape.uses.filter(u => u.type.startsWith('web_search_')).reduce((n, u) => n + u.maxUses, 0)
  const cacheWrites = cache === 'none' ? 0 : input
  return {
    model: advisorUses > 0 ? undefined : model,
    input: cache === 'none' ? input : 0,
    cacheCreation: cacheWrites,
    cacheCreation1h: cache === '1h' ? cacheWrites : 0,
    cacheRead: 0,
    output,
    webSearches
  }
}
