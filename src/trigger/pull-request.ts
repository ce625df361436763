import { z } from 'zod'
import { BottleError } from '../util/errors.js'
import { type GitHubGet, repoPath } from './github-api.js'

/**
 * The pull request a run is for, as far as whose agent configuration the bottle may use: its
 * base commit and whether its head is another repository's branch (a fork, or a fork since
 * deleted). From the event's payload for the pull-request events; for a comment on a pull
 * request (`issue_comment`, whose payload names only the number) from GitHub's API.
 */
export interface PullRequestRun {
  /** what the log calls it: `pull request #9`, or the upstream run of a workflow_run */
  label: string
  /** the base commit (or, for a fork's workflow_run, the default branch): the agent configuration the bottle gets comes from it */
  base: string
  /** owner/repo of the base */
  baseRepo: string
  /** owner/repo of the head; undefined when the head's repository was deleted */
  headRepo?: string
  /** the head is not a branch of the base repository */
  fromFork: boolean
}

const SHA = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)
const Repo = z.object({ full_name: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/) }).passthrough()
const PullRequest = z
  .object({
    number: z.number().int().positive(),
    base: z.object({ sha: SHA, repo: Repo }).passthrough(),
    head: z.object({ repo: Repo.nullish() }).passthrough()
  })
  .passthrough()

/** Events whose payload carries the pull request itself. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])

function runOf(pr: z.infer<typeof PullRequest>): PullRequestRun {
  const baseRepo = pr.base.repo.full_name
  const headRepo = pr.head.repo?.full_name
  return { label: `pull request #${pr.number}`, base: pr.base.sha, baseRepo, headRepo, fromFork: headRepo?.toLowerCase() !== baseRepo.toLowerCase() }
}

const WorkflowRun = z
  .object({
    id: z.number().optional(),
    head_repository: Repo.nullish(),
    pull_requests: z.array(z.object({ number: z.number(), base: z.object({ sha: SHA }).passthrough() }).passthrough()).optional()
  })
  .passthrough()
const Repository = Repo.extend({ default_branch: z.string().regex(/^[A-Za-z0-9._/-]{1,255}$/) })

/**
 * A workflow_run whose upstream ran on a pull request: from a fork when the upstream's head
 * repository is not this one (GitHub then lists no pull request: the base is the default
 * branch), else the pull request it names. Undefined when the upstream was no pull request's.
 */
function workflowRunOf(p: Record<string, unknown>): PullRequestRun | undefined {
  const run = WorkflowRun.safeParse(p['workflow_run'])
  const repo = Repository.safeParse(p['repository'])
  if (!run.success || !repo.success)
    throw new BottleError(
      "agent-config-from-base: the workflow_run event names no upstream head repository and this repository's default branch",
      'Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
    )
  const headRepo = run.data.head_repository?.full_name
  const baseRepo = repo.data.full_name
  const label = `the upstream run${run.data.id ? ` ${run.data.id}` : ''} of this workflow_run`
  if (headRepo?.toLowerCase() !== baseRepo.toLowerCase()) return { label, base: repo.data.default_branch, baseRepo, headRepo, fromFork: true }
  const pr = run.data.pull_requests?.[0]
  return pr ? { label: `pull request #${pr.number} (${label})`, base: pr.base.sha, baseRepo, headRepo, fromFork: false } : undefined
}

/**
 * The pull request of this run, or undefined when the run is not for one. `get` is asked only
 * for a comment on a pull request; a payload that names a pull request but cannot be read is an
 * error (the bottle must not guess whose configuration it gets).
 */
export async function pullRequestOf(eventName: string, payload: unknown, repository: string, get?: GitHubGet): Promise<PullRequestRun | undefined> {
  const p = (payload ?? {}) as Record<string, unknown>
  if (eventName === 'workflow_run') return workflowRunOf(p)
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const parsed = PullRequest.safeParse(p['pull_request'])
    if (!parsed.success)
      throw new BottleError(
        `agent-config-from-base: the ${eventName} event's pull request has no readable base commit and head repository`,
        'Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
      )
    return runOf(parsed.data)
  }
  if (eventName !== 'issue_comment') return undefined
  const onPullRequest = z
    .object({ pull_request: z.object({}).passthrough() })
    .passthrough()
    .safeParse(p['issue']).success
  if (!onPullRequest) return undefined // a comment on an issue
  const issue = z.object({ number: z.number().int().positive() }).passthrough().safeParse(p['issue'])
  if (!issue.success)
    throw new BottleError(
      'agent-config-from-base: the comment is on a pull request whose number the event does not give',
      'Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
    )
  if (!get)
    throw new BottleError(
      `agent-config-from-base: this comment is on pull request #${issue.data.number}, ` +
        "whose head and base only GitHub's API can say, and no github-token was given",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the user writes
      "Set 'github-token: ${{ github.token }}' (it stays on the runner), or agent-config-from-base: never"
    )
  const answer = PullRequest.safeParse(await get(`${repoPath(repository)}/pulls/${issue.data.number}`))
  if (!answer.success)
    throw new BottleError(
      `agent-config-from-base: GitHub did not describe pull request #${issue.data.number} of ${repository} (its base commit and head repository)`,
      'Check that github-token can read pull requests (permissions: pull-requests: read); the run did not start'
    )
  return runOf(answer.data)
}
