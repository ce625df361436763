/**
 * The note the model proxy adds, once, to the request that goes when the run's budget is nearly
 * spent (budget.ts `nearlySpent`), so the agent writes its final answer before the proxy refuses
 * it with a 402 and the run ends mid-task.
 */

/** The words the note starts with (the model log records them). */
export const BUDGET_NOTE = 'budget nearly spent: finish and report'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The note's text: why, and what to do. */
export function budgetNoteText(left: string): string {
  return (
    `<system-reminder>${BUDGET_NOTE} (bot-bottle: ${left}; the next requests may be refused). ` +
    'Start no new work: write your final answer now, saying what is done and what is left.</system-reminder>'
  )
}

/**
 * The body with the note as a text block at the end of its last user message (after the prompt
 * cache's breakpoints, so the cached prefix still matches), or at the end of `system` when the
 * conversation does not end with one. A copy: the parsed body is left as it was.
 */
export function withBudgetNote(body: Json, left: string): Json {
  const text = budgetNoteText(left)
  const block = { type: 'text', text }
  const messages = Array.isArray(body.messages) ? body.messages : []
  const last = messages.at(-1)
  if (isObject(last) && last.role === 'user' && (typeof last.content === 'string' || Array.isArray(last.content))) {
    const content = typeof last.content === 'string' ? [{ type: 'text', text: last.content }, block] : [...last.content, block]
    return { ...body, messages: [...messages.slice(0, -1), { ...last, content }] }
  }
  const system = body.system
  if (Array.isArray(system)) return { ...body, system: [...system, block] }
  return { ...body, system: typeof system === 'string' && system ? `${system}\n\n${text}` : text }
}

/** A conversation turn (claude's requests that carry its tools), not a side request (a title, a summary). */
export function isConversation(body: Json): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0
}
