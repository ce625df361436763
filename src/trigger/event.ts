import fs from 'node:fs'
import { z } from 'zod'

/**
 * The event that started the workflow, as the runner describes it (GITHUB_EVENT_NAME, the
 * payload at GITHUB_EVENT_PATH, GITHUB_ACTOR, GITHUB_TRIGGERING_ACTOR): who caused it, and for
 * `workflow_run` who caused the run it follows. Read once at the edge; only what the trigger
 * check needs.
 */
export interface Account {
  login: string
  /** GitHub's account type ('User', 'Bot', 'Organization'); a `[bot]` login counts as a bot too */
  bot: boolean
}

export interface TriggerEvent {
  name: string
  /** owner/repo */
  repository: string
  /** the repository is private or internal (unknown: treated as public) */
  private: boolean
  /** who caused the event, then who started this attempt (a re-run), each once */
  actors: Account[]
  /** workflow_run: who caused the upstream run, and who started its attempt */
  upstreamActors: Account[]
}

const User = z.object({ login: z.string(), type: z.string().optional() }).passthrough()
const Payload = z
  .object({
    sender: User.optional(),
    repository: z.object({ private: z.boolean().optional(), visibility: z.string().optional() }).passthrough().optional(),
    workflow_run: z.object({ actor: User.nullish(), triggering_actor: User.nullish() }).passthrough().optional()
  })
  .passthrough()

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/

function account(login: string | undefined, type?: string): Account | undefined {
  if (!login || !LOGIN.test(login)) return undefined
  return { login, bot: type === 'Bot' || login.endsWith('[bot]') }
}

function distinct(list: (Account | undefined)[]): Account[] {
  const out: Account[] = []
  for (const a of list) if (a && !out.some(o => o.login.toLowerCase() === a.login.toLowerCase())) out.push(a)
  return out
}

export function readTriggerEvent(env: NodeJS.ProcessEnv): TriggerEvent {
  let payload: z.infer<typeof Payload> = {}
  const file = env['GITHUB_EVENT_PATH']
  if (file) {
    try {
      payload = Payload.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
    } catch {
      payload = {} // unreadable: only the environment's actors are known
    }
  }
  const sender = payload.sender
  const run = payload.workflow_run
  const repo = payload.repository
  return {
    name: env['GITHUB_EVENT_NAME'] ?? '',
    repository: env['GITHUB_REPOSITORY'] ?? '',
    private: repo?.private === true || repo?.visibility === 'private' || repo?.visibility === 'internal',
    actors: distinct([account(sender?.login, sender?.type), account(env['GITHUB_ACTOR']), account(env['GITHUB_TRIGGERING_ACTOR'])]),
    upstreamActors: distinct([account(run?.actor?.login, run?.actor?.type), account(run?.triggering_actor?.login, run?.triggering_actor?.type)])
  }
}
