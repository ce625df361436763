import type { BudgetLimits } from '../config/config.js'
import { costOf, dearestCostOf, PRICES_AS_OF, type UsageRecord, usageRecord } from '../transcript/price-table.js'
import type { CountedUsage } from './usage-tap.js'

/** What the run spent so far, as the model proxy counted it from the responses it relayed. */
export interface Spent {
  costUsd: number
  /** input + cache writes + cache reads + output: every token the API billed */
  tokens: number
  /** models the price table does not know: under max-cost-usd they count at the table's dearest rates */
  unpricedModels: string[]
}

/**
 * What a finished request counts: the usage the API reported when its answer was read to the
 * end (a stream's `message_delta`, a whole JSON body). An answer the proxy could not read
 * through — cut short, never sending its final usage, in an encoding or shape the tap does not
 * parse — counts as `ask`, its worst case, and never less than what was read (a stream's
 * `message_start` names only the first sampling's input: with server tools the rest comes at the
 * end). An error status is billed nothing.
 */
export function billedFor(ask: UsageRecord, status: number, read: CountedUsage, asksOneHourCache = false): UsageRecord | undefined {
  const model = read.model ?? ask.model
  if (status >= 400) return read.usage && usageRecord(model, read.usage)
  if (!read.usage) return { ...ask, model: ask.model && model }
  const seen = usageRecord(model, read.usage)
  // cache writes whose TTL split is not reported, of a request that asked for 1-hour entries: all at the 1-hour rate
  if (asksOneHourCache && seen.cacheCreation1h === undefined) seen.cacheCreation1h = seen.cacheCreation
  if (read.complete) return seen
  const most = (a: number | undefined, b: number | undefined) => Math.max(a ?? 0, b ?? 0)
  return {
    model: ask.model && model, // a worst case priced at the dearest rates (an advisor's) stays so
    input: most(seen.input, ask.input),
    output: most(seen.output, ask.output),
    cacheCreation: most(seen.cacheCreation, ask.cacheCreation),
    cacheCreation1h: most(seen.cacheCreation1h, ask.cacheCreation1h),
    cacheRead: most(seen.cacheRead, ask.cacheRead),
    webSearches: most(seen.webSearches, ask.webSearches)
  }
}

/** Whether a request body asks for 1-hour cache entries (`"cache_control": {"type": "ephemeral", "ttl": "1h"}`). */
export function asksOneHourCache(raw: Buffer): boolean {
  return /"ttl"\s*:\s*"1h"/.test(raw.toString('utf8'))
}

/** Every token a response was billed for. */
export const billedTokens = (u: UsageRecord): number => u.input + u.cacheCreation + u.cacheRead + u.output

/**
 * The run's spending caps, enforced by the model proxy: it adds each relayed response's usage
 * and asks, before forwarding a new request, whether a cap is reached. Requests in flight hold
 * their worst case (request-bound.ts) as a reservation: a new one goes only when its worst case
 * fits beside theirs and what was spent under the caps, or when nothing else is in flight, and
 * otherwise waits its turn. So the caps are overshot by at most one request's worst case: the one
 * let through alone while under the cap. A model the price table does not know is counted at the
 * table's dearest rates under `max-cost-usd` (else a request naming an old or unlisted model
 * would spend without limit), with one warning.
 */
export class Budget {
  private spent: Spent = { costUsd: 0, tokens: 0, unpricedModels: [] }
  private reserved = { costUsd: 0, tokens: 0 }
  private inFlight = 0
  private waiting: (() => void)[] = []
  /** responses counted so far, for the cost of a typical turn */
  private counted = 0
  private noted = false

  constructor(
    readonly limits: BudgetLimits,
    private readonly warn: (line: string) => void
  ) {}

  add(u: UsageRecord): void {
    this.counted++
    this.spent.tokens += billedTokens(u)
    if (costOf(u) === undefined) this.unpriced(u.model ?? '(no model named)')
    this.spent.costUsd += this.costFor(u)
  }

  /** Its list price; a model the table does not know at the dearest rates under a cost cap (else nothing). */
  private costFor(u: UsageRecord): number {
    return costOf(u) ?? (this.limits.maxCostUsd !== undefined ? dearestCostOf(u) : 0)
  }

