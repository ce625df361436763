/**
 * The git gate's inputs: what the agent may push (`git-push`, `git-allow-force`) and what a
 * push may carry (`git-protected-paths`, `git-max-push-mb`). The gate (src/gitgate/) judges
 * with what these return; it reads no input itself.
 */
import { canonicalComponent, type ProtectedPath } from './protected-paths.js'
import { InputError } from '../util/errors.js'
import { booleanField, DEFAULT_PROTECTED_PATHS, inputField, listItems, positiveInt } from './fields.js'
import type { RawInputs } from './inputs.js'

/** What the agent may push: ref patterns and whether non-fast-forward updates pass. */
export interface PushPolicy {
  /** the patterns as the user wrote them, each expanded to a full ref pattern */
  patterns: string[]
  allowForce: boolean
}

/** The git gate's settings: what the agent may push, the token the gate adds upstream, and what a push may carry. */
export interface GitSettings {
  push: PushPolicy
  token?: string
  protectedPaths: ProtectedPath[]
  maxPushBytes: number
}

/**
 * Parses `git-push` (newline or comma list) and `git-allow-force`. A pattern without `refs/`
 * names branches: `bot-bottle/**` means `refs/heads/bot-bottle/**`.
 */
export function parsePushPolicy(gitPush: string, allowForce: string): PushPolicy {
  const patterns = listItems(gitPush).map(p => (p.startsWith('refs/') ? p : `refs/heads/${p}`))
  for (const p of patterns) {
    if (!/^refs\/[A-Za-z0-9._/*-]+$/.test(p) || /\/\/|\.\.|\/$/.test(p)) {
      throw new InputError('git-push', `'${p}' is not a ref pattern`, 'Give ref patterns such as refs/heads/bot-bottle/** or agent/*, one per line')
    }
  }
  return { patterns, allowForce: booleanField({ 'git-allow-force': allowForce }, 'git-allow-force') }
}

/** `git-protected-paths: none` turns the rule off (an empty input means the default). */
const NONE = 'none'

/**
 * Parses `git-protected-paths` (newline or comma list of glob rules like `git-push`: `*`
 * within one directory, `**` across any number). `./` and `/` at the start and `//` are
 * dropped; a trailing `/` protects everything below. `none` protects nothing.
 */
export function parseProtectedPaths(input: string): ProtectedPath[] {
  const text = input.trim() === '' ? DEFAULT_PROTECTED_PATHS : input
  if (text.trim().toLowerCase() === NONE) return []
  return listItems(text).map(rule => {
    const cleaned = rule.replace(/^(?:\.?\/)+/, '').replace(/\/{2,}/g, '/')
    const withDirs = cleaned.endsWith('/') ? `${cleaned}**` : cleaned
    const parts = withDirs.split('/')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    if (cleaned === '' || /[\x00-\x1f\x7f]/.test(rule) || parts.some(c => c === '.' || c === '..')) {
      throw new InputError(
        'git-protected-paths',
        `'${rule}' is not a path rule`,
        "Give repository paths such as .github/workflows/** or CODEOWNERS, one per line (or 'none')"
      )
    }
    return { rule, components: parts.map(c => (c === '**' ? c : canonicalComponent(c.replace(/\*{2,}/g, '*')))) }
  })
}

export function gitSection(raw: RawInputs): GitSettings {
  return {
    push: parsePushPolicy(raw['git-push'], raw['git-allow-force']),
    token: raw['github-token'] || undefined,
    protectedPaths: parseProtectedPaths(raw['git-protected-paths']),
    maxPushBytes: inputField(raw, 'git-max-push-mb', positiveInt, 'a whole number of MiB, 1 or more, such as 100') * 1024 ** 2
  }
}
