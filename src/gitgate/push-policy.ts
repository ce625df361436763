import type { PushPolicy } from '../config/git-policy.js'
import { ZERO_OID, type RefUpdate } from './receive-pack.js'

function patternToRegExp(pattern: string): RegExp {
  // `**` spans path segments, `*` stays inside one, everything else is literal
  const body = pattern
    .split(/(\*\*|\*)/)
    .map(part => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

/** The git-push pattern `ref` matches, if any. */
export function matchingRule(policy: PushPolicy, ref: string): string | undefined {
  return policy.patterns.find(p => patternToRegExp(p).test(ref))
}

export type UpdateVerdict = { allowed: true; rule: string } | { allowed: false; reason: string }

/**
 * Decides one ref update, before anything reaches the upstream. `isAncestor` answers whether
 * the old tip is an ancestor of the new one (asked only when it matters).
 */
export async function judgeUpdate(policy: PushPolicy, u: RefUpdate, isAncestor: () => Promise<boolean>): Promise<UpdateVerdict> {
  const rule = matchingRule(policy, u.ref)
  if (!rule) {
    return {
      allowed: false,
      reason: policy.patterns.length
        ? `bot-bottle: ${u.ref} is not in git-push (${policy.patterns.join(', ')})`
        : 'bot-bottle: pushes are off (input git-push is empty)'
    }
  }
  if (ZERO_OID.test(u.new)) return { allowed: false, reason: `bot-bottle: deleting ${u.ref} is not allowed` }
  if (ZERO_OID.test(u.old) || policy.allowForce) return { allowed: true, rule }
  if (!(await isAncestor())) return { allowed: false, reason: `bot-bottle: ${u.ref} is not a fast-forward (set git-allow-force: true to allow)` }
  return { allowed: true, rule }
}