  /**
   * Waits until a request whose worst case is `ask` may go, then reserves it: undefined, and the
   * caller must `settle` it once; or the line saying which cap is reached (nothing reserved).
   * A request that is billed nothing (count_tokens) has no `ask` and holds nothing.
   */
  async admit(ask: UsageRecord | undefined): Promise<string | undefined> {
    const hold = this.holdOf(ask)
    for (;;) {
      const over = this.reached()
      if (over) return over
      if (this.inFlight === 0 || this.fits(hold)) break
      await new Promise<void>(resolve => this.waiting.push(resolve))
    }
    this.inFlight++
    this.reserved.costUsd += hold.costUsd
    this.reserved.tokens += hold.tokens
    return undefined
  }

  /** Ends an admitted request: frees its reservation, adds what it was billed, lets the waiting look again. */
  settle(ask: UsageRecord | undefined, billed: UsageRecord | undefined): void {
    const hold = this.holdOf(ask)
    this.inFlight--
    this.reserved.costUsd -= hold.costUsd
    this.reserved.tokens -= hold.tokens
    if (billed) this.add(billed)
    for (const wake of this.waiting.splice(0)) wake()
  }

  private holdOf(ask: UsageRecord | undefined): { costUsd: number; tokens: number } {
    return ask ? { costUsd: this.costFor(ask), tokens: billedTokens(ask) } : { costUsd: 0, tokens: 0 }
  }

  /**
   * Once in a run: when what is left under a cap is less than one typical turn (the mean of the
   * responses counted so far), the line that says so, for the note the proxy adds to the next
   * request so the agent finishes and reports before it is stopped; else undefined.
   */
  nearlySpent(): string | undefined {
    if (this.noted || this.counted === 0 || this.reached()) return undefined
    const { maxCostUsd, maxTokens } = this.limits
    const turnCost = this.spent.costUsd / this.counted
    const turnTokens = this.spent.tokens / this.counted
    let left: string | undefined
    if (maxCostUsd !== undefined && maxCostUsd - this.spent.costUsd < turnCost)
      left = `$${(maxCostUsd - this.spent.costUsd).toFixed(4)} of max-cost-usd ${maxCostUsd} is left, a turn costs about $${turnCost.toFixed(4)}`
    else if (maxTokens !== undefined && maxTokens - this.spent.tokens < turnTokens)
      left = `${maxTokens - this.spent.tokens} of max-tokens ${maxTokens} are left, a turn uses about ${Math.round(turnTokens)}`
    if (left) this.noted = true
    return left
  }

  private fits(hold: { costUsd: number; tokens: number }): boolean {
    const { maxCostUsd, maxTokens } = this.limits
    const cost = this.spent.costUsd + this.reserved.costUsd + hold.costUsd
    const tokens = this.spent.tokens + this.reserved.tokens + hold.tokens
    return (maxCostUsd === undefined || cost < maxCostUsd) && (maxTokens === undefined || tokens < maxTokens)
  }

  totals(): Spent {
    return { ...this.spent, unpricedModels: [...this.spent.unpricedModels] }
  }

  /** One line saying which cap is reached, or undefined while the run may go on. */
  reached(): string | undefined {
    const { maxCostUsd, maxTokens } = this.limits
    if (maxCostUsd !== undefined && this.spent.costUsd >= maxCostUsd) {
      const spent = `$${this.spent.costUsd.toFixed(6)} at list prices (${this.spent.tokens} tokens)`
      return `max-cost-usd (${maxCostUsd}) reached: the model API responses relayed so far cost ${spent}`
    }
    if (maxTokens !== undefined && this.spent.tokens >= maxTokens) {
      return `max-tokens (${maxTokens}) reached: the model API responses relayed so far used ${this.spent.tokens} tokens (input, cache and output)`
    }
    return undefined
  }

  private unpriced(model: string): void {
    if (this.spent.unpricedModels.includes(model) || this.spent.unpricedModels.length >= 20) return
    this.spent.unpricedModels.push(model)
    const cap =
      this.limits.maxCostUsd !== undefined
        ? "max-cost-usd counts it at the table's dearest rates; cost-usd leaves it out"
        : 'its cost is not counted in cost-usd'
    this.warn(`The model API answered with model '${model.slice(0, 100)}', which the price table (${PRICES_AS_OF}) does not know: ${cap}`)
  }
}
