import type http from 'node:http'
import type { Usage } from '../../transcript/price-table.js'

/**
 * One model provider behind the model proxy. The proxy does what every provider shares (reads and
 * vets the body, relays the answer unbuffered, logs, watches the upstream's health); a provider
 * says which guest requests it forwards and where, authenticates the outgoing request, and reads
 * the usage from its answer format.
 */
export interface ModelProvider {
  readonly name: 'anthropic' | 'bedrock' | 'vertex'
  /** the upstream (origin, maybe a path prefix) */
  readonly upstream: URL
  /** Judges a guest request: refused (with the status and why), or the upstream path to forward it to. */
  judge(method: string, target: string, headers: http.IncomingHttpHeaders): ProviderRoute
  /**
   * The headers to send upstream for this exact request, credentials added (a signature covers
   * the host, path and body, so it is made last, over what is sent). Rejects when the runner's
   * credentials cannot be had; the message says what to set up.
   */
  authorize(req: OutgoingModelRequest): Promise<http.OutgoingHttpHeaders>
  /** Reads the model and usage from a copy of the answer as it streams by. */
  usageTap(contentType: string, contentEncoding: string): UsageTap
}

export type ProviderRoute =
  | { ok: true /** the path to log (no secret, no query) */; path: string; upstreamPath: string /** the model, where the path names it */; model?: string }
  | { ok: false; status: 401 | 403; path: string; reason: string; message: string }

export interface OutgoingModelRequest {
  method: string
  /** path and query, as sent */
  path: string
  /** the end-to-end headers, host and content-length set */
  headers: http.OutgoingHttpHeaders
  body: Buffer
}

export interface UsageTap {
  write(chunk: Buffer): void
  result(): Promise<{ model?: string; usage?: Usage }>
}

/** A refusal the proxy answers itself. */
export function refusal(status: 401 | 403, path: string, reason: string, message: string): ProviderRoute {
  return { ok: false, status, path, reason, message }
}
