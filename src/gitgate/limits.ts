/**
 * What one push may cost the host. The gate writes a push to disk (never holds it in memory)
 * and judges one push at a time; these bound the disk and the queue.
 */
export interface GateLimits {
  /**
   * Bytes of one receive-pack request body, after gunzip (the command list plus the pack).
   * A push sends only the objects the upstream lacks; GitHub itself refuses pushes over 2 GiB.
   * Set by the `git-max-push-mb` input (MiB).
   */
  maxPushBytes: number
  /**
   * Bytes of new objects (blobs, commits, tags, inflated) the content rules read for one push:
   * a small pack may inflate far beyond its size (deltas, zlib), and every byte is scanned.
   */
  maxScanBytes: number
  /** how long one git command of the content check (index-pack, the scan) may run */
  scanTimeoutMs: number
  /**
   * Decompressed/compressed ratio a gzip body may reach once past `inflateGraceBytes`. Git
   * gzips only small bodies, and mostly of a pack that is already deflated (ratio near 1);
   * a gzip bomb inflates about 1000:1.
   */
  maxInflateRatio: number
  /** decompressed bytes before the ratio is checked (a small command list compresses well) */
  inflateGraceBytes: number
  /** bytes at the start of the body the command list (ref updates, push options) must fit in */
  maxCommandListBytes: number
  /** pushes waiting while one is judged; beyond this, a push is refused (HTTP 503) */
  maxQueuedPushes: number
}

export const DEFAULT_GATE_LIMITS: Readonly<GateLimits> = {
  maxPushBytes: 100 * 1024 ** 2,
  maxScanBytes: 2 * 1024 ** 3,
  scanTimeoutMs: 10 * 60_000,
  maxInflateRatio: 100,
  inflateGraceBytes: 8 * 1024 ** 2,
  maxCommandListBytes: 1024 ** 2,
  maxQueuedPushes: 8
}

/** GitHub refuses files over 100 MiB; the gate indexes objects up to that or `git-max-push-mb`, whichever is larger. */
const GITHUB_FILE_LIMIT = 100 * 1024 ** 2

/**
 * The largest single object (inflated) git may build in memory while the gate indexes and
 * scans a push (GIT_ALLOC_LIMIT): a delta of a few bytes can declare gigabytes, which git
 * would allocate and hash on the runner, outside the bottle's memory limit.
 */
export function maxObjectBytes(limits: GateLimits): number {
  return Math.max(limits.maxPushBytes, GITHUB_FILE_LIMIT)
}

/** A size for a message, e.g. `1 GiB`, `8 MiB`, `512 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024]
  ] as const)
    if (n >= size) return `${+(n / size).toFixed(1)} ${unit}`
  return `${n} bytes`
}

/** The message for a push over `git-max-push-mb`. */
export function pushTooLarge(limits: GateLimits, decompressed = false): string {
  const limit = `${formatBytes(limits.maxPushBytes)}${decompressed ? ' (decompressed)' : ''}`
  return `bot-bottle: push larger than the gate's limit of ${limit} (input git-max-push-mb); push less at once`
}
