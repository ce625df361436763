/**
 * The GitHub REST double the GitHub gate is tested against: what it serves answers as GitHub's
 * OpenAPI description says (every answer validated, no problem recorded), request bodies are
 * checked against the description too (a refused body is GitHub's 422 and a problem), a review
 * comment off the pull request's diff is GitHub's 422 with nothing landing, pulls/create refuses a
 * head that is no branch, job logs are a 302 to a signed URL the double serves, and what was written
 * can be read back from `state`.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitHubApiDouble } from '../../test/harness/github-api-double.mjs'

const TOKEN = 'ghs_githubApiDoubleTokenTTTTTTTTTTTTTTTTTTT1'
const REPO = 'octo/widgets'
// new lines 1-5 and 21-24 are in the diff on the RIGHT; old lines 1-4 and 20-22 on the LEFT
const APP_PATCH = [
  '@@ -1,4 +1,5 @@',
  " import x from 'x'",
  '-const a = 1',
  '+const a = 2',
  '+const b = 3',
  ' export { a }',
  ' // end',
  '@@ -20,3 +21,4 @@ function tail() {',
  ' one',
  '+two',
  ' three'
].join('\n')
const FILES = [
  { filename: 'src/app.ts', status: 'modified' as const, additions: 3, deletions: 1, changes: 4, patch: APP_PATCH },
  { filename: 'docs/guide.md', status: 'added' as const, additions: 2, deletions: 0, changes: 2, patch: '@@ -0,0 +1,2 @@\n+# Guide\n+Read me.' },
  { filename: 'logo.png', status: 'added' as const, additions: 0, deletions: 0, changes: 0 }
]

let dir: string
let headSha: string
let gh: Awaited<ReturnType<typeof startGitHubApiDouble>>

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim()

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-api-double-'))
  git(dir, 'init', '-q', '-b', 'main')
  fs.mkdirSync(path.join(dir, 'src'))
  fs.writeFileSync(path.join(dir, 'src/app.ts'), "import x from 'x'\nconst a = 1\n")
  fs.writeFileSync(path.join(dir, 'README.md'), 'widgets\n')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  const baseSha = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-qb', 'feature')
  fs.writeFileSync(path.join(dir, 'src/app.ts'), "import x from 'x'\nconst a = 2\nconst b = 3\n")
  git(dir, 'commit', '-qam', 'head')
  headSha = git(dir, 'rev-parse', 'HEAD')
  gh = await startGitHubApiDouble({
    token: TOKEN,
    repository: REPO,
    login: 'bottle-gate[bot]',
    gitRepo: dir,
    pulls: { 7: { baseSha, headSha, headRepo: REPO, headRef: 'feature', baseRef: 'main', title: 'Bump a', files: FILES } },
    issues: { 3: { title: 'It breaks', body: 'Steps: run it.', user: 'alice', labels: ['bug'] } },
    comments: { 3: [{ body: 'Same here.', user: 'bob' }] },
    branches: ['main', 'feature', 'fix-1'],
    checkRuns: {
      [headSha]: [
        { id: 11, name: 'build', status: 'completed', conclusion: 'failure', jobId: 501, runId: 900 },
        { id: 12, name: 'lint', status: 'in_progress', conclusion: null }
      ]
    },
    jobLogs: { 501: '2024-05-04T01:15:00Z step 1\n2024-05-04T01:15:01Z error: boom\n' }
  })
}, 60_000)
afterAll(async () => {
  await gh?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
afterEach(() => expect(gh.problems).toEqual([]))

// biome-ignore lint/suspicious/noExplicitAny: an answer's JSON, read as each test asserts; the double validated it against GitHub's schema already
type Answer = { status: number; headers: Headers; json: any; text: string }
async function call(method: string, route: string, body?: unknown, o: { token?: string; accept?: string; url?: string } = {}): Promise<Answer> {
  const res = await fetch(`${o.url ?? gh.url}${route}`, {
    method,
    redirect: 'manual',
    headers: {
      authorization: `Bearer ${o.token ?? TOKEN}`,
      accept: o.accept ?? 'application/vnd.github+json',
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}
/** The problems recorded so far, taken (afterEach asserts none are left). */
const takeProblems = () => gh.problems.splice(0)

