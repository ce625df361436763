/**
 * What the run was triggered on, as the GitHub gate scopes its tools: the workflow's repository
 * and the pull request or issue of the event (none for a push, a schedule or a dispatch).
 */

export interface GitHubTarget {
  owner: string
  repo: string
  /** the triggering pull request's or issue's number */
  number?: number
  isPullRequest: boolean
  /** the repository's default branch as the event names it */
  defaultBranch?: string
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined)

/** The target of `repository` (owner/repo) and the event payload; undefined when the repository is not named. */
export function targetOf(repository: string | undefined, payload: unknown): GitHubTarget | undefined {
  const [owner, repo, extra] = (repository ?? '').split('/')
  if (!owner || !repo || extra !== undefined) return undefined
  const p = obj(payload) ?? {}
  const pr = num(obj(p['pull_request'])?.['number'])
  const issue = obj(p['issue'])
  const defaultBranch = obj(p['repository'])?.['default_branch']
  const base = { owner, repo, defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : undefined }
  if (pr) return { ...base, number: pr, isPullRequest: true }
  const n = num(issue?.['number'])
  if (n) return { ...base, number: n, isPullRequest: !!issue?.['pull_request'] }
  return { ...base, isPullRequest: false }
}
