import type { Guest } from '../launch/guest.js'
import { provisionCa } from './ca.js'
import { type EarlyInstall, provisionClaude } from './claude.js'
import { provisionPrompt } from './prompt.js'
import { provisionSkills } from './skills.js'

/** What claude's run needs from provisioning: its binary in the guest and the prompt's flags. */
export interface Provisioned {
  claude: Awaited<ReturnType<typeof provisionClaude>>
  promptFlags: string[]
}

/** Prompt, skills, claude and the CAs: they touch different paths in the guest, so they run side by side. */
export async function provisionAll(guest: Guest, earlyClaude: EarlyInstall): Promise<Provisioned> {
  const [promptFlags, , claude] = await Promise.all([provisionPrompt(guest), provisionSkills(guest), provisionClaude(guest, earlyClaude), provisionCa(guest)])
  return { claude, promptFlags }
}
