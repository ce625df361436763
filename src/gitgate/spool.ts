import fs from 'node:fs'
import type http from 'node:http'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { pushTooLarge, type GateLimits } from './limits.js'

/** A request body on disk, as the upstream's receive-pack will read it (decoded), and its first bytes. */
export interface SpooledBody {
  file: string
  size: number
  /** the first `maxCommandListBytes` bytes, where the command list is */
  head: Buffer
}

/** The body broke a limit; `head` is what arrived before (enough to name the refs, usually). */
export class BodyRefusedError extends Error {
  constructor(
    message: string,
    readonly head: Buffer,
    readonly size: number
  ) {
    super(message)
  }
}

/** The request's Content-Encoding as git's http-backend reads it; undefined for one it does not know. */
export function bodyEncoding(req: http.IncomingMessage): 'gzip' | 'identity' | undefined {
  const value = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  if (value === 'gzip' || value === 'x-gzip') return 'gzip'
  return value === '' || value === 'identity' ? 'identity' : undefined
}

/** Counts bytes as they pass; `check` may refuse the stream by throwing. */
function meter(onBytes: (n: number, chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      try {
        onBytes(chunk.length, chunk)
        done(null, chunk)
      } catch (err) {
        done(err as Error)
      }
    }
  })
}

/**
 * Streams a request body (gunzipped if it says gzip) to `file` (0600), never holding more
 * than its head in memory, and stops at the first limit it breaks: decoded size, compressed
 * size, or the gzip inflation ratio. On a limit the request is left unread for the caller
 * (to answer, then drain); any other failure rejects with that error.
 */
export async function spoolBody(req: http.IncomingMessage, file: string, limits: GateLimits): Promise<SpooledBody> {
  let wire = 0
  let size = 0
  const head: Buffer[] = []
  let headBytes = 0
  const gzip = bodyEncoding(req) === 'gzip'
  const refuse = (what: string) => new BodyRefusedError(what, Buffer.concat(head), size)
  const wireMeter = meter(n => {
    wire += n
    if (wire > limits.maxPushBytes) throw refuse(pushTooLarge(limits))
  })
  const decodedMeter = meter((n, chunk) => {
    size += n
    if (headBytes < limits.maxCommandListBytes) {
      head.push(chunk.subarray(0, limits.maxCommandListBytes - headBytes))
      headBytes += Math.min(n, limits.maxCommandListBytes - headBytes)
    }
    if (size > limits.maxPushBytes) throw refuse(pushTooLarge(limits, true))
    if (gzip && size > limits.inflateGraceBytes && size > wire * limits.maxInflateRatio) {
      throw refuse(`bot-bottle: gzip body inflates more than ${limits.maxInflateRatio}:1 (a compression bomb?)`)
    }
  })
  // the request is piped by hand, so a refusal below does not destroy it (the answer still has to reach the client)
  req.pipe(wireMeter)
  req.on('close', () => {
    if (!req.complete) wireMeter.destroy(new Error('the client closed the connection mid-push'))
  })
  try {
    await pipeline([wireMeter, ...(gzip ? [zlib.createGunzip()] : []), decodedMeter, fs.createWriteStream(file, { mode: 0o600 })])
  } catch (err) {
    req.unpipe(wireMeter)
    if (err instanceof BodyRefusedError) throw err
    if ((err as { code?: string }).code?.startsWith('Z_')) throw refuse(`bot-bottle: the body is not valid gzip (${(err as Error).message})`)
    throw err
  }
  return { file, size, head: Buffer.concat(head) }
}

/**
 * Reads and discards what is left of a refused body, so that git, which sends its whole body
 * before it reads the answer, gets the refusal in its report instead of a reset connection.
 * Discarding costs no memory; a client still sending after `maxMs` is cut off.
 */
export function drainRequest(req: http.IncomingMessage, maxMs = DRAIN_MS): void {
  const cutOff = setTimeout(() => req.socket.destroy(), maxMs)
  cutOff.unref()
  req.on('end', () => clearTimeout(cutOff))
  req.on('close', () => clearTimeout(cutOff))
  req.resume()
}

/** How long a refused push may go on sending before the gate drops the connection. */
export const DRAIN_MS = 60_000
