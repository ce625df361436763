/**
 * What the model proxy forwards: only the requests Claude Code makes. Recorded from the real
 * binary (claude 2.1.332, `claude -p … --output-format stream-json --verbose`, with
 * CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 as the bottle sets it, API key and OAuth token,
 * a text turn and a Bash tool turn) against a loopback recorder: every request was
 *   POST /v1/messages?beta=true
 * The binary also holds POST /v1/messages/count_tokens?beta=true (token counting, no side
 * effects), allowed too. Everything else the SDK can reach with the real key — Files,
 * Batches, Models, Skills, admin endpoints — is refused.
 */
export const MODEL_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'POST', path: '/v1/messages' },
  { method: 'POST', path: '/v1/messages/count_tokens' }
]
/** the query strings claude sends, exactly */
export const MODEL_QUERIES: readonly string[] = ['', 'beta=true']

export type ModelRoute = { ok: true; path: string; query: string } | { ok: false; path: string; reason: string }

/** The path to log for a refused target: no query (it could carry anything), bounded. */
export function loggedPath(target: string): string {
  return target.split('?')[0]!.slice(0, 200)
}

/**
 * Splits an origin-form target (`/…`) into path and query, or says why it is refused: `..`, `.`,
 * `//`, backslashes and percent-encoding (which could hide any of those, or `/`, from a gateway
 * that decodes) are refused rather than normalised, since claude sends none of them.
 */
export function splitTarget(target: string): { path: string; query: string } | { reason: string } {
  if (!target.startsWith('/') || target.startsWith('//')) return { reason: 'absolute-form or authority-form target' }
  const q = target.indexOf('?')
  const path = q < 0 ? target : target.slice(0, q)
  const query = q < 0 ? '' : target.slice(q + 1)
  if (path.includes('\\')) return { reason: 'backslash in path' }
  if (path.includes('%')) return { reason: 'percent-encoded characters in path' }
  if (path.split('/').some(s => s === '..' || s === '.')) return { reason: 'dot-segment (..) in path' }
  if (path.includes('//')) return { reason: 'empty path segment (//)' }
  return { path, query }
}

/** Judges a request target as the guest sent it (Anthropic API routes). */
export function judgeModelRequest(method: string, target: string): ModelRoute {
  const split = splitTarget(target)
  if ('reason' in split) return { ok: false, path: loggedPath(target), reason: split.reason }
  const { path, query } = split
  const refuse = (reason: string): ModelRoute => ({ ok: false, path: loggedPath(target), reason })
  const route = MODEL_ROUTES.find(r => r.path === path)
  if (!route) return refuse(`${path} is not an endpoint Claude Code uses`)
  if (route.method !== method) return refuse(`method ${method.slice(0, 20)} not allowed on ${path}`)
  if (!MODEL_QUERIES.includes(query)) return refuse('query string other than claude sends')
  return { ok: true, path, query }
}
