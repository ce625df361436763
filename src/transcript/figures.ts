import type { ModelFigures } from './model-log.js'
import type { ResultMessage } from './stream-parser.js'

/**
 * The run's figures as reported: turns, tokens and cost from what the model proxy saw on the
 * host (claude's stdout can be forged from inside the bottle), cost at the price table's list
 * prices, cross-checked with claude's own result line.
 */
export interface RunFigures {
  /** where turns and tokens come from: the host's model proxy log, or (without one) claude's result */
  source: 'model-proxy' | 'claude'
  turns: number
  inputTokens: number
  outputTokens: number
  /** USD at list prices (price-table.ts) from the host's count; claude's total_cost_usd only without a proxy log */
  costUsd: number
  /** models the price table does not know: their tokens are counted, their cost is not */
  unpricedModels?: string[]
  /** model requests the proxy refused (0 without a proxy log) */
  refusedModelRequests: number
  /** claude's own figures from its result line, when there is one */
  claude?: { turns: number; inputTokens: number; outputTokens: number; costUsd: number }
  /** where the two disagree, and what was wrong with the stream: one line each */
  discrepancies: string[]
}

export const FIGURES_FILE = 'figures.json'

export function crossCheck(result: ResultMessage | undefined, host: ModelFigures | undefined, streamAnomalies: readonly string[] = []): RunFigures {
  const claude = result && { turns: result.numTurns, inputTokens: result.inputTokens, outputTokens: result.outputTokens, costUsd: result.costUsd }
  const discrepancies = [...streamAnomalies]
  if (!host) {
    return {
      source: 'claude',
      turns: claude?.turns ?? 0,
      inputTokens: claude?.inputTokens ?? 0,
      outputTokens: claude?.outputTokens ?? 0,
      costUsd: result?.costUsd ?? 0,
      refusedModelRequests: 0,
      claude,
      discrepancies
    }
  }
  // a millionth of a dollar is the precision both sides round to
  const seen = { turns: host.modelCalls, inputTokens: host.inputTokens, outputTokens: host.outputTokens, costUsd: Math.round(host.costUsd * 1e6) / 1e6 }
  if (claude) {
    const labels = { turns: 'turns', inputTokens: 'input tokens', outputTokens: 'output tokens' } as const
    for (const k of Object.keys(labels) as (keyof typeof labels)[]) {
      if (claude[k] !== seen[k])
        discrepancies.push(`claude reported ${claude[k]} ${labels[k]}, the model proxy saw ${seen[k]}: the outputs carry the proxy's figure`)
    }
    if (Math.abs(claude.costUsd - seen.costUsd) > 2e-6) {
      discrepancies.push(
        `claude reported a cost of $${claude.costUsd}, the host's count at list prices is $${seen.costUsd}` +
          (host.unpricedModels.length ? ` (without the unpriced ${host.unpricedModels.join(', ')})` : '') +
          ": the outputs carry the host's figure"
      )
    }
  }
  return { source: 'model-proxy', ...seen, unpricedModels: host.unpricedModels, refusedModelRequests: host.refused, claude, discrepancies }
}
