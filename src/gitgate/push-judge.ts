import type { PushPolicy } from '../config/git-policy.js'
import { judgeUpdate, matchingRule, type UpdateVerdict } from './push-policy.js'
import { ZERO_OID, type ReceivePackRequest, type RefUpdate } from './receive-pack.js'
import { refNameProblem } from './ref-name.js'

/** Answers, for each of `updates` (by index), whether old is an ancestor of new. */
export type AncestryCheck = (updates: readonly RefUpdate[]) => Promise<boolean[]>

export const REFUSED_WITH_ANOTHER = 'refused because another ref of this push was refused'

/**
 * Push options (`git push -o`) are read by the upstream, not by git: on GitLab
 * `merge_request.merge_when_pipeline_succeeds` turns an allowed push into a merge and
 * `ci.variable=` sets pipeline variables. The gate cannot judge them, so it passes none on.
 */
export const PUSH_OPTIONS_REFUSED = 'bot-bottle: push options (git push -o) are not passed on by the git gate; push without them'

/**
 * Judges every update of a push, by its index in the command list (so one ref named twice
 * cannot share a verdict): the request as a whole (push options included), the ref name, the ref named twice, then
 * the push policy (pattern, delete, fast-forward). If any update is refused, the push is
 * refused whole, so the upstream never applies part of a push the gate refused.
 */
export async function judgePush(request: ReceivePackRequest, policy: PushPolicy, ancestry: AncestryCheck): Promise<UpdateVerdict[]> {
  const { updates } = request
  const named = new Map<string, number>()
  for (const u of updates) named.set(u.ref, (named.get(u.ref) ?? 0) + 1)
  const early = updates.map((u): string | undefined => {
    if (request.refusal) return request.refusal
    if (request.capabilities.includes('push-options')) return PUSH_OPTIONS_REFUSED
    // a second update of the same ref would be checked against the first one's old tip, not the upstream's
    return refNameProblem(u.ref) ?? ((named.get(u.ref) ?? 0) > 1 ? 'bot-bottle: this ref is named more than once in one push' : undefined)
  })
  // the fast-forward check fetches from the upstream: only for updates it can decide
  const needs = updates.flatMap((u, i) =>
    !early[i] && !policy.allowForce && matchingRule(policy, u.ref) && !ZERO_OID.test(u.old) && !ZERO_OID.test(u.new) ? [i] : []
  )
  let answers: Promise<boolean[]> | undefined
  const isAncestor = async (i: number) => {
    answers ??= ancestry(needs.map(n => updates[n]!))
    return (await answers)[needs.indexOf(i)] ?? false
  }
  const verdicts = await Promise.all(
    updates.map((u, i): Promise<UpdateVerdict> => {
      const reason = early[i]
      return reason ? Promise.resolve({ allowed: false, reason }) : judgeUpdate(policy, u, () => isAncestor(i))
    })
  )
  if (verdicts.every(v => v.allowed)) return verdicts
  return verdicts.map(v => (v.allowed ? { allowed: false, reason: REFUSED_WITH_ANOTHER } : v))
}
