/**
 * The spending caps are a bound, whatever the guest sends and however the API answers: sequences
 * of concurrent requests drawn at random (plain text, web search, documents, images; streamed or
 * not; answered, cut by the API mid-stream, cut by the guest, or refused with 429/529) go through
 * the real model proxy to the API double, which bills each request honestly within what the real
 * API can bill for it (a server tool samples once more per search and reads up to the context
 * window each time; an image or a PDF bills up to the context window whatever its bytes; text at
 * most a token per byte; output at most max_tokens) and reports that usage. What the API billed in
 * all never exceeds the cap plus the bill of one request: the one let through alone while the run
 * was under its cap.
 *
 * Prices here are the published ones for Opus 5.5, written out independently of the price table:
 * $4 per million input tokens, $20 per million output tokens, $10 per 1,000 web searches.
 */
import fc from 'fast-check'
import { makePlaceholder, startModelProxy } from '../../src/proxy/model-proxy.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'

const KEY = 'sk-ant-api03-budget-property-key'
const MODEL = 'claude-opus-5-5'
const CONTEXT_WINDOW = 1_000_000 // Opus 5.5's (models overview)
const costOf = (u: BilledUsage) => (u.input_tokens * 4 + u.output_tokens * 20) / 1_000_000 + (u.server_tool_use?.web_search_requests ?? 0) * 0.01
const tokensOf = (u: BilledUsage) => u.input_tokens + u.output_tokens

interface BilledUsage {
  input_tokens: number
  output_tokens: number
  server_tool_use?: { web_search_requests: number }
}

type Kind = 'text' | 'search' | 'document' | 'image'
type Fate = 'answered' | 'api-cut' | 'guest-cut' | 429 | 529
interface Spec {
  kind: Kind
  stream: boolean
  fate: Fate
  /** bytes of prompt text */
  pad: number
  maxTokens: number
  /** the web search tool's own max_uses, if it names one */
  maxUses?: number
  /** how many searches the model would run if allowed */
  searches: number
  /** how much of the most the API could bill for input / output it does bill */
  inShare: number
  outShare: number
  /** ms before the guest sends it */
  delay: number
  /** ms the API takes before it answers */
  latency: number
}

const spec: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom<Kind>('text', 'search', 'document', 'image'),
  stream: fc.boolean(),
  fate: fc.constantFrom<Fate>('answered', 'answered', 'api-cut', 'guest-cut', 429, 529),
  pad: fc.integer({ min: 0, max: 150_000 }),
  maxTokens: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 32_000 })),
  maxUses: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  searches: fc.integer({ min: 0, max: 20 }),
  // in hundredths: fc.double spreads over the floats, most of which are near 0
  inShare: fc.integer({ min: 0, max: 100 }).map(p => p / 100),
  outShare: fc.integer({ min: 0, max: 100 }).map(p => p / 100),
  delay: fc.integer({ min: 0, max: 15 }),
  latency: fc.integer({ min: 0, max: 40 })
})
const cap: fc.Arbitrary<{ maxCostUsd?: number; maxTokens?: number }> = fc.oneof(
  fc.record({ maxCostUsd: fc.integer({ min: 5, max: 1000 }).map(cents => cents / 100) }),
  fc.record({ maxTokens: fc.integer({ min: 5_000, max: 3_000_000 }) })
)

function bodyOf(s: Spec, id: number): string {
  const customTool = { name: 'Bash', description: 'runs a command', input_schema: { type: 'object' } }
  const text = { type: 'text', text: `case ${id}: ${'x'.repeat(s.pad)}` }
  const media =
    s.kind === 'document'
      ? [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } }]
      : s.kind === 'image'
        ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }]
        : []
  const search = { type: 'web_search_20250305', name: 'web_search', ...(s.maxUses !== undefined && { max_uses: s.maxUses }) }
  return JSON.stringify({
    model: MODEL,
    max_tokens: s.maxTokens,
    stream: s.stream,
    metadata: { user_id: `case-${id}` },
    tools: s.kind === 'search' ? [customTool, search] : [customTool],
    messages: [{ role: 'user', content: [...media, text] }]
  })
}

