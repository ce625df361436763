/** Spending caps: the price table, the budget, and the model proxy refusing requests once a cap is reached. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Budget } from '../../src/proxy/budget.js'
import { makePlaceholder, startModelProxy } from '../../src/proxy/model-proxy.js'
import { costOf, priceKey, PRICES_AS_OF, PRICES_SOURCE } from '../../src/transcript/price-table.js'
import type { UpstreamVerdict } from '../../src/proxy/upstream-health.js'
import { foldModelLog } from '../../src/transcript/model-log.js'
import { crossCheck } from '../../src/transcript/figures.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'

const KEY = 'sk-ant-api03-budget-test-key'
const usage = (input: number, output: number, cacheCreation = 0, cacheRead = 0) => ({ input, output, cacheCreation, cacheRead })

describe('price table', () => {
  it('is dated and names its source', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(PRICES_SOURCE).toMatch(/^https:\/\/platform\.claude\.com\/docs\/.*pricing/)
  })

  it('prices claude-opus-5-5 as claude 2.1.332 itself does (its result line: 200 in, 100 cache write, 60 cache read, 40 out → $0.002112)', () => {
    expect(costOf({ model: 'claude-opus-5-5', ...usage(200, 40, 100, 60) })).toBeCloseTo(0.002112, 9)
  })

  it('maps dated, [1m], Vertex and Bedrock ids onto the table; an unknown model has no price', () => {
    expect(priceKey('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5')
    expect(priceKey('claude-opus-5-5[1m]')).toBe('claude-opus-5-5')
    expect(priceKey('claude-opus-5-5@20260922')).toBe('claude-opus-5-5')
    expect(priceKey('us.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe('claude-haiku-4-5')
    expect(costOf({ model: 'claude-sonnet-4-5-20250929', ...usage(1_000_000, 0) })).toBeCloseTo(3, 9)
    expect(costOf({ model: 'claude-double', ...usage(1, 1) })).toBeUndefined()
    expect(costOf({ model: 'constructor', ...usage(1, 1) })).toBeUndefined() // no prototype key is a price
    expect(costOf(usage(1, 1))).toBeUndefined()
  })

  it('bills 1-hour cache writes at their rate, and Haiku 5.5 prompts over 100k tokens at the higher tier', () => {
    // Opus 5.5: 5m write $5, 1h write $8 per MTok
    expect(costOf({ model: 'claude-opus-5-5', ...usage(0, 0, 1_000_000), cacheCreation1h: 250_000 })).toBeCloseTo(0.75 * 5 + 0.25 * 8, 9)
    expect(costOf({ model: 'claude-haiku-5-5', ...usage(100_000, 1_000_000) })).toBeCloseTo(0.01 + 0.5, 9)
    expect(costOf({ model: 'claude-haiku-5-5', ...usage(100_001, 1_000_000) })).toBeCloseTo(0.100001 * 0.5 + 2.5, 9)
  })
})

describe('Budget', () => {
  it('is reached by cost or by tokens (cache tokens count), with a one-line reason', () => {
    const byCost = new Budget({ maxCostUsd: 0.01 }, () => undefined)
    byCost.add({ model: 'claude-opus-5-5', ...usage(1000, 100) }) // $0.006
    expect(byCost.reached()).toBeUndefined()
    byCost.add({ model: 'claude-opus-5-5', ...usage(1000, 100) })
    expect(byCost.reached()).toBe('max-cost-usd (0.01) reached: the model API responses relayed so far cost $0.012000 at list prices (2200 tokens)')

    const byTokens = new Budget({ maxTokens: 1000 }, () => undefined)
    byTokens.add({ model: 'claude-opus-5-5', ...usage(10, 10, 400, 500) })
    expect(byTokens.reached()).toBeUndefined()
    byTokens.add({ model: 'claude-opus-5-5', ...usage(0, 0, 0, 80) })
    expect(byTokens.reached()).toMatch(/^max-tokens \(1000\) reached: .* used 1000 tokens/)
  })

  it('counts an unknown model at the dearest rates under max-cost-usd (an old or unlisted model cannot spend unbounded), tokens only without it, warning once', () => {
    const warned: string[] = []
    const b = new Budget({ maxCostUsd: 0.01 }, w => warned.push(w))
    b.add({ model: 'gateway-model-x', ...usage(100, 100) }) // at Opus 4's $15 in / $75 out: $0.009
    expect(b.reached()).toBeUndefined()
    b.add({ model: 'gateway-model-x', ...usage(100, 100) })
    expect(b.totals()).toEqual({ costUsd: expect.closeTo(0.018, 9), tokens: 400, unpricedModels: ['gateway-model-x'] })
    expect(b.reached()).toMatch(/^max-cost-usd \(0.01\) reached/)
    expect(warned).toEqual([
      `The model API answered with model 'gateway-model-x', which the price table (${PRICES_AS_OF}) does not know: max-cost-usd counts it at the table's dearest rates; cost-usd leaves it out`
    ])

    const tokensOnly = new Budget({ maxTokens: 50 }, () => undefined)
    tokensOnly.add({ model: 'gateway-model-x', ...usage(20, 10) })
    expect(tokensOnly.totals()).toEqual({ costUsd: 0, tokens: 30, unpricedModels: ['gateway-model-x'] })
    expect(tokensOnly.reached()).toBeUndefined()
    tokensOnly.add({ model: 'gateway-model-x', ...usage(20, 0) })
    expect(tokensOnly.reached()).toMatch(/^max-tokens \(50\) reached/)
  })
})

describe('model proxy with a spending cap', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-budget-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const conversation = (stream: boolean) =>
    JSON.stringify({ model: 'claude-opus-5-5', stream, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'hi' }] })

  it('lets the response that crosses the cap finish, then refuses every new request with a 402 billing_error, ending the run once', async () => {
    // turn 1 alone costs $0.045 (1000 in, 2000 cache write, 5000 cache read, 1500 out at Opus 5.5 prices): over a $0.04 cap
    const api = await startAnthropicDouble(
      {
        turns: [
          { text: 'first', usage: { input_tokens: 1000, output_tokens: 1500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 5000 } },
          { text: 'never' }
        ]
      },
      { expectedKey: KEY }
    )
    const placeholder = makePlaceholder()
    const verdicts: UpstreamVerdict[] = []
    const logFile = path.join(dir, 'model.jsonl')
    const p = await startModelProxy({
      upstream: api.url,
      credential: { kind: 'api-key', value: KEY },
      placeholder,
      bindHost: '127.0.0.1',
      logFile,
      budget: { maxCostUsd: 0.04 },
      onUpstreamVerdict: v => verdicts.push(v)
    })
    const send = (body: string) =>
      fetch(`http://127.0.0.1:${p.port}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': placeholder },
        body
      }).then(async r => ({ status: r.status, text: await r.text() }))
    try {
      const first = await send(conversation(true))
      expect(first.status).toBe(200)
      expect(first.text).toContain('event: message_stop') // the whole stream came through
      for (let i = 0; i < 50 && !p.spent().costUsd; i++) await new Promise(r => setTimeout(r, 10)) // counted as the response closes
      expect(p.spent().costUsd).toBeCloseTo(0.045, 9)
      expect(verdicts).toEqual([]) // reaching the cap alone ends nothing: the next request does

      const second = await send(conversation(false))
      expect(second.status).toBe(402)
      expect(JSON.parse(second.text)).toEqual({
        type: 'error',
        error: {
          type: 'billing_error',
          message:
            'bot-bottle model proxy: max-cost-usd (0.04) reached: the model API responses relayed so far cost $0.045000 at list prices (9500 tokens). The run is over its spending cap.'
        }
      })
      expect((await send(conversation(false))).status).toBe(402)
      expect(api.conversation()).toHaveLength(1) // neither refused request went upstream
      expect(verdicts).toEqual([
        {
          conclusion: 'budget-exceeded',
          detail: 'max-cost-usd (0.04) reached: the model API responses relayed so far cost $0.045000 at list prices (9500 tokens)'
        }
      ])
      await p.close()
      const rows = fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as Record<string, unknown>)
      expect(rows.filter(r => r['reason'] === 'budget exceeded').map(r => r['status'])).toEqual([402, 402])
      // the host's figures from the same log: cost at list prices, cross-checked with claude's
      const figures = crossCheck(
        { subtype: 'success', isError: true, result: '', numTurns: 1, costUsd: 0.05, inputTokens: 8000, outputTokens: 1500, durationMs: 1, sessionId: '' },
        foldModelLog(rows.map(r => JSON.stringify(r)))
      )
      expect(figures).toMatchObject({ costUsd: 0.045, inputTokens: 8000, outputTokens: 1500, unpricedModels: [] })
      expect(figures.discrepancies).toEqual(["claude reported a cost of $0.05, the host's count at list prices is $0.045: the outputs carry the host's figure"])
    } finally {
      await p.close()
      await api.close()
    }
  })

  it('counts non-streamed (JSON) answers too, and a token cap without a price', async () => {
    const api = await startAnthropicDouble({ turns: [], usage: { input_tokens: 30, output_tokens: 10, cache_read_input_tokens: 60 } }, { expectedKey: KEY })
    const placeholder = makePlaceholder()
    const warned: string[] = []
    const p = await startModelProxy({
      upstream: api.url,
      credential: { kind: 'api-key', value: KEY },
      placeholder,
      bindHost: '127.0.0.1',
      budget: { maxTokens: 150 },
      warn: w => warned.push(w)
    })
    const send = () =>
      fetch(`http://127.0.0.1:${p.port}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': placeholder },
        body: JSON.stringify({ model: 'gateway-model-x', tools: [{ name: 't' }], messages: [] })
      }).then(r => r.status)
    try {
      expect(await send()).toBe(200)
      for (let i = 0; i < 50 && !p.spent().tokens; i++) await new Promise(r => setTimeout(r, 10))
      expect(p.spent()).toEqual({ costUsd: 0, tokens: 100, unpricedModels: ['gateway-model-x'] })
      expect(warned).toHaveLength(1)
      expect(await send()).toBe(200) // 100 < 150: still allowed
      for (let i = 0; i < 50 && p.spent().tokens < 200; i++) await new Promise(r => setTimeout(r, 10))
      expect(await send()).toBe(402)
    } finally {
      await p.close()
      await api.close()
    }
  })
})

describe('near the cap: the agent is told to finish before it is stopped', () => {
  it('Budget: once what is left is below one typical turn, says so once', () => {
    const b = new Budget({ maxCostUsd: 0.1 }, () => undefined)
    expect(b.nearlySpent()).toBeUndefined() // no turn counted yet: nothing to compare with
    b.add({ model: 'claude-opus-5-5', ...usage(5000, 500) }) // $0.03
    b.add({ model: 'claude-opus-5-5', ...usage(5000, 500) })
    expect(b.nearlySpent()).toBeUndefined() // $0.04 left, a turn costs $0.03
    b.add({ model: 'claude-opus-5-5', ...usage(5000, 500) }) // $0.09 spent: $0.01 left
    expect(b.nearlySpent()).toBe('$0.0100 of max-cost-usd 0.1 is left, a turn costs about $0.0300')
    expect(b.nearlySpent()).toBeUndefined() // once

    const t = new Budget({ maxTokens: 10_000 }, () => undefined)
    t.add({ model: 'x', ...usage(3000, 1000) })
    t.add({ model: 'x', ...usage(3000, 1000) })
    expect(t.nearlySpent()).toBe('2000 of max-tokens 10000 are left, a turn uses about 4000')
  })

  it('the proxy adds the note to the next conversation request, once, as the last block of its user turn; model.jsonl and the log say so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-note-'))
    // each turn: 5000 in, 500 out at Opus 5.5 = $0.03; under a $0.1 cap the note goes with the fourth request
    const api = await startAnthropicDouble(
      { turns: [], respond: () => ({ text: 'step', usage: { input_tokens: 5000, output_tokens: 500 } }) },
      { expectedKey: KEY }
    )
    const placeholder = makePlaceholder()
    const notices: string[] = []
    const logFile = path.join(dir, 'model.jsonl')
    const p = await startModelProxy({
      upstream: api.url,
      credential: { kind: 'api-key', value: KEY },
      placeholder,
      bindHost: '127.0.0.1',
      budget: { maxCostUsd: 0.1 },
      logFile,
      notice: l => notices.push(l)
    })
    const turn = (n: number) =>
      fetch(`http://127.0.0.1:${p.port}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': placeholder },
        body: JSON.stringify({
          model: 'claude-opus-5-5',
          max_tokens: 1000,
          tools: [{ name: 'Bash' }],
          messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: 'done', cache_control: { type: 'ephemeral' } }] }]
        })
      }).then(r => r.status)
    try {
      for (let n = 1; n <= 4; n++) {
        expect(await turn(n)).toBe(200)
        for (let i = 0; i < 50 && p.spent().tokens < n * 5500; i++) await new Promise(r => setTimeout(r, 10))
      }
      expect(await turn(5)).toBe(402) // $0.12 spent: the turn the note asked for was the last
      const lastBlocks = api.requests.map(r => (r.body.messages as { content: { type: string; text?: string }[] }[]).at(-1)!.content.at(-1)!)
      const noted = lastBlocks.map(b => b.type === 'text' && /^<system-reminder>budget nearly spent: finish and report/.test(b.text ?? ''))
      expect(noted).toEqual([false, false, false, true]) // $0.09 spent after three: $0.01 left, a turn costs $0.03
      expect(lastBlocks[3]!.text).toContain('$0.0100 of max-cost-usd 0.1 is left')
      // the cached tool_result block is kept before it (the prompt cache's prefix still matches)
      expect((api.requests[3]!.body.messages as { content: unknown[] }[]).at(-1)!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 't4' })
      expect(notices).toEqual([expect.stringMatching(/^Model proxy: budget nearly spent: finish and report \(\$0\.0100 of max-cost-usd 0\.1 is left/)])
      await p.close()
      const rows = fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as Record<string, unknown>)
      expect(rows.map(r => r['note'])).toEqual([undefined, undefined, undefined, 'budget nearly spent: finish and report', undefined])
      expect(rows.at(-1)).toMatchObject({ decision: 'refused', status: 402 })
    } finally {
      await p.close()
      await api.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