describe('reads', () => {
  it('pulls/get and issues/get answer with this repository URLs; a pull request is an issue too', async () => {
    const pr = await call('GET', `/repos/${REPO}/pulls/7`)
    expect(pr.status).toBe(200)
    expect(pr.json).toMatchObject({ number: 7, title: 'Bump a', html_url: `https://github.com/${REPO}/pull/7`, head: { sha: headSha, ref: 'feature' } })
    const issue = await call('GET', `/repos/${REPO}/issues/3`)
    expect(issue.json).toMatchObject({ number: 3, title: 'It breaks', html_url: `https://github.com/${REPO}/issues/3`, comments: 1, user: { login: 'alice' } })
    expect(issue.json.labels.map((l: { name: string }) => l.name)).toEqual(['bug'])
    expect(issue.json.pull_request).toBeUndefined()
    const asIssue = await call('GET', `/repos/${REPO}/issues/7`)
    expect(asIssue.json.pull_request.html_url).toBe(`https://github.com/${REPO}/pull/7`)
    expect((await call('GET', `/repos/${REPO}/issues/99`)).status).toBe(404)
    expect((await call('GET', `/repos/other/repo/issues/3`)).status).toBe(404)
  })

  it('pulls/list-files pages by per_page and page, with the Link header Octokit follows', async () => {
    const all = await call('GET', `/repos/${REPO}/pulls/7/files`)
    expect(all.json.map((f: { filename: string }) => f.filename)).toEqual(['src/app.ts', 'docs/guide.md', 'logo.png'])
    expect(all.json[0]).toMatchObject({ patch: APP_PATCH, blob_url: `https://github.com/${REPO}/blob/${headSha}/src/app.ts` })
    expect(all.json[2].patch).toBeUndefined()
    const second = await call('GET', `/repos/${REPO}/pulls/7/files?per_page=2&page=2`)
    expect(second.json.map((f: { filename: string }) => f.filename)).toEqual(['logo.png'])
    expect(second.headers.get('link')).toContain('rel="first"')
    const first = await call('GET', `/repos/${REPO}/pulls/7/files?per_page=2`)
    expect(first.headers.get('link')).toContain(`<${gh.url}/repos/${REPO}/pulls/7/files?per_page=2&page=2>; rel="next"`)
  })

  it('checks/list-for-ref lists the runs given for the ref; an Actions job names its job in details_url', async () => {
    const { status, json } = await call('GET', `/repos/${REPO}/commits/${headSha}/check-runs`)
    expect(status).toBe(200)
    expect(json.total_count).toBe(2)
    expect(json.check_runs[0]).toMatchObject({
      id: 11,
      name: 'build',
      conclusion: 'failure',
      details_url: `https://github.com/${REPO}/actions/runs/900/job/501`
    })
    expect(json.check_runs[1]).toMatchObject({ status: 'in_progress', conclusion: null, completed_at: null })
    expect((await call('GET', `/repos/${REPO}/commits/${headSha}/check-runs?check_name=lint`)).json.total_count).toBe(1)
    expect((await call('GET', `/repos/${REPO}/commits/main/check-runs`)).json).toEqual({ total_count: 0, check_runs: [] })
  })

  it('job logs are a 302 to a signed URL, which answers the log as text; an unknown job is 404', async () => {
    const redirect = await call('GET', `/repos/${REPO}/actions/jobs/501/logs`)
    expect(redirect.status).toBe(302)
    expect(redirect.text).toBe('')
    const location = redirect.headers.get('location') ?? ''
    expect(location).toMatch(/\/_signed\/actions\/jobs\/501\/logs\?sig=[0-9a-f]+$/)
    const log = await fetch(location) // no token: the signed URL is its own credential
    expect(log.status).toBe(200)
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await log.text()).toContain('error: boom')
    expect((await fetch(location.replace(/sig=.*/, 'sig=forged'))).status).toBe(403)
    expect((await call('GET', `/repos/${REPO}/actions/jobs/502/logs`)).status).toBe(404)
  })

  it('repos/get-content answers a file in base64 at a ref, a directory as a listing, raw bytes on request, 404 for nothing', async () => {
    const file = await call('GET', `/repos/${REPO}/contents/src%2Fapp.ts?ref=feature`)
    expect(file.status).toBe(200)
    expect(file.json).toMatchObject({ type: 'file', encoding: 'base64', path: 'src/app.ts', name: 'app.ts' })
    expect(Buffer.from(file.json.content, 'base64').toString()).toBe("import x from 'x'\nconst a = 2\nconst b = 3\n")
    // GitHub takes the path's slashes as they are, too
    const atMain = await call('GET', `/repos/${REPO}/contents/src/app.ts?ref=main`)
    expect(Buffer.from(atMain.json.content, 'base64').toString()).toBe("import x from 'x'\nconst a = 1\n")
    const listing = await call('GET', `/repos/${REPO}/contents/src?ref=main`)
    expect(listing.json).toEqual([expect.objectContaining({ type: 'file', path: 'src/app.ts', download_url: expect.any(String) })])
    const raw = await call('GET', `/repos/${REPO}/contents/README.md`, undefined, { accept: 'application/vnd.github.raw+json' })
    expect(raw.text).toBe('widgets\n')
    expect((await call('GET', `/repos/${REPO}/contents/src/gone.ts?ref=main`)).status).toBe(404)
    expect((await call('GET', `/repos/${REPO}/contents/README.md?ref=no-such-branch`)).status).toBe(404)
  })
})

