import fs from 'node:fs'
import type { Plan } from './plan.js'

/** Adds a paragraph of the action's own to the system-prompt file prepare wrote (the user's `append-system-prompt` first). */
export function appendToSystemPrompt(plan: Pick<Plan, 'systemPromptFile'>, note: string): void {
  const before = fs.readFileSync(plan.systemPromptFile, 'utf8')
  fs.writeFileSync(plan.systemPromptFile, before ? `${before}\n\n${note}\n` : `${note}\n`, { mode: 0o600 })
}
