import type { Backend } from '../../backend/types.js'

/**
 * After a failure: whether the engine itself went away (stopped, socket gone), and if so the
 * one line that says so instead of the symptom (an exec that ended early, a removal that failed).
 */
export async function engineLostLine(backend: Backend | undefined): Promise<string | undefined> {
  if (!backend) return undefined
  const probe = await backend.probe().catch((err: unknown) => ({ usable: false as const, reason: String(err) }))
  if (probe.usable) return undefined
  return (
    `The ${backend.kind} engine stopped answering during the run (${probe.reason}). What was recorded until then is uploaded by the post step; ` +
    "the bottle's leftovers are removed by the post step or, if the engine is still down then, by the next run once it is back"
  )
}
