import type { ModelUsageTotals } from '../../proxy/model-proxy.js'

/** How often a quiet run says it is still alive. */
export const HEARTBEAT_MS = 3 * 60_000

/**
 * While claude runs, one line every few minutes — how long, how many model calls, the tokens the
 * model proxy saw — so a long quiet run does not look hung in the log.
 */
export function startHeartbeat(usage: () => ModelUsageTotals, log: (line: string) => void, everyMs = HEARTBEAT_MS, now: () => number = Date.now): () => void {
  const started = now()
  const timer = setInterval(() => {
    const u = usage()
    const minutes = Math.round((now() - started) / 60_000)
    const tokensIn = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens
    log(`still running: ${minutes} min, ${u.requests} model call(s), ${tokensIn} tokens in, ${u.output_tokens} out so far`)
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
