import type http from 'node:http'

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), so no daemon
 * forwards them. `proxy-authorization` carries the bottle's per-run secret to the egress
 * proxy: it must never go further.
 */
export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade'
]

/** What each daemon also drops: the model proxy sets the host and the credential itself. */
export const MODEL_PROXY_DROPS: readonly string[] = ['host', 'x-api-key', 'authorization']

/**
 * The end-to-end headers of a message: without the hop-by-hop list, the headers its own
 * `Connection` header names, and the daemon's `extras`.
 */
export function endToEndHeaders(headers: http.IncomingHttpHeaders, extras: readonly string[] = []): http.OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map(h => h.trim().toLowerCase())
  const drop = new Set([...HOP_BY_HOP, ...named, ...extras])
  const out: http.OutgoingHttpHeaders = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !drop.has(k)) out[k] = v
  return out
}
