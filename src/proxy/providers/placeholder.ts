import crypto from 'node:crypto'
import { refusal, type ProviderRoute } from './provider.js'

/** Whether `got` is the placeholder, in constant time. */
export function isPlaceholder(got: string, placeholder: string): boolean {
  const a = Buffer.from(got)
  const b = Buffer.from(placeholder)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

/**
 * The target without its first path segment when that segment is the placeholder, else undefined.
 * The cloud modes of claude send no credential header to a skip-auth endpoint (and Bedrock's
 * control-plane call no custom header either), so the guest's base URL carries the placeholder
 * as its first path segment instead, as the git gate's URL does.
 */
export function afterPlaceholderSegment(target: string, placeholder: string): string | undefined {
  const end = target.indexOf('/', 1)
  if (!target.startsWith('/') || end < 0) return undefined
  return isPlaceholder(target.slice(1, end), placeholder) ? target.slice(end) : undefined
}

/** Judges the rest of a target behind the placeholder segment; without it, refused (401). */
export function behindPlaceholder(target: string, placeholder: string, judge: (rest: string) => ProviderRoute): ProviderRoute {
  const rest = afterPlaceholderSegment(target, placeholder)
  return rest === undefined ? refusal(401, '/', 'no bottle credential', 'bot-bottle model proxy: request does not carry the bottle credential') : judge(rest)
}
