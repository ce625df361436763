/**
 * The spending caps' arithmetic on its own, without a proxy: what a finished request is billed
 * (billedFor), which requests ask for 1-hour cache entries, what an admitted request reserves and
 * frees, where each cap and the "nearly spent" note begin, and the unpriced-model warning.
 * Prices are Anthropic's list prices for claude-opus-5-5: $4 in, $20 out, per million tokens.
 */
import { asksOneHourCache, billedFor, Budget } from '../../src/proxy/budget.js'
import { PRICES_AS_OF, type Usage, type UsageRecord, usageRecord } from '../../src/transcript/price-table.js'

const OPUS = 'claude-opus-5-5'
const record = (change: Partial<UsageRecord> = {}): UsageRecord => ({ model: OPUS, input: 0, output: 0, cacheCreation: 0, cacheRead: 0, ...change })
const apiUsage = (change: Partial<Usage> = {}): Usage => ({
  input_tokens: 10,
  output_tokens: 20,
  cache_creation_input_tokens: 1000,
  cache_read_input_tokens: 30,
  ...change
})
/** A request's worst case: 12,500 output tokens, $0.25 at Opus 5.5's $20 per million. */
const QUARTER = record({ output: 12_500 })
/** A request's worst case: 300 tokens. */
const T300 = record({ model: 'unpriced-x', input: 300 })

const WAITING = 'still waiting'
/** What the promise gave within a turn of the event loop, or WAITING (a mutant must not hang the test). */
const soon = <T>(p: Promise<T>): Promise<T | typeof WAITING> => Promise.race([p, new Promise<typeof WAITING>(resolve => setImmediate(() => resolve(WAITING)))])

describe('billedFor', () => {
  it('bills an error status nothing unless the API reported usage, 400 included', () => {
    expect(billedFor(QUARTER, 400, {})).toBeUndefined()
    expect(billedFor(QUARTER, 503, { model: OPUS })).toBeUndefined()
    expect(billedFor(QUARTER, 399, {})).toEqual(QUARTER)
  })

  it('names the model the upstream says answered, else the one asked for', () => {
    const read = { model: 'claude-haiku-4-5', usage: apiUsage(), complete: true }
    expect(billedFor(QUARTER, 200, read)?.model).toBe('claude-haiku-4-5')
    expect(billedFor(QUARTER, 200, { usage: apiUsage(), complete: true })?.model).toBe(OPUS)
    expect(billedFor(QUARTER, 400, { usage: apiUsage() })?.model).toBe(OPUS)
  })

  it('keeps a worst case without a model (priced at the dearest rates) so, whatever model the answer names', () => {
    const dearest = record({ model: undefined, output: 12_500 })
    expect(billedFor(dearest, 200, { model: 'claude-haiku-4-5' })).toEqual(dearest)
    expect(billedFor(dearest, 200, { model: 'claude-haiku-4-5', usage: apiUsage(), complete: false })?.model).toBeUndefined()
    // with a model asked for, the answer's model is the one billed, read through or not
    expect(billedFor(QUARTER, 200, { model: 'claude-haiku-4-5' })?.model).toBe('claude-haiku-4-5')
    expect(billedFor(QUARTER, 200, { model: 'claude-haiku-4-5', usage: apiUsage(), complete: false })?.model).toBe('claude-haiku-4-5')
  })

  it('prices cache writes at the 1-hour rate only for a request that asked for 1-hour entries and an answer without the split', () => {
    const read = { usage: apiUsage(), complete: true }
    const fiveMinutes = { model: OPUS, input: 10, output: 20, cacheCreation: 1000, cacheRead: 30, cacheCreation1h: undefined, webSearches: undefined }
    expect(billedFor(QUARTER, 200, read)).toEqual(fiveMinutes)
    expect(billedFor(QUARTER, 200, read, false)).toEqual(fiveMinutes)
    expect(billedFor(QUARTER, 200, read, true)).toEqual({ ...fiveMinutes, cacheCreation1h: 1000 })
    // the split the API reported stands
    const split = { usage: apiUsage({ cache_creation_1h_input_tokens: 200 }), complete: true }
    expect(billedFor(QUARTER, 200, split, true)).toEqual({ ...fiveMinutes, cacheCreation1h: 200 })
  })
})

describe('asksOneHourCache', () => {
  it('finds "ttl": "1h" however the JSON is spaced, and nothing else', () => {
    const body = (ttl: string) => JSON.stringify({ system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl } }] })
    expect(asksOneHourCache(Buffer.from(body('1h')))).toBe(true)
    expect(asksOneHourCache(Buffer.from(JSON.stringify(JSON.parse(body('1h')), null, 2)))).toBe(true)
    expect(asksOneHourCache(Buffer.from('{"cache_control": {"type": "ephemeral", "ttl" : "1h"}}'))).toBe(true)
    expect(asksOneHourCache(Buffer.from('{"cache_control":{"type":"ephemeral","ttl"\n:\t"1h"}}'))).toBe(true)
    expect(asksOneHourCache(Buffer.from(body('5m')))).toBe(false)
    expect(asksOneHourCache(Buffer.from('{"cache_control":{"type":"ephemeral"}}'))).toBe(false)
  })
})

