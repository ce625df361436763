/**
 * Token counts of one API `usage` object (a Messages response, claude's per-message or result
 * usage, a model.jsonl row), counted the one way every figure of the action uses: **input
 * tokens include cache writes and cache reads** (`input_tokens + cache_creation_input_tokens +
 * cache_read_input_tokens`), as the API bills them and as claude's result reports them. The
 * job summary, the outputs, the report header and each turn of the report all go through here.
 */
export interface TokenCounts {
  /** uncached input + cache writes + cache reads */
  input: number
  output: number
  cacheCreation: number
  cacheRead: number
}

type Json = Record<string, unknown>

/** A count as the API gives it: a finite number, not below 0; anything else (a forged field) is 0. */
export const tokenCount = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)

export function tokenCounts(usage: unknown): TokenCounts {
  const u = (usage && typeof usage === 'object' ? usage : {}) as Json
  const cacheCreation = tokenCount(u['cache_creation_input_tokens'])
  const cacheRead = tokenCount(u['cache_read_input_tokens'])
  return { input: tokenCount(u['input_tokens']) + cacheCreation + cacheRead, output: tokenCount(u['output_tokens']), cacheCreation, cacheRead }
}