describe('reviews', () => {
  it('a review whose comments are all on lines of the diff lands, with its comments', async () => {
    const before = gh.state.reviews.get(7)?.length ?? 0
    const { status, json } = await call('POST', `/repos/${REPO}/pulls/7/reviews`, {
      commit_id: headSha,
      event: 'COMMENT',
      body: 'Three notes.',
      comments: [
        { path: 'src/app.ts', line: 3, body: 'b is new' },
        { path: 'src/app.ts', line: 2, side: 'LEFT', body: 'a was 1' },
        { path: 'src/app.ts', start_line: 21, line: 22, side: 'RIGHT', body: 'one and two' }
      ]
    })
    expect(status).toBe(200)
    expect(json).toMatchObject({ state: 'COMMENTED', body: 'Three notes.', commit_id: headSha, user: { login: 'bottle-gate[bot]' } })
    expect(json.html_url).toBe(`https://github.com/${REPO}/pull/7#pullrequestreview-${json.id}`)
    const reviews = gh.state.reviews.get(7) ?? []
    expect(reviews).toHaveLength(before + 1)
    const review = reviews.at(-1)
    expect(review).toMatchObject({ id: json.id, event: 'COMMENT', state: 'COMMENTED' })
    expect(review?.comments.map(c => [c.path, c.side, c.start_line, c.line, c.position, c.body])).toEqual([
      ['src/app.ts', 'RIGHT', null, 3, 4, 'b is new'],
      ['src/app.ts', 'LEFT', null, 2, 2, 'a was 1'],
      ['src/app.ts', 'RIGHT', 21, 22, 9, 'one and two']
    ])
    const listed = await call('GET', `/repos/${REPO}/pulls/7/comments`)
    expect(listed.json.slice(-3).map((c: { body: string; diff_hunk: string }) => [c.body, c.diff_hunk.split('\n').at(-1)])).toEqual([
      ['b is new', '+const b = 3'],
      ['a was 1', '-const a = 1'],
      ['one and two', '+two']
    ])
  })

  it('a comment on a line outside the diff is GitHub 422 for the whole review, and nothing lands', async () => {
    const before = gh.state.reviews.get(7)?.length ?? 0
    const review = (comments: unknown[]) => call('POST', `/repos/${REPO}/pulls/7/reviews`, { event: 'COMMENT', body: 'notes', comments })
    const outside = await review([
      { path: 'src/app.ts', line: 3, body: 'fine' },
      { path: 'src/app.ts', line: 12, body: 'between the hunks' }
    ])
    expect(outside.status).toBe(422)
    expect(outside.json).toMatchObject({ message: 'Unprocessable Entity', errors: ['Line could not be resolved'], status: '422' })
    const several = await review([
      { path: 'src/app.ts', line: 5, side: 'LEFT', body: 'old file has no line 5 in the diff' },
      { path: 'src/other.ts', line: 1, body: 'not in the pull request' },
      { path: 'logo.png', line: 1, body: 'no patch' }
    ])
    expect(several.json.errors).toEqual(['Line could not be resolved, Path could not be resolved, and Line could not be resolved'])
    // a range across hunks is no range GitHub takes
    expect((await review([{ path: 'src/app.ts', start_line: 4, line: 22, body: 'across' }])).status).toBe(422)
    expect(gh.state.reviews.get(7)?.length ?? 0).toBe(before)
  })

  it('a review for another commit than the head is refused', async () => {
    const stale = await call('POST', `/repos/${REPO}/pulls/7/reviews`, { commit_id: 'f'.repeat(40), event: 'APPROVE' })
    expect(stale.status).toBe(422)
    expect(stale.json.errors).toEqual(['The commitOID is not part of the pull request'])
  })
})

