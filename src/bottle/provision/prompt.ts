import fs from 'node:fs'
import path from 'node:path'
import type { Guest } from '../launch/guest.js'
import { GUEST_BOTTLE_DIR } from '../prepare/plan.js'

/**
 * Copies the system-prompt file into the guest (always, even when empty) and returns the
 * claude flags for it: `--append-system-prompt-file <guest path>` iff the prompt is non-empty.
 */
export async function provisionPrompt(bottle: Guest): Promise<string[]> {
  const { plan, backend } = bottle
  await backend.copyIn(bottle.name, plan.systemPromptFile, GUEST_BOTTLE_DIR, { user: plan.guestUser })
  if (plan.eventFile) await backend.copyIn(bottle.name, plan.eventFile, GUEST_BOTTLE_DIR, { user: plan.guestUser })
  const guestPath = `${GUEST_BOTTLE_DIR}/${path.basename(plan.systemPromptFile)}`
  return fs.statSync(plan.systemPromptFile).size > 0 ? ['--append-system-prompt-file', guestPath] : []
}
