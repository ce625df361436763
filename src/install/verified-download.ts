import crypto from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage } from 'node:http'
import zlib from 'node:zlib'
import { HttpClient } from '@actions/http-client'
import { integrityMatches, parseIntegrity } from './integrity.js'

/** Attempts per download, and the pause before each retry (a registry blip, a 5xx). */
const ATTEMPTS = 3
const RETRY_PAUSE_MS = [1_000, 3_000]

/**
 * What an honest tarball can inflate to: claude's packages inflate ~2.2× (186 MB → 402 MB).
 * The decompressed bytes reach RUNNER_TEMP before the integrity is known, so a tampered
 * download (a gzip bomb inflates ~1000×) must not be able to fill the disk first.
 */
export const MAX_INFLATION = 16
const INFLATION_SLACK = 64 * 1024 * 1024

export interface DownloadLimits {
  /** no byte for this long: the connection is given up (and tried again) */
  idleMs?: number
  /** more than this many bytes received: refused (claude's packages are ~190 MB) */
  maxBytes?: number
}
const LIMITS: Required<DownloadLimits> = { idleMs: 60_000, maxBytes: 2 * 1024 ** 3 }

/** The download was refused or cut: worth another attempt (a network fault, a 5xx, 408, 429). */
class RetryableDownloadError extends Error {}

/** More bytes came than any claude package has: not worth another attempt. */
class TooLargeError extends Error {}

export interface VerifiedTar {
  /** the decompressed tarball, never extracted here */
  tarFile: string
  /** whether the bytes received match the integrity (only then may tarFile be extracted) */
  verified: boolean
  /** whether they were a whole gzip stream */
  gzip: boolean
  /** whether decompression was stopped because it outgrew the download MAX_INFLATION times */
  overInflated: boolean
  bytes: number
}

/**
 * Downloads a gzipped tarball once, hashing it and decompressing it to `tarFile` as the bytes
 * arrive, so neither waits for the download to end. Nothing is extracted: the caller extracts
 * tarFile only when `verified`. A stream that is not gzip (a corrupted or tampered download)
 * is still hashed to the end, so the integrity decides what is said. Disk faults (a full
 * RUNNER_TEMP) are thrown as they are; network faults are retried, then thrown.
 * The runner's proxy settings apply (@actions/http-client reads them).
 */
export async function downloadVerifiedTar(
  url: string,
  integrity: string,
  tarFile: string,
  onBytes: (bytes: number) => void = () => undefined,
  limits: DownloadLimits = {}
): Promise<VerifiedTar> {
  const wanted = parseIntegrity(integrity)
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptDownload(url, wanted, tarFile, onBytes, { ...LIMITS, ...limits })
    } catch (err) {
      fs.rmSync(tarFile, { force: true })
      if (!(err instanceof RetryableDownloadError) || attempt >= ATTEMPTS) throw err
      await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS[attempt - 1]))
    }
  }
}

async function attemptDownload(
  url: string,
  wanted: ReturnType<typeof parseIntegrity>,
  tarFile: string,
  onBytes: (bytes: number) => void,
  limits: Required<DownloadLimits>
): Promise<VerifiedTar> {
  let res: IncomingMessage
  try {
    res = (await new HttpClient('bot-bottle').get(url)).message
  } catch (err) {
    throw new RetryableDownloadError((err as Error).message)
  }
  const status = res.statusCode ?? 0
  if (status < 200 || status >= 300) {
    res.resume()
    const message = `Unexpected HTTP response: ${status}`
    throw status >= 500 || status === 408 || status === 429 ? new RetryableDownloadError(message) : new Error(message)
  }
  const hashes = new Map([...new Set(wanted.map(w => w.algorithm))].map(a => [a, crypto.createHash(a)]))
  const out = fs.createWriteStream(tarFile, { mode: 0o600 })
  const gunzip = zlib.createGunzip()
  let unzipFailed = false
  let overInflated = false
  let diskFault: Error | undefined
  let bytes = 0
  let inflated = 0
  const stopUnzip = () => {
    if (unzipFailed) return
    unzipFailed = true // the integrity check says what went wrong
    gunzip.unpipe(out)
    out.end()
  }
  gunzip.on('error', stopUnzip)
  out.on('error', err => {
    diskFault ??= err
  })
  gunzip.pipe(out)
  // after pipe's own listener: the chunk that crosses the line is written, then out ends
  gunzip.on('data', (c: Buffer) => {
    inflated += c.length
    if (inflated > bytes * MAX_INFLATION + INFLATION_SLACK) {
      overInflated = true
      stopUnzip()
      gunzip.destroy()
    }
  })
  // a registry that stops sending, but keeps the connection open, must not hang the run
  const socket = res.socket
  const onIdle = () => res.destroy(new Error(`no data for ${limits.idleMs / 1000} s`))
  socket?.setTimeout(limits.idleMs)
  socket?.once('timeout', onIdle)
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > limits.maxBytes) throw new TooLargeError(`the download is larger than ${limits.maxBytes} bytes`)
      onBytes(bytes)
      for (const h of hashes.values()) h.update(chunk)
      if (diskFault) throw diskFault
      if (!unzipFailed && !gunzip.write(chunk)) await drained(gunzip, () => unzipFailed || diskFault !== undefined)
    }
  } catch (err) {
    gunzip.destroy()
    out.destroy()
    if (err === diskFault || err instanceof TooLargeError) throw err
    throw new RetryableDownloadError((err as Error).message) // the connection broke mid-download
  } finally {
    socket?.setTimeout(0)
    socket?.off('timeout', onIdle)
  }
  if (!unzipFailed) gunzip.end()
  if (!out.closed) await new Promise<void>(resolve => out.once('close', () => resolve()))
  if (diskFault) throw diskFault
  const digests = new Map([...hashes].map(([a, h]) => [a, h.digest('base64')]))
  return { tarFile, verified: integrityMatches(wanted, digests), gzip: !unzipFailed, overInflated, bytes }
}

/** Waits for room in `stream`, or until `failed()` says waiting is pointless. */
function drained(stream: NodeJS.WritableStream, failed: () => boolean): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      clearInterval(poll)
      stream.off('drain', done)
      resolve()
    }
    const poll = setInterval(() => failed() && done(), 50)
    stream.once('drain', done)
  })
}
