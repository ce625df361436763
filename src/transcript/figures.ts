import type { ModelFigures } from './model-log.js'
import type { ResultMessage } from './stream-parser.js'

/**
 * The run's figures as reported: turns and tokens from what the model proxy saw on the host
 * (claude's stdout can be forged from inside the bottle), cross-checked with claude's own
 * result line; cost is claude's figure (the host keeps no price list), labelled as such.
 */
export interface RunFigures {
  /** where turns and tokens come from: the host's model proxy log, or (without one) claude's result */
  source: 'model-proxy' | 'claude'
  turns: number
  inputTokens: number
  outputTokens: number
  /** claude's total_cost_usd: agent-reported */
  costUsd: number
  /** model requests the proxy refused (0 without a proxy log) */
  refusedModelRequests: number
  /** claude's own figures from its result line, when there is one */
  claude?: { turns: number; inputTokens: number; outputTokens: number }
  /** where the two disagree, and what was wrong with the stream: one line each */
  discrepancies: string[]
}

export const FIGURES_FILE = 'figures.json'

export function crossCheck(result: ResultMessage | undefined, host: ModelFigures | undefined, streamAnomalies: readonly string[] = []): RunFigures {
  const claude = result && { turns: result.numTurns, inputTokens: result.inputTokens, outputTokens: result.outputTokens }
  const discrepancies = [...streamAnomalies]
  if (!host) {
    return { source: 'claude', turns: claude?.turns ?? 0, inputTokens: claude?.inputTokens ?? 0, outputTokens: claude?.outputTokens ?? 0, costUsd: result?.costUsd ?? 0, refusedModelRequests: 0, claude, discrepancies }
  }
  const seen = { turns: host.modelCalls, inputTokens: host.inputTokens, outputTokens: host.outputTokens }
  if (claude) {
    const labels = { turns: 'turns', inputTokens: 'input tokens', outputTokens: 'output tokens' } as const
    for (const k of Object.keys(labels) as (keyof typeof labels)[]) {
      if (claude[k] !== seen[k]) discrepancies.push(`claude reported ${claude[k]} ${labels[k]}, the model proxy saw ${seen[k]}: the outputs carry the proxy's figure`)
    }
  }
  return { source: 'model-proxy', ...seen, costUsd: result?.costUsd ?? 0, refusedModelRequests: host.refused, claude, discrepancies }
}
