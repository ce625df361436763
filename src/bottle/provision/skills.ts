import type { Guest } from '../launch/guest.js'
import { GUEST_SKILLS_DIR } from '../prepare/plan.js'

/** Copies each skill (its directory created as needed) into the guest user's ~/.claude/skills/ (claude's config dir). */
export async function provisionSkills(bottle: Guest, skillsDir = GUEST_SKILLS_DIR): Promise<string[]> {
  const { plan, backend } = bottle
  if (plan.skills.length === 0) return []
  for (const skill of plan.skills) await backend.copyIn(bottle.name, skill.hostPath, skillsDir, { user: plan.guestUser })
  return plan.skills.map(s => `${skillsDir}/${s.name}`)
}
