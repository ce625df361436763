import * as core from '@actions/core'

/** What the host concludes from the upstream's answers, when claude would only retry (or a spending cap is reached). */
export interface UpstreamVerdict {
  conclusion: 'auth-error' | 'api-unreachable' | 'budget-exceeded'
  /** one line: what the upstream said or why it could not be reached */
  detail: string
}

export interface UpstreamHealthLimits {
  /** consecutive failed connections that conclude the upstream is unreachable */
  attempts: number
  /** or this long without one answer */
  windowMs: number
  /** at most one "rate-limited / overloaded, claude is retrying" line per this */
  noticeEveryMs: number
}

export const DEFAULT_UPSTREAM_LIMITS: UpstreamHealthLimits = { attempts: 4, windowMs: 30_000, noticeEveryMs: 60_000 }

/**
 * Watches the model upstream's answers as the proxy relays them. Claude retries a rejected
 * credential and an unreachable API for minutes; the host sees the first 401 and every failed
 * connection, so it can end the run in seconds with a line naming the input to fix. Rate limits
 * and overload (429, 529, 5xx) are claude's to retry: they only get a notice in the log.
 */
export class UpstreamHealth {
  private failures = 0
  private firstFailure = 0
  private lastNotice = -Infinity
  private concluded = false

  constructor(
    private readonly onVerdict: (v: UpstreamVerdict) => void,
    private readonly limits: UpstreamHealthLimits = DEFAULT_UPSTREAM_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly notice: (line: string) => void = core.info
  ) {}

  /** The upstream answered with `status`; `body` is the start of an error answer's body. */
  answered(status: number, body = ''): void {
    this.failures = 0
    if (status === 401 || status === 403) {
      const message = /"message"\s*:\s*"((?:[^"\\]|\\.){0,300})"/.exec(body)?.[1] ?? body.slice(0, 200)
      this.conclude({ conclusion: 'auth-error', detail: `the API answered ${status}${message ? `: ${message}` : ''}` })
    } else if (status === 429 || status === 529 || status >= 500) {
      if (this.now() - this.lastNotice < this.limits.noticeEveryMs) return
      this.lastNotice = this.now()
      const what = status === 429 ? 'rate-limiting' : status === 529 ? 'overloaded' : `failing (${status})`
      this.notice(`The model API is ${what}; claude is retrying`)
    }
  }

  /** The runner's own credentials for the upstream could not be had (no AWS credentials, no Google ADC): claude would retry in vain. */
  noCredentials(detail: string): void {
    this.conclude({ conclusion: 'auth-error', detail })
  }

  /** A connection to the upstream failed (refused, DNS, TLS, timeout). */
  unreachable(err: Error): void {
    if (this.failures++ === 0) this.firstFailure = this.now()
    if (this.failures >= this.limits.attempts || this.now() - this.firstFailure >= this.limits.windowMs) {
      this.conclude({
        conclusion: 'api-unreachable',
        detail: `${this.failures} attempt(s) in ${Math.round((this.now() - this.firstFailure) / 1000)} s failed (${err.message})`
      })
    }
  }

  private conclude(v: UpstreamVerdict): void {
    if (this.concluded) return
    this.concluded = true
    this.onVerdict(v)
  }
}