describe('usageRecord', () => {
  it('maps the API’s field names', () => {
    expect(usageRecord('m', { ...apiUsage({ cache_creation_1h_input_tokens: 5, web_search_requests: 2 }) })).toEqual({
      model: 'm',
      input: 10,
      output: 20,
      cacheCreation: 1000,
      cacheRead: 30,
      cacheCreation1h: 5,
      webSearches: 2
    })
  })
})

describe('Budget: what requests in flight reserve', () => {
  it('under max-tokens, lets requests go while their worst cases together stay under the cap, and frees a reservation when one ends', async () => {
    const b = new Budget({ maxTokens: 1000 }, () => undefined)
    expect(await soon(b.admit(T300))).toBeUndefined()
    expect(await soon(b.admit(T300))).toBeUndefined() // 600 reserved
    expect(await soon(b.admit(T300))).toBeUndefined() // 900 reserved
    const fourth = b.admit(T300) // 1200 would not fit under 1000
    expect(await soon(fourth)).toBe(WAITING)
    b.settle(T300, record({ model: 'unpriced-x', input: 50 })) // 600 reserved, 50 spent: 950 with the fourth
    expect(await soon(fourth)).toBeUndefined()
    expect(b.totals().tokens).toBe(50)
  })

  it('under max-tokens, a request whose worst case would bring the total to exactly the cap waits', async () => {
    const b = new Budget({ maxTokens: 600 }, () => undefined)
    expect(await soon(b.admit(T300))).toBeUndefined()
    const second = b.admit(T300) // 600: the cap reached
    expect(await soon(second)).toBe(WAITING)
    b.settle(T300, undefined)
    expect(await soon(second)).toBeUndefined()
  })

  it('under max-cost-usd, the same: $0.25 requests under a $1 cap go three at a time, a fourth when one ends', async () => {
    const b = new Budget({ maxCostUsd: 1 }, () => undefined)
    expect(await soon(b.admit(QUARTER))).toBeUndefined()
    expect(await soon(b.admit(QUARTER))).toBeUndefined()
    expect(await soon(b.admit(QUARTER))).toBeUndefined() // $0.75 reserved
    const fourth = b.admit(QUARTER) // $1.00: the cap reached
    expect(await soon(fourth)).toBe(WAITING)
    b.settle(QUARTER, undefined) // billed nothing: $0.50 reserved
    expect(await soon(fourth)).toBeUndefined()
  })
})

describe('Budget: where the caps begin', () => {
  it('is reached at exactly max-cost-usd', () => {
    const b = new Budget({ maxCostUsd: 0.25 }, () => undefined)
    b.add(QUARTER)
    expect(b.reached()).toBe('max-cost-usd (0.25) reached: the model API responses relayed so far cost $0.250000 at list prices (12500 tokens)')
  })

  it('says nearly spent only when less than one typical turn is left, not exactly one', () => {
    const cost = new Budget({ maxCostUsd: 0.75 }, () => undefined)
    cost.add(QUARTER)
    cost.add(QUARTER) // $0.25 left, a turn costs $0.25
    expect(cost.nearlySpent()).toBeUndefined()

    const tokens = new Budget({ maxTokens: 900 }, () => undefined)
    tokens.add(T300)
    tokens.add(T300) // 300 left, a turn uses 300
    expect(tokens.nearlySpent()).toBeUndefined()
    const roomy = new Budget({ maxTokens: 1000 }, () => undefined)
    roomy.add(T300)
    roomy.add(T300) // 400 left
    expect(roomy.nearlySpent()).toBeUndefined()
  })
})

describe('Budget: models the price table does not know', () => {
  it('warns of none for a priced model', () => {
    const warned: string[] = []
    const b = new Budget({ maxCostUsd: 1 }, w => warned.push(w))
    b.add(QUARTER)
    expect(warned).toEqual([])
    expect(b.totals()).toEqual({ costUsd: 0.25, tokens: 12_500, unpricedModels: [] })
  })

  it('names a response without a model as such', () => {
    const warned: string[] = []
    const b = new Budget({ maxTokens: 1000 }, w => warned.push(w))
    b.add(record({ model: undefined, input: 1 }))
    expect(b.totals().unpricedModels).toEqual(['(no model named)'])
    expect(warned).toEqual([
      `The model API answered with model '(no model named)', which the price table (${PRICES_AS_OF}) does not know: its cost is not counted in cost-usd`
    ])
  })

  it('cuts a long model name at 100 characters in its warning', () => {
    const warned: string[] = []
    const b = new Budget({ maxTokens: 1000 }, w => warned.push(w))
    b.add(record({ model: `m${'x'.repeat(150)}`, input: 1 }))
    expect(warned).toEqual([
      `The model API answered with model 'm${'x'.repeat(99)}', which the price table (${PRICES_AS_OF}) does not know: its cost is not counted in cost-usd`
    ])
  })

  it('names and warns of at most 20 models (a flood of made-up names stays bounded)', () => {
    const warned: string[] = []
    const b = new Budget({ maxTokens: 1_000_000 }, w => warned.push(w))
    for (let i = 0; i < 25; i++) b.add(record({ model: `made-up-${i}`, input: 1 }))
    expect(b.totals().unpricedModels).toEqual(Array.from({ length: 20 }, (_, i) => `made-up-${i}`))
    expect(warned).toHaveLength(20)
    expect(b.totals().tokens).toBe(25)
  })
})