describe('issue comments and labels', () => {
  it('create-comment and update-comment land in state; each update is counted', async () => {
    const created = await call('POST', `/repos/${REPO}/issues/7/comments`, { body: 'Working on it.' })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(`https://api.github.com/repos/${REPO}/issues/comments/${created.json.id}`)
    expect(created.json).toMatchObject({ body: 'Working on it.', html_url: `https://github.com/${REPO}/pull/7#issuecomment-${created.json.id}` })
    for (const body of ['Half done.', 'Done.']) expect((await call('PATCH', `/repos/${REPO}/issues/comments/${created.json.id}`, { body })).status).toBe(200)
    expect(gh.state.comments.find(c => c.id === created.json.id)).toMatchObject({ issue: 7, body: 'Done.', user: 'bottle-gate[bot]', updates: 2 })
    const listed = await call('GET', `/repos/${REPO}/issues/7/comments`)
    expect(listed.json.map((c: { body: string }) => c.body)).toEqual(['Done.'])
    expect((await call('GET', `/repos/${REPO}/issues/3/comments`)).json.map((c: { body: string }) => c.body)).toEqual(['Same here.'])
    expect((await call('PATCH', `/repos/${REPO}/issues/comments/424242`, { body: 'x' })).status).toBe(404)
    const last = gh.requests.at(-1)
    expect(last).toMatchObject({ method: 'PATCH', operationId: 'issues/update-comment', body: { body: 'x' } })
  })

  it('add-labels adds to the issue labels and answers them all', async () => {
    const { status, json } = await call('POST', `/repos/${REPO}/issues/3/labels`, { labels: ['triaged', 'bug'] })
    expect(status).toBe(200)
    expect(json.map((l: { name: string }) => l.name)).toEqual(['bug', 'triaged'])
    expect(gh.state.labels.get(3)).toEqual(['bug', 'triaged'])
  })
})

