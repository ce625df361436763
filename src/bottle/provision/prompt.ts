import fs from 'node:fs'
import path from 'node:path'
import { CommandError } from '../../util/errors.js'
import type { Bottle } from '../launch.js'
import { GUEST_BOTTLE_DIR } from '../plan.js'

/**
 * Copies the system-prompt file into the guest (always, even when empty) and returns the
 * claude flags for it: `--append-system-prompt-file <guest path>` iff the prompt is non-empty.
 */
export async function provisionPrompt(bottle: Bottle): Promise<string[]> {
  const { plan, backend } = bottle
  const user = plan.guestUser
  const mk = await backend.exec(bottle.name, ['mkdir', '-p', GUEST_BOTTLE_DIR], { user })
  if (mk.code !== 0) throw new CommandError(`mkdir ${GUEST_BOTTLE_DIR} in the guest`, mk.code, mk.stderr)
  await backend.copyIn(bottle.name, plan.systemPromptFile, GUEST_BOTTLE_DIR, { user })
  const guestPath = `${GUEST_BOTTLE_DIR}/${path.basename(plan.systemPromptFile)}`
  return fs.statSync(plan.systemPromptFile).size > 0 ? ['--append-system-prompt-file', guestPath] : []
}
