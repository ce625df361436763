/**
 * Anthropic's published list prices, in USD per million tokens, for the cost the host counts
 * (the `cost-usd` output and the `max-cost-usd` cap). One table, one date, one source: update
 * all three together when Anthropic changes a price.
 *
 * Source: https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing") and each
 * model's overview page (platform.claude.com/docs/en/models/<model>/overview, "Pricing").
 * Claude Code 2.1.332 computes the same figure for claude-opus-5-5 (checked against its result line).
 * Web search (the one server tool the bottle may use) bills per search on top of its tokens.
 * Not modelled: Batch API and fast-mode prices (claude uses neither), data-residency surcharges.
 */
export const PRICES_AS_OF = '2026-11-26'
export const PRICES_SOURCE = 'https://platform.claude.com/docs/en/about-claude/pricing'

/** USD per web search ("Web search": $10 per 1,000 searches, same page, "Tool use pricing"). */
export const WEB_SEARCH_USD = 10 / 1000

/** USD per million tokens, by how the API bills them. */
export interface Rates {
  input: number
  cacheWrite5m: number
  cacheWrite1h: number
  cacheRead: number
  output: number
}

/** Token counts as the upstream reported them for one response. */
export interface Usage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  /** of the cache writes, those billed at the 1-hour rate (`usage.cache_creation.ephemeral_1h_input_tokens`), when reported */
  cache_creation_1h_input_tokens?: number
  /** web searches the API ran for this response (`usage.server_tool_use.web_search_requests`), billed per search */
  web_search_requests?: number
}

/** One response's usage, as the model proxy read it from what it relayed. */
export interface UsageRecord {
  /** the model the upstream says answered */
  model?: string
  /** uncached input tokens */
  input: number
  output: number
  /** cache writes (all TTLs); `cacheCreation1h` of them at the 1-hour rate */
  cacheCreation: number
  cacheRead: number
  cacheCreation1h?: number
  /** web searches the API ran (`server_tool_use.web_search_requests`) */
  webSearches?: number
}

/** The usage record of one relayed response, from the API's own field names. */
export function usageRecord(model: string | undefined, u: Usage): UsageRecord {
  return {
    model,
    input: u.input_tokens,
    output: u.output_tokens,
    cacheCreation: u.cache_creation_input_tokens,
    cacheRead: u.cache_read_input_tokens,
    cacheCreation1h: u.cache_creation_1h_input_tokens,
    webSearches: u.web_search_requests
  }
}

interface Priced {
  rates: Rates
  /** prompts (input + cache writes + cache reads) over `above` tokens bill every token at `rates` */
  longPrompt?: { above: number; rates: Rates }
}

const r = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): Rates => ({
  input,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
  output
})
const OPUS_4_5_TO_5 = r(5, 6.25, 10, 0.5, 25)
const OPUS_4 = r(15, 18.75, 30, 1.5, 75)
const SONNET_4 = r(3, 3.75, 6, 0.3, 15)

/** Model ids as the API names them (dated snapshots and `[1m]` variants map onto these). */
const TABLE: Readonly<Record<string, Priced>> = {
  'claude-fable-5-1': { rates: r(10, 12.5, 20, 0.25, 50) },
  'claude-mythos-5-1': { rates: r(10, 12.5, 20, 0.25, 50) },
  'claude-fable-5': { rates: r(10, 12.5, 20, 1, 50) },
  'claude-mythos-5': { rates: r(10, 12.5, 20, 1, 50) },
  'claude-opus-5-5': { rates: r(4, 5, 8, 0.2, 20) },
  'claude-opus-5': { rates: OPUS_4_5_TO_5 },
  'claude-opus-4-8': { rates: OPUS_4_5_TO_5 },
  'claude-opus-4-7': { rates: OPUS_4_5_TO_5 },
  'claude-opus-4-6': { rates: OPUS_4_5_TO_5 },
  'claude-opus-4-5': { rates: OPUS_4_5_TO_5 },
  'claude-opus-4-1': { rates: OPUS_4 },
  'claude-opus-4': { rates: OPUS_4 },
  'claude-sonnet-5-5': { rates: r(2, 2.5, 4, 0.1, 10) },
  'claude-sonnet-5': { rates: r(2, 2.5, 4, 0.2, 10) },
  'claude-sonnet-4-6': { rates: SONNET_4 },
  'claude-sonnet-4-5': { rates: SONNET_4 },
  'claude-sonnet-4': { rates: SONNET_4 },
  'claude-haiku-5-5': { rates: r(0.1, 0.125, 0.2, 0.01, 0.5), longPrompt: { above: 100_000, rates: r(0.5, 0.625, 1, 0.05, 2.5) } },
  'claude-haiku-4-5': { rates: r(1, 1.25, 2, 0.1, 5) },
  'claude-3-5-haiku': { rates: r(0.8, 1, 1.6, 0.08, 4) },
  'claude-3-haiku': { rates: r(0.25, 0.3, 0.5, 0.03, 1.25) }
}

/**
 * The table's key for a model id: without a date suffix (`-20251101`), a context variant
 * (`[1m]`), a Vertex `@version` or a Bedrock `anthropic.` prefix and `-v1:0` suffix.
 */
export function priceKey(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/@.*$/, '')
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/-\d{8}$/, '')
}

/** Whether the table prices `model`. */
export function isPriced(model: string | undefined): boolean {
  return model !== undefined && Object.hasOwn(TABLE, priceKey(model))
}

/** Every rate at its highest in the table: what a model the table does not know is counted at under a cost cap. */
const DEAREST: Rates = (() => {
  const all = Object.values(TABLE).flatMap(p => (p.longPrompt ? [p.rates, p.longPrompt.rates] : [p.rates]))
  const top = (k: keyof Rates) => Math.max(...all.map(x => x[k]))
  return r(top('input'), top('cacheWrite5m'), top('cacheWrite1h'), top('cacheRead'), top('output'))
})()

/** What one response would cost at the table's dearest rates, whatever its model. */
export function dearestCostOf(u: UsageRecord): number {
  return priceAt(DEAREST, u)
}

function priceAt(rates: Rates, u: UsageRecord): number {
  const oneHour = Math.min(u.cacheCreation1h ?? 0, u.cacheCreation)
  const micro =
    u.input * rates.input +
    (u.cacheCreation - oneHour) * rates.cacheWrite5m +
    oneHour * rates.cacheWrite1h +
    u.cacheRead * rates.cacheRead +
    u.output * rates.output
  return micro / 1_000_000 + (u.webSearches ?? 0) * WEB_SEARCH_USD
}

/** What one response cost in USD, or undefined when the table does not know its model. */
export function costOf(u: UsageRecord): number | undefined {
  if (!u.model || !isPriced(u.model)) return undefined
  const priced = TABLE[priceKey(u.model)]!
  const prompt = u.input + u.cacheCreation + u.cacheRead
  return priceAt(priced.longPrompt && prompt > priced.longPrompt.above ? priced.longPrompt.rates : priced.rates, u)
}