describe('pulls/create', () => {
  it('opens a pull request from a branch that exists, numbered after every issue and pull request', async () => {
    const { status, json, headers } = await call('POST', `/repos/${REPO}/pulls`, { head: 'fix-1', base: 'main', title: 'Fix 1', body: 'Fixes #3', draft: true })
    expect(status).toBe(201)
    expect(json).toMatchObject({ number: 8, title: 'Fix 1', draft: true, html_url: `https://github.com/${REPO}/pull/8`, head: { ref: 'fix-1' } })
    expect(headers.get('location')).toBe(`https://api.github.com/repos/${REPO}/pulls/8`)
    expect(gh.state.pulls).toEqual([{ number: 8, head: 'fix-1', base: 'main', title: 'Fix 1', body: 'Fixes #3', draft: true }])
    expect((await call('GET', `/repos/${REPO}/pulls/8`)).json.number).toBe(8)
    const again = await call('POST', `/repos/${REPO}/pulls`, { head: 'octo:fix-1', base: 'main', title: 'Fix 1 again' })
    expect(again.status).toBe(422)
    expect(again.json.errors).toEqual([{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for octo:fix-1.' }])
  })

  it('a head that is no branch is GitHub 422 Validation Failed', async () => {
    const { status, json } = await call('POST', `/repos/${REPO}/pulls`, { head: 'nowhere', base: 'main', title: 'x' })
    expect(status).toBe(422)
    expect(json).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] })
    expect(gh.state.pulls.map(p => p.head)).not.toContain('nowhere')
  })
})

describe('what GitHub refuses before any operation', () => {
  it('a body missing a required field is 422 "Invalid request." and a problem', async () => {
    const { status, json } = await call('POST', `/repos/${REPO}/issues/3/comments`, { text: 'wrong key' })
    expect(status).toBe(422)
    expect(json).toEqual({
      message: 'Invalid request.\n\n"body" wasn\'t supplied.',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422'
    })
    expect(takeProblems()).toEqual([`POST /repos/${REPO}/issues/3/comments: request body refused: "body" wasn't supplied.`])
    const noBody = await call('POST', `/repos/${REPO}/pulls`)
    expect(noBody.json.message).toBe("Invalid request.\n\nFor 'links/0/schema', nil is not an object.")
    const badComment = await call('POST', `/repos/${REPO}/pulls/7/reviews`, { event: 'COMMENT', body: 'x', comments: [{ path: 'src/app.ts', line: '3' }] })
    expect(badComment.status).toBe(422)
    expect(badComment.json.message).toBe(
      'Invalid request.\n\n"body" wasn\'t supplied.\nFor \'properties/comments/items/properties/line\', "3" is not an integer.'
    )
    expect(takeProblems()).toHaveLength(3)
    expect(gh.state.comments.filter(c => c.issue === 3)).toHaveLength(1)
  })

  it('a body that is not JSON is 400, one over 1 MiB 413; both are problems', async () => {
    const post = (body: string) => fetch(`${gh.url}/repos/${REPO}/issues/3/comments`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body })
    expect((await post('{"body":')).status).toBe(400)
    expect((await post(JSON.stringify({ body: 'x'.repeat(1024 * 1024) }))).status).toBe(413)
    expect(takeProblems()).toEqual([
      `POST /repos/${REPO}/issues/3/comments: request body is not JSON`,
      `POST /repos/${REPO}/issues/3/comments: request body over 1048576 bytes`
    ])
  })

  it('a wrong token is 401 Bad credentials', async () => {
    const { status, json } = await call('GET', `/repos/${REPO}/pulls/7`, undefined, { token: 'ghs_wrong' })
    expect(status).toBe(401)
    expect(json.message).toBe('Bad credentials')
  })

  it('after so many writes, every write is the secondary rate limit 403 with retry-after', async () => {
    const limited = await startGitHubApiDouble({ token: TOKEN, repository: REPO, issues: { 1: { title: 't' } }, secondaryRateLimitAfter: 1 })
    try {
      const write = () => call('POST', `/repos/${REPO}/issues/1/comments`, { body: 'hi' }, { url: limited.url })
      expect((await write()).status).toBe(201)
      const refused = await write()
      expect(refused.status).toBe(403)
      expect(refused.headers.get('retry-after')).toBe('60')
      expect(refused.json.message).toMatch(/^You have exceeded a secondary rate limit\./)
      expect((await call('GET', `/repos/${REPO}/issues/1`, undefined, { url: limited.url })).status).toBe(200) // reads go on
      expect(limited.state.comments).toHaveLength(1)
      expect(limited.problems).toEqual([])
    } finally {
      await limited.close()
    }
  })
})
