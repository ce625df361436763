import { CommandError } from '../../util/errors.js'
import type { Bottle } from '../launch.js'
import { GUEST_SKILLS_DIR } from '../plan.js'

/** mkdir + copy each skill into the guest user's ~/.claude/skills/ (claude's config dir). */
export async function provisionSkills(bottle: Bottle, skillsDir = GUEST_SKILLS_DIR): Promise<string[]> {
  const { plan, backend } = bottle
  if (plan.skills.length === 0) return []
  const user = plan.guestUser
  const mk = await backend.exec(bottle.name, ['mkdir', '-p', skillsDir], { user })
  if (mk.code !== 0) throw new CommandError(`mkdir ${skillsDir} in the guest`, mk.code, mk.stderr)
  for (const skill of plan.skills) await backend.copyIn(bottle.name, skill.hostPath, skillsDir, { user })
  return plan.skills.map(s => `${skillsDir}/${s.name}`)
}
