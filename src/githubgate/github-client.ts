/**
 * The GitHub gate's calls to GitHub: Octokit as @actions/github builds it (the runner's proxy and
 * GHES through GITHUB_API_URL), with the token the gate holds. Loaded only when a gate starts.
 * Every answer is cut to what the tools need: the agent never sees a field it was not meant to.
 */

export interface Repo {
  owner: string
  repo: string
}

export interface PullFile {
  filename: string
  status: string
  additions: number
  deletions: number
  patch?: string
}

/** What the gate asks GitHub; the tests give the real client a REST double, not a fake of this. */
export interface GitHubApi {
  pullRequest(
    n: number
  ): Promise<{ title: string; state: string; author: string; body: string; draft: boolean; base: string; head: string; headSha: string; url: string }>
  pullRequestFiles(n: number): Promise<PullFile[]>
  reviewComments(n: number): Promise<{ path: string; line: number | null; author: string; body: string }[]>
  issue(n: number): Promise<{ title: string; state: string; author: string; body: string; labels: string[]; isPullRequest: boolean; url: string }>
  issueComments(n: number): Promise<{ author: string; body: string; created: string }[]>
  checkRuns(ref: string): Promise<{ id: number; name: string; status: string; conclusion: string | null }[]>
  jobLog(jobId: number): Promise<string>
  file(path: string, ref?: string): Promise<{ kind: 'file'; text: string; size: number } | { kind: 'dir'; entries: string[] }>
  defaultBranch(): Promise<string>
  createReview(n: number, r: { commitId: string; body: string; event: 'COMMENT' | 'REQUEST_CHANGES'; comments: ReviewComment[] }): Promise<string>
  createComment(n: number, body: string): Promise<{ id: number; url: string }>
  updateComment(id: number, body: string): Promise<void>
  addLabels(n: number, labels: string[]): Promise<void>
  createPullRequest(p: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<string>
}

export interface ReviewComment {
  path: string
  line: number
  side: 'LEFT' | 'RIGHT'
  body: string
}

/** Pages read of a paginated list, at most (100 entries each: GitHub lists 3,000 files of a pull request at most). */
const MAX_PAGES = 30
/**
 * GitHub requests the reads of one run may make: the workflow token's rate limit (1,000 an hour
 * per repository for GITHUB_TOKEN) is the workflow's, not the agent's. Writes are not counted:
 * they are few, bounded by the queue, and must not be starved by reads.
 */
export const MAX_READ_REQUESTS = 400

/** The reads' budget is spent: the agent's error, not GitHub's. */
export class ReadBudgetSpent extends Error {
  constructor() {
    super(`this run's ${MAX_READ_REQUESTS} GitHub read requests are used up`)
    this.name = 'ReadBudgetSpent'
  }
}
const login = (u: { login?: string } | null | undefined) => u?.login ?? 'ghost'

/** The client for `repo` at `apiUrl` with `token`; Octokit is imported here, on first use. */
export async function githubApi(apiUrl: string, token: string, repo: Repo): Promise<GitHubApi> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, ''), request: { retries: 0 } })
  const r = { owner: repo.owner, repo: repo.repo }
  let reads = 0
  const spend = () => {
    if (++reads > MAX_READ_REQUESTS) throw new ReadBudgetSpent()
  }
  // a read's answer for the run: asked again (the agent re-reading the pull request), it costs nothing
  const cache = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let got = cache.get(key) as Promise<T> | undefined
    if (!got) {
      got = read()
      cache.set(key, got)
      got.catch(() => cache.delete(key))
    }
    return got
  }
  const all = async <T>(fetchPage: (page: number) => Promise<T[]>): Promise<T[]> => {
    const out: T[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      spend()
      const got = await fetchPage(page)
      out.push(...got)
      if (got.length < 100) break
    }
    return out
  }
  return {
    pullRequest: n =>
      once(`pr ${n}`, async () => {
        spend()
        const { data: p } = await octokit.rest.pulls.get({ ...r, pull_number: n })
        return {
          title: p.title,
          state: p.merged_at ? 'merged' : p.state,
          author: login(p.user),
          body: p.body ?? '',
          draft: p.draft ?? false,
          base: p.base.ref,
          head: p.head.label,
          headSha: p.head.sha,
          url: p.html_url
        }
      }),
    pullRequestFiles: n =>
      once(`files ${n}`, () =>
        all(async page => {
          const { data } = await octokit.rest.pulls.listFiles({ ...r, pull_number: n, per_page: 100, page })
          return data.map(f => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, patch: f.patch }))
        })
      ),
    reviewComments: n =>
      once(`review comments ${n}`, () =>
        all(async page => {
          const { data } = await octokit.rest.pulls.listReviewComments({ ...r, pull_number: n, per_page: 100, page })
          return data.map(c => ({ path: c.path, line: c.line ?? null, author: login(c.user), body: c.body }))
        })
      ),
    issue: n =>
      once(`issue ${n}`, async () => {
        spend()
        const { data: i } = await octokit.rest.issues.get({ ...r, issue_number: n })
        return {
          title: i.title,
          state: i.state,
          author: login(i.user),
          body: i.body ?? '',
          labels: i.labels.map(l => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
          isPullRequest: !!i.pull_request,
          url: i.html_url
        }
      }),
    issueComments: n =>
      once(`issue comments ${n}`, () =>
        all(async page => {
          const { data } = await octokit.rest.issues.listComments({ ...r, issue_number: n, per_page: 100, page })
          return data.map(c => ({ author: login(c.user), body: c.body ?? '', created: c.created_at }))
        })
      ),
    async checkRuns(ref) {
      spend()
      const { data } = await octokit.rest.checks.listForRef({ ...r, ref, per_page: 100 })
      return data.check_runs.map(c => ({ id: c.id, name: c.name, status: c.status, conclusion: c.conclusion ?? null }))
    },
    async jobLog(jobId) {
      spend()
      const { data } = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...r, job_id: jobId })
      return typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8')
    },
    async file(path, ref) {
      spend()
      const { data } = await octokit.rest.repos.getContent({ ...r, path, ...(ref ? { ref } : {}) })
      if (Array.isArray(data)) return { kind: 'dir', entries: data.map(e => `${e.type === 'dir' ? `${e.name}/` : e.name}`) }
      if (data.type !== 'file' || !('content' in data)) throw new Error(`${path} is a ${data.type}, not a file`)
      return { kind: 'file', text: Buffer.from(data.content, 'base64').toString('utf8'), size: data.size }
    },
    async defaultBranch() {
      spend()
      const { data } = await octokit.rest.repos.get(r)
      return data.default_branch
    },
    async createReview(n, v) {
      const { data } = await octokit.rest.pulls.createReview({
        ...r,
        pull_number: n,
        commit_id: v.commitId,
        body: v.body,
        event: v.event,
        comments: v.comments.map(c => ({ path: c.path, line: c.line, side: c.side, body: c.body }))
      })
      return data.html_url
    },
    async createComment(n, body) {
      const { data } = await octokit.rest.issues.createComment({ ...r, issue_number: n, body })
      return { id: data.id, url: data.html_url }
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...r, comment_id: id, body })
    },
    async addLabels(n, labels) {
      await octokit.rest.issues.addLabels({ ...r, issue_number: n, labels })
    },
    async createPullRequest(p) {
      const { data } = await octokit.rest.pulls.create({ ...r, head: p.head, base: p.base, title: p.title, body: p.body, draft: p.draft })
      return data.html_url
    }
  }
}

/** GitHub's own words for a failed call (its `message` and validation errors), without the token or headers. */
export function githubErrorText(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { data?: { message?: string; errors?: unknown[] } } }
  const data = e.response?.data
  const errors = (data?.errors ?? [])
    .map(x =>
      typeof x === 'string'
        ? x
        : ((x as { message?: string; code?: string; field?: string }).message ??
          `${(x as { field?: string }).field ?? ''} ${(x as { code?: string }).code ?? ''}`.trim())
    )
    .filter(Boolean)
  const message = (data?.message ?? e.message ?? String(err)).split('\n')[0]
  return `${e.status ? `HTTP ${e.status}: ` : ''}${message}${errors.length ? ` (${errors.join('; ')})` : ''}`.slice(0, 500)
}
