import { costOf, PRICES_AS_OF, type UsageRecord } from './price-table.js'
import type { Usage } from './usage-tap.js'

/** The caps a run was given (`max-cost-usd`, `max-tokens`); either may be absent. */
export interface BudgetLimits {
  maxCostUsd?: number
  maxTokens?: number
}

/** What the run spent so far, as the model proxy counted it from the responses it relayed. */
export interface Spent {
  costUsd: number
  /** input + cache writes + cache reads + output: every token the API billed */
  tokens: number
  /** models the price table does not know: their tokens count, their cost does not */
  unpricedModels: string[]
}

/** The usage record of one relayed response, from the API's own field names. */
export function usageRecord(model: string | undefined, u: Usage): UsageRecord {
  return { model, input: u.input_tokens, output: u.output_tokens, cacheCreation: u.cache_creation_input_tokens, cacheRead: u.cache_read_input_tokens, cacheCreation1h: u.cache_creation_1h_input_tokens }
}

/** Every token a response was billed for. */
export const billedTokens = (u: UsageRecord): number => u.input + u.cacheCreation + u.cacheRead + u.output

/**
 * The run's spending caps, enforced by the model proxy: it adds each relayed response's usage
 * and asks, before forwarding a new request, whether a cap is reached. A response in flight
 * when the cap is reached still finishes (the cap can be overshot by that much). A model the
 * price table does not know counts toward `max-tokens` only, with one warning.
 */
export class Budget {
  private spent: Spent = { costUsd: 0, tokens: 0, unpricedModels: [] }

  constructor(
    readonly limits: BudgetLimits,
    private readonly warn: (line: string) => void
  ) {}

  add(u: UsageRecord): void {
    this.spent.tokens += billedTokens(u)
    const cost = costOf(u)
    if (cost !== undefined) this.spent.costUsd += cost
    else this.unpriced(u.model ?? '(no model named)')
  }

  totals(): Spent {
    return { ...this.spent, unpricedModels: [...this.spent.unpricedModels] }
  }

  /** One line saying which cap is reached, or undefined while the run may go on. */
  reached(): string | undefined {
    const { maxCostUsd, maxTokens } = this.limits
    if (maxCostUsd !== undefined && this.spent.costUsd >= maxCostUsd) {
      return `max-cost-usd (${maxCostUsd}) reached: the model API responses relayed so far cost $${this.spent.costUsd.toFixed(6)} at list prices (${this.spent.tokens} tokens)`
    }
    if (maxTokens !== undefined && this.spent.tokens >= maxTokens) {
      return `max-tokens (${maxTokens}) reached: the model API responses relayed so far used ${this.spent.tokens} tokens (input, cache and output)`
    }
    return undefined
  }

  private unpriced(model: string): void {
    if (this.spent.unpricedModels.includes(model) || this.spent.unpricedModels.length >= 20) return
    this.spent.unpricedModels.push(model)
    const cap = this.limits.maxCostUsd !== undefined ? `max-cost-usd cannot be enforced for it; only max-tokens${this.limits.maxTokens !== undefined ? '' : ' (not set)'} applies` : 'its cost is not counted in cost-usd'
    this.warn(`The model API answered with model '${model.slice(0, 100)}', which the price table (${PRICES_AS_OF}) does not know: ${cap}`)
  }
}
