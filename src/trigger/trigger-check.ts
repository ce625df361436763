import type { Account, TriggerEvent } from './event.js'

/**
 * Who may start a bottle run on events anyone can cause (an issue, a comment, a review, a
 * pull_request_target, a workflow_run that follows one): every actor of the event, and of the
 * upstream run for workflow_run, must have write, maintain or admin permission on the
 * repository. Bots only when named in `allowed-bots` (`*`: any bot, refused on a public
 * repository). Events only the repository's writers can cause (push, schedule,
 * workflow_dispatch, …) need no check.
 */
export interface TriggerPolicy {
  /** bot logins allowed to trigger (`name[bot]`), or `*` */
  allowedBots: string[]
  /** people allowed to trigger without write permission (logins, or `*`): off (empty) by default */
  allowedNonWriteUsers: string[]
  /** a refused trigger fails the step, or ends it quietly as success */
  onNotAllowed: 'fail' | 'skip'
  /** the event's text (visible part) goes to claude as a file it is told about */
  eventContext: boolean
  /** what a `prompt` holding the event's text word for word gets: a warning, or a refusal */
  eventTextInPrompt: 'warn' | 'refuse'
  /** whose agent configuration (.claude/, .mcp.json, CLAUDE.md, …) a pull request's run gets: the base's for forks, for every pull request, or never */
  agentConfigFromBase: 'forks' | 'always' | 'never'
}

/** The events whose actor may be anyone able to open an issue or a pull request. */
export const CHECKED_EVENTS = new Set([
  'issues',
  'issue_comment',
  'pull_request_review',
  'pull_request_review_comment',
  'pull_request_target',
  'workflow_run',
  'discussion',
  'discussion_comment'
])

const WRITERS = new Set(['admin', 'maintain', 'write'])

/** What GitHub says of an account's permission on the repository (undefined: not a collaborator). */
export type PermissionOf = (login: string) => Promise<{ permission: string; roleName?: string } | undefined>

export type TriggerVerdict = { allowed: true; checked: string[] } | { allowed: false; line: string }

function botAllowed(a: Account, policy: TriggerPolicy): boolean {
  return policy.allowedBots.some(b => b === '*' || b.toLowerCase() === a.login.toLowerCase())
}

export async function checkTrigger(event: TriggerEvent, policy: TriggerPolicy, permissionOf: PermissionOf): Promise<TriggerVerdict> {
  if (!CHECKED_EVENTS.has(event.name)) return { allowed: true, checked: [] }
  const refuse = (why: string): TriggerVerdict => ({ allowed: false, line: `not allowed: this ${event.name} run was triggered by ${why}` })
  if (policy.allowedBots.includes('*') && !event.private)
    return { allowed: false, line: "not allowed: 'allowed-bots: *' on a public repository would let any GitHub App's bot start the agent; name the bots" }
  const accounts = [...event.actors, ...(event.name === 'workflow_run' ? event.upstreamActors : [])]
  if (!accounts.length) return refuse('an actor the runner did not name (no sender, GITHUB_ACTOR or upstream actor to check)')
  if (event.name === 'workflow_run' && !event.upstreamActors.length) return refuse('a workflow_run whose upstream actor is not in the event')
  const checked: string[] = []
  for (const a of accounts) {
    if (a.bot) {
      if (!botAllowed(a, policy)) return refuse(`${a.login}, a bot not named in allowed-bots`)
      checked.push(`${a.login} (allowed bot)`)
      continue
    }
    const p = await permissionOf(a.login)
    const role = p?.roleName && WRITERS.has(p.roleName) ? p.roleName : p && WRITERS.has(p.permission) ? p.permission : undefined
    if (!role && policy.allowedNonWriteUsers.some(u => u === '*' || u.toLowerCase() === a.login.toLowerCase())) {
      checked.push(`${a.login} (${p ? p.roleName || p.permission : 'not a collaborator'}, allowed by allowed-non-write-users)`)
      continue
    }
    if (!role) {
      const found = p ? `permission '${p.roleName || p.permission}'` : 'no permission (not a collaborator)'
      const whose = event.upstreamActors.includes(a) ? ' (the actor of the upstream run)' : ''
      return refuse(`${a.login}${whose}, who has ${found} on ${event.repository}; write, maintain or admin is needed`)
    }
    checked.push(`${a.login} (${role})`)
  }
  return { allowed: true, checked }
}
