import type { Config } from '../../config/config.js'
import type { GuestUser } from './guest-user.js'
import type { GitHubGateSetup } from '../../githubgate/setup.js'

export interface SkillRef {
  name: string
  hostPath: string
}

/** Where things live inside the guest. Fixed paths: nothing in them depends on the host. */
export const GUEST_HOME = '/home/bottle'
export const GUEST_CLAUDE_CONFIG_DIR = `${GUEST_HOME}/.claude`
export const GUEST_SKILLS_DIR = `${GUEST_CLAUDE_CONFIG_DIR}/skills`
export const GUEST_BOTTLE_DIR = `${GUEST_HOME}/.bot-bottle`
export const GUEST_CLAUDE_CACHE = '/opt/bot-bottle/claude-code'
export const RUN_LABEL = 'bot-bottle.run'

/** Everything `prepare` decided, as data: what launch, provision and run act on. */
export interface Plan {
  config: Config
  slug: string
  stateDir: string
  systemPromptFile: string
  /** the triggering event's visible text for claude (event-context), when there is some */
  eventFile?: string
  /** host dir (0700) the guest's CLAUDE_CONFIG_DIR is copied out to after the run: session files survive the bottle */
  claudeConfigDir: string
  /** host dir of the claude tool cache, mounted read-only in the guest */
  claudeCacheDir: string
  skills: SkillRef[]
  guestUser: GuestUser
  bottleName: string
  networkName: string
  labels: Record<string, string>
  placeholder: string
  /** per-run secret the guest must present to the egress proxy (proxy credentials) and the git gate (path prefix) */
  daemonSecret: string
  /** the GitHub gate's target, token and tools (main sets it once the workspace's origin is known; undefined: no gate) */
  github?: GitHubGateSetup
}