/** What the API bills for this request as the proxy forwarded it: at most what the real API could. */
function billOf(s: Spec, forwarded: Record<string, unknown>): BilledUsage {
  const bytes = Buffer.byteLength(JSON.stringify(forwarded))
  const output = Math.floor(s.outShare * s.maxTokens)
  if (s.kind === 'search') {
    const tool = (forwarded.tools as Record<string, unknown>[]).find(t => t.type === 'web_search_20250305')
    const allowed = typeof tool?.max_uses === 'number' ? tool.max_uses : Number.POSITIVE_INFINITY
    const searches = Math.min(s.searches, allowed)
    return { input_tokens: Math.floor(s.inShare * (1 + searches) * CONTEXT_WINDOW), output_tokens: output, server_tool_use: { web_search_requests: searches } }
  }
  if (s.kind === 'document' || s.kind === 'image') return { input_tokens: Math.floor(s.inShare * CONTEXT_WINDOW), output_tokens: output }
  return { input_tokens: Math.floor(s.inShare * bytes), output_tokens: output }
}

async function run(limits: { maxCostUsd?: number; maxTokens?: number }, specs: Spec[]) {
  const api = await startAnthropicDouble(
    {
      turns: [],
      respond: body => {
        const id = Number(/^case-(\d+)$/.exec(String(body?.metadata?.user_id))?.[1])
        const s = specs[id]!
        if (s.fate === 429)
          return { error: { status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }
        if (s.fate === 529) return { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }
        return { text: `answer ${id}`, usage: billOf(s, body), cut: s.fate === 'api-cut' }
      }
    },
    { expectedKey: KEY }
  )
  const placeholder = makePlaceholder()
  const proxy = await startModelProxy({ upstream: api.url, credential: { kind: 'api-key', value: KEY }, placeholder, bindHost: '127.0.0.1', budget: limits })
  try {
    await Promise.all(
      specs.map(async (s, id) => {
        await new Promise(r => setTimeout(r, s.delay))
        const abort = new AbortController()
        try {
          const res = await fetch(`http://127.0.0.1:${proxy.port}/v1/messages?beta=true`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': placeholder },
            body: bodyOf(s, id),
            signal: AbortSignal.any([abort.signal, AbortSignal.timeout(3_000)]) // a stream left hanging is given up, as claude would
          })
          if (s.fate === 'guest-cut') {
            await res.body?.getReader().read()
            abort.abort()
          } else await res.arrayBuffer()
        } catch {
          // a cut stream: the guest sees an error, the API may still bill
        }
      })
    )
  } finally {
    await proxy.close()
    await api.close()
  }
  return api.billed.map(b => b.usage as BilledUsage)
}

describe('spending caps: a bound under concurrent, mixed requests (property)', () => {
  it('what the API billed never exceeds the cap plus one request’s bill', async () => {
    let runs = 0
    await fc.assert(
      fc.asyncProperty(cap, fc.array(spec, { minLength: 1, maxLength: 14 }), async (limits, specs) => {
        runs++
        const bills = await run(limits, specs)
        const measure = limits.maxCostUsd !== undefined ? costOf : tokensOf
        const limit = limits.maxCostUsd ?? limits.maxTokens ?? 0
        const total = bills.reduce((n, b) => n + measure(b), 0)
        const largest = Math.max(0, ...bills.map(measure))
        expect({ total, over: total > limit + largest + 1e-9 }).toEqual({ total, over: false })
      }),
      { seed: 20261201, numRuns: 50, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false }
    )
    expect(runs).toBeGreaterThanOrEqual(10) // a slow machine may cut the run short (60 s), not to nothing
  }, 120_000)

  it('eight 200 KB plain-text requests at once, each billing a token a byte: their bytes are reserved, so they do not all go together', async () => {
    const plain: Spec = {
      kind: 'text',
      stream: false,
      fate: 'answered',
      pad: 200_000,
      maxTokens: 1,
      searches: 0,
      inShare: 1,
      outShare: 1,
      delay: 0,
      latency: 30
    }
    const bills = await run({ maxTokens: 300_000 }, Array(8).fill(plain))
    const perRequest = tokensOf(bills[0]!)
    expect(perRequest).toBeGreaterThan(200_000)
    // the first fits beside nothing, the second goes alone once the first is counted (still under the cap), the rest are refused
    expect(bills).toHaveLength(2)
  })
})
