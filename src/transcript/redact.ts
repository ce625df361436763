import { StringDecoder } from 'node:string_decoder'
import { Transform, type TransformCallback } from 'node:stream'

/**
 * Redaction of secrets before anything leaves the runner: the exact values of the secrets the
 * action knows (and their base64, hex, URL-, JSON- and C-escaped forms, even mixed character by
 * character), plus well-known token shapes. Each becomes `[REDACTED:<kind>]`.
 */

interface Rule {
  kind: string
  pattern: string // regex source
}

/** Well-known credential shapes. Bounded lengths keep the streaming window bounded. */
const SHAPES: Rule[] = [
  // a key's body never holds another BEGIN: stopping there keeps a text of many BEGINs linear (not 16 KiB rescanned from each)
  { kind: 'private-key', pattern: '-----BEGIN [A-Z ]*PRIVATE KEY-----(?:(?!-----BEGIN )[\\s\\S]){0,16384}?-----END [A-Z ]*PRIVATE KEY-----' },
  { kind: 'anthropic-key', pattern: 'sk-ant-[A-Za-z0-9]{2,10}-[A-Za-z0-9_\\-]{20,400}' },
  { kind: 'github-token', pattern: '(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36,255}' },
  { kind: 'github-token', pattern: 'github_pat_[A-Za-z0-9_]{22,255}' },
  { kind: 'aws-access-key', pattern: '(?:AKIA|ASIA)[A-Z0-9]{16}' },
  // AWS secret keys and session tokens have no shape of their own: caught where they are named
  { kind: 'aws-secret-key', pattern: '(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)["\']?\\s{0,4}[=:]\\s{0,4}["\']?[A-Za-z0-9/+]{40}' },
  {
    kind: 'aws-session-token',
    pattern:
      '(?:aws_session_token|AWS_SESSION_TOKEN|aws_security_token|SessionToken|x-amz-security-token)["\']?\\s{0,4}[=:]\\s{0,4}["\']?[A-Za-z0-9/+]{40,4096}={0,2}'
  },
  { kind: 'google-token', pattern: 'ya29\\.[A-Za-z0-9_\\-.]{20,2048}' }, // OAuth access token
  { kind: 'google-token', pattern: '1//0[A-Za-z0-9_\\-]{30,512}' }, // OAuth refresh token
  { kind: 'bearer', pattern: '[Bb]earer\\s{1,4}[A-Za-z0-9\\-._~+/]{16,2048}=*' }
]

/** The longest text one rule can match: what the stream holds back between chunks. */
const WINDOW = 20_000
/** The longest text one rule can match (a scanner that overlaps its chunks by this finds every match). */
export const MATCH_WINDOW = WINDOW

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The base64 text that encodes `value` wherever it sits in a larger encoded byte string: for
 * each of the three alignments, the run of base64 characters that depend on the value's
 * bytes alone (so `echo "$KEY" | base64`, with its trailing newline, is caught too).
 */
function base64Fragments(value: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map(k => {
    const enc = Buffer.concat([Buffer.alloc(k), value]).toString(alphabet)
    const start = k === 0 ? 0 : 4 // the first group mixes prefix bytes with the value's
    const fullGroups = Math.floor((k + value.length) / 3) // the last partial group depends on what follows
    return enc.slice(start, fullGroups * 4)
  })
}

/** The forms a secret value may take in a transcript, as whole strings. */
export function secretForms(value: string): string[] {
  const bytes = Buffer.from(value)
  const b64 = bytes.toString('base64')
  const hex = bytes.toString('hex')
  return [
    value,
    b64,
    ...base64Fragments(bytes, 'base64'),
    ...base64Fragments(bytes, 'base64url'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    hex,
    hex.toUpperCase()
  ]
}

/** Longest text one escaped character may take: up to 8 backslashes (escapes of escapes) + `u0073`. */
const MAX_ESCAPED_CHAR = 13

/**
 * One printable ASCII character of a secret, written as itself or escaped: JSON/JS `\u0073`,
 * C/shell `\x73`, URL `%73`, bare hex `73` (hex digits in either case), and JSON's `\/`.
 * A run of backslashes is matched whole, so redacting inside a JSON string leaves no dangling
 * escape behind. Other characters are matched as themselves.
 */
function charPattern(ch: string): string {
  const code = ch.charCodeAt(0)
  if (ch.length !== 1 || code < 0x20 || code > 0x7e) return escapeRegex(ch)
  const hex = code
    .toString(16)
    .padStart(2, '0')
    .replace(/[a-f]/g, d => `[${d}${d.toUpperCase()}]`)
  const slash = ch === '/' ? '|\\\\{1,8}/' : ''
  return `(?:${escapeRegex(ch)}|\\\\{1,8}(?:u00${hex}|x${hex})|%${hex}|${hex}${slash})`
}

/** A secret in any mix of the per-character forms above (undefined when too long to stream). */
function escapedSecretPattern(value: string): string | undefined {
  const chars = [...value]
  if (chars.length * MAX_ESCAPED_CHAR > WINDOW) return undefined
  return chars.map(charPattern).join('')
}

export class Redactor {
  private readonly regex: RegExp
  private readonly kinds: string[]

  /** secrets: values to redact wherever they appear (short ones are ignored: they would redact ordinary text) */
  constructor(secrets: readonly string[] = []) {
    const rules: Rule[] = []
    const known = [...new Set(secrets.filter(s => s.length >= 8))]
    const forms = new Set(known.flatMap(secretForms).filter(f => f.length >= 8 && f.length <= WINDOW))
    // Longest first, so a secret's base64 is not half-eaten by a shorter form.
    for (const f of [...forms].sort((a, b) => b.length - a.length)) rules.push({ kind: 'secret', pattern: escapeRegex(f) })
    // Then each secret escaped character by character (partly or wholly, in any mix).
    for (const p of known.map(escapedSecretPattern)) if (p) rules.push({ kind: 'secret', pattern: p })
    rules.push(...SHAPES)
    this.kinds = rules.map(r => r.kind)
    this.regex = new RegExp(rules.map(r => `(${r.pattern})`).join('|'), 'g')
  }

  /** Redacts a whole string. */
  redact(text: string): string {
    return text.replace(this.regex, (...m: unknown[]) => this.marker(m))
  }

  /**
   * Redacts every string (and key) in a parsed value: what JSON decoding produced from escapes
   * (`\u0073k-ant-…`) is redacted as the text a reader will see.
   */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T
    if (Array.isArray(value)) return value.map(v => this.redactDeep(v)) as T
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.redactDeep(v)])) as T
    }
    return value
  }

  /** The kinds of secret in `text` (e.g. `github-token`, `secret` for the run's own), each once: for a check that refuses rather than redacts. */
  kindsIn(text: string): string[] {
    const found = new Set<string>()
    for (const m of text.matchAll(this.regex)) found.add(this.kindOf(m))
    return [...found]
  }

  private kindOf(m: unknown[]): string {
    const i = m.slice(1, this.kinds.length + 1).findIndex(g => g !== undefined)
    return this.kinds[i] ?? 'secret'
  }

  private marker(m: unknown[]): string {
    const kind = this.kindOf(m)
    // keep the scheme word, so a reader still sees that a bearer header was there
    const keep = kind === 'bearer' ? (/^[Bb]earer\s+/.exec(String(m[0]))?.[0] ?? '') : ''
    return `${keep}[REDACTED:${kind}]`
  }

  /**
   * Redacts `text` (the held-back tail of earlier chunks plus a new chunk) and returns what is
   * safe to emit now and what to hold back: text from which a match might still continue.
   */
  step(text: string, final: boolean): { out: string; rest: string } {
    if (final) return { out: this.redact(text), rest: '' }
    // Everything before `safe` can be settled now: no match longer than WINDOW exists.
    let cut = Math.max(0, text.length - WINDOW)
    this.regex.lastIndex = 0
    let out = ''
    let last = 0
    for (let m = this.regex.exec(text); m; m = this.regex.exec(text)) {
      const end = m.index + m[0].length
      if (m.index >= cut) break // starts in the held-back window: decide with more text
      if (end >= text.length) {
        cut = m.index // may continue in the next chunk
        break
      }
      out += text.slice(last, m.index) + this.marker([m[0], ...m.slice(1)])
      last = end
      if (m[0].length === 0) this.regex.lastIndex++
    }
    if (last > cut) cut = last
    out += text.slice(last, cut)
    return { out, rest: text.slice(cut) }
  }

  /** A streaming Transform (bytes in, redacted UTF-8 out) that holds back at most WINDOW characters. */
  stream(): Transform {
    const decoder = new StringDecoder('utf8')
    let rest = ''
    return new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        const r = this.step(rest + decoder.write(chunk), false)
        rest = r.rest
        done(null, r.out)
      },
      flush: (done: TransformCallback) => {
        done(null, this.step(rest + decoder.end(), true).out)
      }
    })
  }
}
