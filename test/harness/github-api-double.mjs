// A GitHub REST API double on loopback whose every request is checked against GitHub's published
// OpenAPI description (@octokit/openapi, api.github.com): the method and path must match an
// operation, path parameters their schemas, query parameters must be ones the operation declares,
// and a JSON body the operation's request body schema (a body it refuses is a problem, and GitHub's
// 422 "Invalid request." answer). Each answer is validated against the operation's response schema
// before it is sent (a double that answers what GitHub never would proves nothing). Auth and rate
// limits answer as GitHub does: 401 "Bad credentials" for a wrong token, 403 with
// x-ratelimit-remaining: 0 when rate-limited, 403 "secondary rate limit" with retry-after after so
// many writes. Operations it serves, all on the one repository a test names (another is 404):
//   repos/get-collaborator-permission-level;
//   pulls/get, pulls/list-files, pulls/list-review-comments, pulls/create-review (a comment on a line
//     outside the pull request's diff is GitHub's 422, and nothing lands), pulls/create (a head or base
//     that is no branch is 422);
//   issues/get, issues/list-comments, issues/create-comment, issues/update-comment, issues/add-labels;
//   checks/list-for-ref; actions/download-job-logs-for-workflow-run (a 302 to a signed URL the double
//     serves too, as text);
//   repos/get-content, git/get-tree and git/get-blob, from a real git repository a test gives.
// Objects are GitHub's own examples from the description with this repository's numbers, ids and
// URLs. What was written is kept in `state` for tests to read back. Anything else valid is 501 and
// recorded; anything invalid is 404 and recorded as a problem (tests assert there are none).
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import Ajv from 'ajv'

const require = createRequire(import.meta.url)
let spec
let ajv
let routes

/**
 * The description's OpenAPI 3.0 `nullable` as ajv reads it: ajv refuses `nullable` beside no `type`
 * (the issue schema has such, in issue-field-value), read as "this, or null"; and an `enum` of a
 * nullable (an issue's state_reason, a check run's conclusion) takes null too, as OpenAPI means.
 */
function forAjv(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.nullable !== 'boolean') return v
  const { nullable, ...rest } = v
  if (!('type' in v)) return nullable ? { anyOf: [{ type: 'null' }, rest] } : rest
  return nullable && Array.isArray(v.enum) && !v.enum.includes(null) ? { ...v, enum: [...v.enum, null] } : v
}

/**
 * The description and a validator over it, loaded once per process (13 MB of JSON). Parsed here, not
 * required, so the rewrite above touches this copy only.
 */
function openapi() {
  if (!spec) {
    spec = JSON.parse(fs.readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'), (_, v) => forAjv(v))
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
    ajv.addSchema(spec, 'gh')
  }
  return spec
}

const unescapePointer = k => k.replace(/~1/g, '/').replace(/~0/g, '~')
const pointer = parts => `gh#/${parts.map(p => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`
const decode = ref => ref.slice(2).split('/').map(unescapePointer)
const resolve = obj => (obj?.$ref ? resolve(decode(obj.$ref).reduce((o, k) => o[k], openapi())) : obj)
const at = parts => parts.reduce((o, k) => o?.[k], openapi())

/**
 * Every operation as a pattern over paths, the most literal first: pulls/comments before
 * pulls/{pull_number}, commits/{ref}/check-runs before commits/{ref} (whose ref may hold slashes).
 */
function routeTable() {
  if (!routes) {
    routes = []
    for (const [template, item] of Object.entries(openapi().paths))
      for (const method of ['get', 'put', 'post', 'patch', 'delete', 'head', 'options']) {
        const op = item[method]
        if (!op) continue
        const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)
        // a parameter marked multi-segment (the contents path) may hold slashes, as GitHub takes them
        const multi = new Set(declared.filter(p => p.in === 'path' && p['x-multi-segment']).map(p => p.name))
        const names = []
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => (names.push(n), multi.has(n) ? '(.+)' : '([^/]+)'))
        routes.push({ template, method, op, declared, names, re: new RegExp(`^${source}$`) })
      }
    const literal = r => r.template.replace(/\{[^}]+\}/g, '').length
    routes.sort((a, b) => literal(b) - literal(a))
  }
  return routes
}

/** The operation for method + path, with its path parameters, or undefined. */
function matchOperation(method, pathname) {
  const verb = method.toLowerCase()
  for (const route of routeTable()) {
    const m = route.method === verb ? route.re.exec(pathname) : null
    if (m) return { ...route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) }
  }
  return undefined
}

/** What is wrong with a request for `found`, by the operation's declared parameters. */
function requestProblems(found, query) {
  const problems = []
  for (const p of found.declared.filter(p => p.in === 'path')) {
    const v = found.params[p.name]
    if (v === undefined || v === '') problems.push(`path parameter ${p.name} missing`)
    else if (p.schema?.type === 'integer' && !/^\d+$/.test(v)) problems.push(`path parameter ${p.name} is not an integer`)
  }
  const queryNames = new Set(found.declared.filter(p => p.in === 'query').map(p => p.name))
  for (const k of query.keys()) if (!queryNames.has(k)) problems.push(`query parameter ${k} is not declared by ${found.op.operationId}`)
  for (const p of found.declared.filter(p => p.in === 'query' && p.required))
    if (!query.has(p.name)) problems.push(`required query parameter ${p.name} missing`)
  return problems
}

/** The operation's JSON request body: whether it is required, and its validator; undefined when it takes none. */
function requestBodyOf(found) {
  const rb = found.op.requestBody
  if (!rb) return undefined
  const base = rb.$ref ? decode(rb.$ref) : ['paths', found.template, found.method, 'requestBody']
  const declared = at(base)
  if (!declared?.content?.['application/json']) return undefined
  return { required: declared.required === true, validate: ajv.getSchema(pointer([...base, 'content', 'application/json', 'schema'])) }
}

const valueAt = (body, instancePath) =>
  instancePath
    .split('/')
    .slice(1)
    .map(unescapePointer)
    .reduce((o, k) => o?.[k], body)
const ruby = v => (v === undefined || v === null ? 'nil' : JSON.stringify(v))

/**
 * A refusal of ajv's in GitHub's words: a missing key is `"body" wasn't supplied.`, an absent body
 * `For 'links/0/schema', nil is not an object.` (both as GitHub answers them; octokit/octokit.rb#992
 * and gh's own stderr quoted in public tests); other refusals keep GitHub's `For '<where>', <value> ...`
 * shape with ajv's reason.
 */
function githubWording(e, body) {
  if (e.keyword === 'required') return `"${e.params.missingProperty}" wasn't supplied.`
  const where =
    e.instancePath
      .split('/')
      .slice(1)
      .map(k => (/^\d+$/.test(k) ? 'items' : `properties/${unescapePointer(k)}`))
      .join('/') || 'links/0/schema'
  const why = e.keyword === 'type' ? `is not ${/^[aeiou]/.test(e.params.type) ? 'an' : 'a'} ${e.params.type}` : e.message
  return `For '${where}', ${ruby(valueAt(body, e.instancePath))} ${why}.`
}

/**
 * Checks an answer against the operation's response schema; the problems, or none. GitHub's
 * auth, not-found and rate-limit answers (401, 404, 403, 429) come from any operation, as its
 * basic-error (404 is GitHub's answer for whatever the token cannot see, declared or not), and
 * so does a 422 for a body the operation's schema refuses, as validation-error.
 */
function responseProblems(found, status, body) {
  const declared = found.op.responses[String(status)]
  let base
  if (declared) base = declared.$ref ? decode(declared.$ref) : ['paths', found.template, found.method, 'responses', String(status)]
  else if ([401, 403, 404, 429].includes(status)) base = ['components', 'responses', 'requires_authentication']
  else if (status === 422 && found.op.requestBody) base = ['components', 'responses', 'validation_failed']
  else return [`${found.op.operationId} declares no ${status} answer`]
  if (!at(base)?.content?.['application/json']) return []
  const validate = ajv.getSchema(pointer([...base, 'content', 'application/json', 'schema']))
  return validate(body) ? [] : validate.errors.map(e => `${status} answer ${e.instancePath || '/'} ${e.message}`)
}

const DOCS = 'https://docs.github.com/rest'
const API = 'https://api.github.com'
const BODY_LIMIT = 1024 * 1024
const exampleOf = name => structuredClone(resolve(openapi().components.examples[name]).value)
/** A pull request's head commit: the test's, or the one GitHub's example pull request names. */
const headSha = pr => pr.headSha ?? resolve(openapi().components.examples['pull-request']).value.head.sha
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
/** A stable made-up SHA (or id) for what the double has no repository to take from. */
const fakeSha = text => createHash('sha1').update(text).digest('hex')

/** A user object as GitHub's collaborator schemas describe it. */
function userObject(login, id) {
  const base = `https://api.github.com/users/${login}`
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: base,
    html_url: `https://github.com/${login}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false
  }
}

/** GitHub's example pull request (from the description) with this one's number, base, head and URLs. */
function pullRequestObject(repository, number, pr) {
  const example = exampleOf('pull-request')
  const repoOf = fullName => ({ ...example.base.repo, full_name: fullName, name: fullName.split('/')[1], fork: fullName !== repository })
  const api = `${API}/repos/${repository}`
  const html = `https://github.com/${repository}/pull/${number}`
  example.number = number
  example.requested_teams = [] // the description's own example lacks a field its schema requires there
  example.base = { ...example.base, sha: pr.baseSha, ref: pr.baseRef ?? example.base.ref, repo: repoOf(repository) }
  example.head = {
    ...example.head,
    sha: pr.headSha ?? example.head.sha,
    ref: pr.headRef ?? example.head.ref,
    label: `${(pr.headRepo ?? repository).split('/')[0]}:${pr.headRef ?? example.head.ref}`,
    repo: pr.headRepo === null ? null : repoOf(pr.headRepo)
  }
  if (pr.title !== undefined) example.title = pr.title
  if (pr.body !== undefined) example.body = pr.body
  if (pr.draft !== undefined) example.draft = pr.draft
  Object.assign(example, {
    url: `${api}/pulls/${number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${number}`,
    commits_url: `${api}/pulls/${number}/commits`,
    review_comments_url: `${api}/pulls/${number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${number}/comments`,
    statuses_url: `${api}/statuses/${example.head.sha}`
  })
  example._links = {
    ...example._links,
    self: { href: example.url },
    html: { href: html },
    issue: { href: example.issue_url },
    comments: { href: example.comments_url },
    review_comments: { href: example.review_comments_url },
    review_comment: { href: example.review_comment_url },
    commits: { href: example.commits_url },
    statuses: { href: example.statuses_url }
  }
  return example
}

const git = (repo, args) => {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return undefined
  }
}
// a SHA, or a branch or tag name (GitHub takes either); never one git could read as an option
const REF = /^(?:[0-9a-f]{40}|[A-Za-z0-9._][A-Za-z0-9._/-]*)$/

/** A tree as GitHub answers it: its entries (recursively: every entry under it, trees too), from the repository. */
function gitTree(repo, sha, recursive, limit = Number.POSITIVE_INFINITY) {
  if (!REF.test(sha)) return undefined
  const tree = git(repo, ['rev-parse', '--verify', '-q', `${sha}^{tree}`])
    ?.toString()
    .trim()
  const listed = tree && git(repo, ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), tree])
  if (!listed) return undefined
  const base = 'https://api.github.com/repos/octo/widgets/git'
  const entries = lsTree(listed).map(({ mode, type, oid, size, path }) =>
    type === 'blob'
      ? { path, mode, type, sha: oid, size: Number(size), url: `${base}/blobs/${oid}` }
      : { path, mode, type, sha: oid, url: `${base}/${type === 'tree' ? 'trees' : 'commits'}/${oid}` }
  )
  // GitHub lists at most so many entries of a tree (100,000 when recursive), and says it cut the list
  return { sha: tree, url: `${base}/trees/${tree}`, tree: entries.slice(0, limit), truncated: entries.length > limit }
}

/** `git ls-tree -l -z` output as entries. */
const lsTree = listed =>
  listed
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map(line => {
      const tab = line.indexOf('\t')
      const [mode, type, oid, size] = line.slice(0, tab).split(/ +/)
      return { mode, type, oid, size, path: line.slice(tab + 1) }
    })

const base64Lines = data => `${data.toString('base64').replace(/.{60}/g, '$&\n')}\n`

/** A blob as GitHub answers it: base64 in lines of 60 characters. */
function gitBlob(repo, sha) {
  if (!/^[0-9a-f]{40}$/.test(sha) || git(repo, ['cat-file', '-t', sha])?.toString().trim() !== 'blob') return undefined
  const data = git(repo, ['cat-file', 'blob', sha])
  return {
    content: base64Lines(data),
    encoding: 'base64',
    url: `https://api.github.com/repos/octo/widgets/git/blobs/${sha}`,
    sha,
    size: data.length,
    node_id: `B_${sha.slice(0, 12)}`
  }
}

/**
 * What repos/get-content answers for `path` at `ref`: a file (base64, as GitHub), a symlink, a
 * submodule, or a directory's listing; undefined when there is nothing there.
 */
function contentAt(gitRepo, repository, ref, path) {
  if (!REF.test(ref) || path.split('/').some(p => p === '' || p === '.' || p === '..')) return undefined
  const [entry] = lsTree(git(gitRepo, ['ls-tree', '-l', '-z', ref, '--', path]) ?? Buffer.alloc(0)).filter(e => e.path === path)
  if (!entry) return undefined
  const item = e => {
    const kind = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : e.mode === '120000' ? 'symlink' : 'file'
    const self = `${API}/repos/${repository}/contents/${e.path}?ref=${ref}`
    const gitUrl = kind === 'submodule' ? null : `${API}/repos/${repository}/git/${kind === 'dir' ? 'trees' : 'blobs'}/${e.oid}`
    const html = `https://github.com/${repository}/${kind === 'dir' ? 'tree' : 'blob'}/${ref}/${e.path}`
    const download = kind === 'file' || kind === 'symlink' ? `https://raw.githubusercontent.com/${repository}/${ref}/${e.path}` : null
    const size = e.type === 'blob' ? Number(e.size) : 0
    return {
      type: kind,
      size,
      name: e.path.split('/').pop(),
      path: e.path,
      sha: e.oid,
      url: self,
      git_url: gitUrl,
      html_url: html,
      download_url: download,
      _links: { self, git: gitUrl, html }
    }
  }
  if (entry.type === 'tree')
    return { listing: lsTree(git(gitRepo, ['ls-tree', '-l', '-z', `${ref}:${path}`])).map(e => item({ ...e, path: `${path}/${e.path}` })) }
  if (entry.type === 'commit') return { object: { ...item(entry), submodule_git_url: `https://github.com/${repository}.git` } }
  const data = git(gitRepo, ['cat-file', 'blob', entry.oid])
  if (entry.mode === '120000') return { object: { ...item(entry), target: data.toString('utf8') }, data }
  return { object: { ...item(entry), content: base64Lines(data), encoding: 'base64' }, data }
}

/**
 * The lines of a file's patch a review comment may be on, by side: RIGHT the new file's context and
 * added lines, LEFT the old file's context and removed lines; each with its hunk (the text from its
 * `@@` header to that line, GitHub's diff_hunk) and its diff position (1 the line under the first
 * header; later headers count).
 */
function diffLines(patch) {
  const sides = { LEFT: new Map(), RIGHT: new Map() }
  const lines = (patch ?? '').split('\n')
  let header = -1
  let oldLine = 0
  let newLine = 0
  let position = 0
  lines.forEach((text, i) => {
    const h = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text)
    if (h) {
      if (header >= 0) position++
      header = i
      oldLine = Number(h[1])
      newLine = Number(h[2])
      return
    }
    if (header < 0 || text === '' || text.startsWith('\\')) return // before any hunk, a trailing newline, "\ No newline at end of file"
    position++
    const at = { header, position, hunk: lines.slice(header, i + 1).join('\n') }
    if (text[0] !== '+') sides.LEFT.set(oldLine++, at)
    if (text[0] !== '-') sides.RIGHT.set(newLine++, at)
  })
  return sides
}

/** Rails' to_sentence, as GitHub joins its review refusals: "a", "a and b", "a, b, and c". */
const toSentence = words => (words.length < 3 ? words.join(' and ') : `${words.slice(0, -1).join(', ')}, and ${words.at(-1)}`)

/** One page of `list` by per_page (default 30, at most 100) and page, and the number of the last page. */
function paged(list, query) {
  const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100)
  const page = Math.max(Number(query.get('page') ?? 1) || 1, 1)
  return { items: list.slice((page - 1) * perPage, page * perPage), page, last: Math.max(Math.ceil(list.length / perPage), 1) }
}

/** GitHub's Link header for a page, pointing back at the double: how Octokit's paginate finds the next page. */
function linkHeader(origin, url, page, last) {
  const to = n => {
    const u = new URL(url.pathname + url.search, origin)
    u.searchParams.set('page', String(n))
    return u.href
  }
  const links = [
    page < last && `<${to(page + 1)}>; rel="next"`,
    page < last && `<${to(last)}>; rel="last"`,
    page > 1 && `<${to(page - 1)}>; rel="prev"`,
    page > 1 && `<${to(1)}>; rel="first"`
  ]
  const present = links.filter(Boolean)
  return present.length ? { link: present.join(', ') } : {}
}

/**
 * @typedef {{ filename: string, status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged',
 *   additions: number, deletions: number, changes: number, patch?: string }} PullFile
 *   a file of a pull request as a test gives it; `patch` is its unified diff hunks, as GitHub lists them
 * @typedef {{ baseSha: string, headRepo: string | null, headSha?: string, headRef?: string, baseRef?: string, title?: string, body?: string,
 *   draft?: boolean, files?: PullFile[] }} PullSeed
 * @typedef {{ title: string, body?: string | null, user?: string, labels?: string[] }} IssueSeed
 * @typedef {{ id: number, name: string, status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending',
 *   conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null,
 *   jobId?: number, runId?: number }} CheckRunSeed
 *   a check run; with a jobId it is an Actions job's (details_url .../actions/runs/<runId>/job/<jobId>)
 * @typedef {{ id: number, review_id: number, pull: number, path: string, line: number | null, side: 'LEFT' | 'RIGHT',
 *   start_line: number | null, start_side: 'LEFT' | 'RIGHT' | null, position: number, diff_hunk: string, body: string, user: string,
 *   commit_id: string, created_at: string }} ReviewCommentRecord
 * @typedef {{ id: number, pull: number, event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | null,
 *   state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING', body: string, commit_id: string, user: string,
 *   submitted_at: string | null, comments: ReviewCommentRecord[] }} ReviewRecord
 * @typedef {{ id: number, issue: number, body: string, user: string, created_at: string, updated_at: string, updates: number }} IssueCommentRecord
 *   an issue comment (on an issue or a pull request); `updates` counts the issues/update-comment calls on it
 * @typedef {{ number: number, head: string, base: string, title: string | undefined, body: string | undefined, draft: boolean }} CreatedPull
 * @typedef {{ reviews: Map<number, ReviewRecord[]>, comments: IssueCommentRecord[], labels: Map<number, string[]>, pulls: CreatedPull[] }} DoubleState
 *   reviews per pull request number (only those that landed: a refused review leaves nothing); issue comments in the
 *   order written; labels per issue or pull request number; pull requests pulls/create opened
 */

/**
 * @param {{ token: string, repository: string, permissions?: Record<string, string>, users?: string[], private?: boolean, rateLimited?: boolean,
 *   secondaryRateLimitAfter?: number, login?: string, pulls?: Record<number, PullSeed>, issues?: Record<number, IssueSeed>,
 *   comments?: Record<number, Array<{ body: string, user?: string }>>, branches?: Iterable<string>,
 *   checkRuns?: Record<string, CheckRunSeed[]>, jobLogs?: Record<number, string>, gitRepo?: string, treeLimit?: number }} o
 *   pulls: the pull requests (pulls/get, list-files, reviews; they are issues too); issues: plain issues; comments: issue
 *   comments already there, by issue or pull request number (user default octocat); branches: the branches pulls/create takes as head or base
 *   (without it, the gitRepo's); checkRuns: by ref; jobLogs: by job id, what the signed log URL answers;
 *   login: who the token is (the author of what it writes; default github-actions[bot]); secondaryRateLimitAfter: writes
 *   answered before every further write is GitHub's secondary rate limit 403;
 *   gitRepo: the repository git/get-tree, git/get-blob and repos/get-content read;
 *   treeLimit: the most entries a tree lists before it says `truncated` (GitHub's: 100,000).
 *   permissions: login → role ('admin', 'maintain', 'write', 'triage', 'read'); another existing user
 *   (listed in `users`) gets 'read' on a public repository and 'none' on a private one; an unknown login 404.
 */
export async function startGitHubApiDouble(o) {
  openapi()
  const requests = []
  const problems = []
  const permissions = o.permissions ?? {}
  const users = new Set([...(o.users ?? []), ...Object.keys(permissions)])
  const actor = o.login ?? 'github-actions[bot]'
  const repoApi = `${API}/repos/${o.repository}`
  const repoHtml = `https://github.com/${o.repository}`
  const signature = randomBytes(16).toString('hex')
  const userIds = new Map()
  const user = login => userObject(login, userIds.get(login) ?? userIds.set(login, 5000 + userIds.size).get(login))
  let nextId = 1001
  let writes = 0

  /** @type {DoubleState} */
  const state = { reviews: new Map(), comments: [], labels: new Map(), pulls: [] }
  /** @type {Map<number, PullSeed>} */
  const pulls = new Map(Object.entries(o.pulls ?? {}).map(([n, p]) => [Number(n), p]))
  const issues = new Map(Object.entries(o.issues ?? {}).map(([n, i]) => [Number(n), i]))
  for (const [n, i] of issues) state.labels.set(n, [...(i.labels ?? [])])
  for (const [n, list] of Object.entries(o.comments ?? {}))
    for (const c of list)
      state.comments.push({ id: nextId++, issue: Number(n), body: c.body, user: c.user ?? 'octocat', created_at: isoNow(), updated_at: isoNow(), updates: 0 })
  const branches = o.branches && new Set(o.branches)
  const branchExists = name =>
    branches ? branches.has(name) : Boolean(o.gitRepo && REF.test(name) && git(o.gitRepo, ['rev-parse', '--verify', '-q', `refs/heads/${name}`]))

  const labelObject = name => ({
    ...exampleOf('label'),
    id: Number.parseInt(fakeSha(name).slice(0, 8), 16),
    node_id: `LA_${fakeSha(name).slice(0, 12)}`,
    url: `${repoApi}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false
  })
  const issueObject = number => {
    const pr = pulls.get(number)
    const seed = issues.get(number) ?? { title: pr?.title ?? 'Amazing new feature', body: pr?.body ?? null }
    const api = `${repoApi}/issues/${number}`
    const html = `${repoHtml}/${pr ? 'pull' : 'issues'}/${number}`
    const issue = Object.assign(exampleOf('issue'), {
      id: 100000 + number,
      node_id: `I_${number}`,
      url: api,
      repository_url: repoApi,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: html,
      number,
      state: 'open',
      state_reason: null,
      title: seed.title,
      body: seed.body ?? null,
      user: user(seed.user ?? 'octocat'),
      labels: (state.labels.get(number) ?? []).map(labelObject),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: state.comments.filter(c => c.issue === number).length,
      closed_by: null
    })
    if (pr) issue.pull_request = { url: `${repoApi}/pulls/${number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch` }
    else delete issue.pull_request
    return issue
  }
  const issueCommentObject = c => {
    const kind = pulls.has(c.issue) ? 'pull' : 'issues'
    return Object.assign(exampleOf('issue-comment'), {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${repoApi}/issues/comments/${c.id}`,
      html_url: `${repoHtml}/${kind}/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${repoApi}/issues/${c.issue}`,
      body: c.body,
      user: user(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at
    })
  }
  const reviewObject = r => {
    const html = `${repoHtml}/pull/${r.pull}#pullrequestreview-${r.id}`
    const review = Object.assign(exampleOf('pull-request-review'), {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: user(r.user),
      body: r.body,
      state: r.state,
      html_url: html,
      pull_request_url: `${repoApi}/pulls/${r.pull}`,
      _links: { html: { href: html }, pull_request: { href: `${repoApi}/pulls/${r.pull}` } },
      commit_id: r.commit_id,
      submitted_at: r.submitted_at
    })
    if (!r.submitted_at) delete review.submitted_at // a pending review was never submitted
    return review
  }
  const reviewCommentObject = c => {
    const api = `${repoApi}/pulls/comments/${c.id}`
    const html = `${repoHtml}/pull/${c.pull}#discussion_r${c.id}`
    const comment = Object.assign(exampleOf('pull-request-review-comment'), {
      url: api,
      pull_request_review_id: c.review_id,
      id: c.id,
      node_id: `PRRC_${c.id}`,
      diff_hunk: c.diff_hunk,
      path: c.path,
      position: c.position,
      original_position: c.position,
      commit_id: c.commit_id,
      original_commit_id: c.commit_id,
      user: user(c.user),
      body: c.body,
      created_at: c.created_at,
      updated_at: c.created_at,
      html_url: html,
      pull_request_url: `${repoApi}/pulls/${c.pull}`,
      _links: { self: { href: api }, html: { href: html }, pull_request: { href: `${repoApi}/pulls/${c.pull}` } },
      start_line: c.start_line,
      original_start_line: c.start_line,
      start_side: c.start_side,
      line: c.line,
      original_line: c.line,
      side: c.side,
      subject_type: 'line'
    })
    delete comment.in_reply_to_id
    return comment
  }
  const diffEntryObject = (pr, f) => {
    const head = headSha(pr)
    const entry = {
      sha: fakeSha(`${f.filename}\n${f.patch ?? ''}`),
      filename: f.filename,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.changes,
      blob_url: `${repoHtml}/blob/${head}/${f.filename}`,
      raw_url: `${repoHtml}/raw/${head}/${f.filename}`,
      contents_url: `${repoApi}/contents/${f.filename}?ref=${head}`
    }
    return f.patch === undefined ? entry : { ...entry, patch: f.patch }
  }
  const checkRunObject = (ref, run) => {
    const completed = run.status === 'completed'
    const actions = run.jobId !== undefined
    const checkRun = Object.assign(exampleOf('check-run'), {
      id: run.id,
      head_sha: /^[0-9a-f]{40}$/.test(ref) ? ref : fakeSha(ref),
      node_id: `CR_${run.id}`,
      external_id: '',
      url: `${repoApi}/check-runs/${run.id}`,
      html_url: actions ? `${repoHtml}/actions/runs/${run.runId ?? 7000}/job/${run.jobId}` : `${repoHtml}/runs/${run.id}`,
      details_url: actions ? `${repoHtml}/actions/runs/${run.runId ?? 7000}/job/${run.jobId}` : `${repoHtml}/runs/${run.id}`,
      status: run.status,
      conclusion: completed ? run.conclusion : null,
      started_at: run.status === 'queued' ? null : '2024-05-04T01:14:52Z',
      completed_at: completed ? '2024-05-04T01:16:52Z' : null,
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${repoApi}/check-runs/${run.id}/annotations` },
      name: run.name,
      pull_requests: []
    })
    if (actions) checkRun.app = { ...checkRun.app, slug: 'github-actions', name: 'GitHub Actions' }
    return checkRun
  }
  const allReviewComments = number => (state.reviews.get(number) ?? []).flatMap(r => r.comments)

  /**
   * Where a review comment lands in the file's diff: by line and side (RIGHT unless said), or by
   * diff position; `at` undefined when that is no line of the diff.
   */
  const placeOf = (pr, c) => {
    const lines = diffLines((pr.files ?? []).find(f => f.filename === c.path)?.patch)
    if (c.line !== undefined) {
      const side = c.side ?? 'RIGHT'
      const at = side === 'LEFT' || side === 'RIGHT' ? lines[side].get(c.line) : undefined
      const startSide = c.start_side ?? side
      const start = c.start_line === undefined ? undefined : (startSide === 'LEFT' || startSide === 'RIGHT' ? lines[startSide] : new Map()).get(c.start_line)
      // a range starts above its line, in the same hunk
      const ranged = c.start_line === undefined || (start && at && start.header === at.header && start.position < at.position)
      return { side, line: c.line, at: ranged ? at : undefined }
    }
    for (const side of ['RIGHT', 'LEFT']) for (const [line, at] of lines[side]) if (at.position === c.position) return { side, line, at }
    return { side: 'RIGHT', line: null, at: undefined }
  }
  /**
   * Why GitHub refuses these review comments, one refusal per comment it cannot place (none: it
   * places them all). "Line could not be resolved" / "Path could not be resolved", one string joined
   * as a sentence: GitHub's answer measured on 2026-09-22 and kept in devbasex/ai-plugins' tests
   * ({ message: 'Unprocessable Entity', errors: ['Line could not be resolved, Path could not be
   * resolved, and Line could not be resolved'], status: '422' }); warpdotdev/oz-agent-action#17 and
   * max-sixty/tend#123 report the same words. (Earlier GitHub said "Pull request review thread line
   * must be part of the diff", The-PR-Agent/pr-agent#592.)
   */
  const unplaced = (pr, comments) =>
    comments.flatMap(c =>
      !(pr.files ?? []).some(f => f.filename === c.path) ? ['Path could not be resolved'] : placeOf(pr, c).at ? [] : ['Line could not be resolved']
    )
  /** A review comment as stored, where placeOf() put it. */
  const placedComment = (pr, number, reviewId, commitId, c, author) => {
    const { side, line, at } = placeOf(pr, c)
    return {
      id: nextId++,
      review_id: reviewId,
      pull: number,
      path: c.path,
      line,
      side,
      start_line: c.start_line ?? null,
      start_side: c.start_line === undefined ? null : (c.start_side ?? side),
      position: at.position,
      diff_hunk: at.hunk,
      body: c.body,
      user: author,
      commit_id: commitId,
      created_at: isoNow()
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://double')
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`
    // the signed log URL a job-logs 302 points to: another host on GitHub, no API operation, no token
    const signed = /^\/_signed\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname)
    if (signed) {
      requests.push({ method: req.method, path: url.pathname, operationId: undefined, authorization: req.headers.authorization, body: undefined })
      const log = o.jobLogs?.[Number(signed[1])]
      const ok = req.method === 'GET' && url.searchParams.get('sig') === signature && log !== undefined
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain; charset=utf-8' })
      return res.end(ok ? log : 'AuthenticationFailed')
    }
    const found = matchOperation(req.method ?? 'GET', url.pathname)
    const send = (status, body, headers = {}) => {
      if (found) for (const p of responseProblems(found, status, body)) problems.push(`${req.method} ${url.pathname}: ${p}`)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers })
      res.end(JSON.stringify(body))
    }
    const record = { method: req.method, path: url.pathname, operationId: found?.op.operationId, authorization: req.headers.authorization, body: undefined }
    requests.push(record)
    // the whole body before any answer (a client still writing it would see its socket reset), to a bound
    let size = 0
    const chunks = []
    for await (const chunk of req) if ((size += chunk.length) <= BODY_LIMIT) chunks.push(chunk)
    if (size > BODY_LIMIT) {
      problems.push(`${req.method} ${url.pathname}: request body over ${BODY_LIMIT} bytes`)
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
      return res.end(JSON.stringify({ message: 'Payload Too Large', documentation_url: DOCS, status: '413' }))
    }
    const text = Buffer.concat(chunks).toString('utf8')
    let body
    if (text !== '') {
      try {
        body = JSON.parse(text)
      } catch {
        problems.push(`${req.method} ${url.pathname}: request body is not JSON`)
        res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
        return res.end(JSON.stringify({ message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' }))
      }
    }
    record.body = body
    if (!found) {
      problems.push(`${req.method} ${url.pathname}: no operation of GitHub's REST API`)
      return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
    }
    for (const p of requestProblems(found, url.searchParams)) problems.push(`${req.method} ${url.pathname}: ${p}`)
    const takes = requestBodyOf(found)
    let refusedBody
    if (takes && (body !== undefined || takes.required)) {
      if (body === undefined) refusedBody = ["For 'links/0/schema', nil is not an object."]
      else if (!takes.validate(body)) refusedBody = [...new Set(takes.validate.errors.map(e => githubWording(e, body)))]
      if (refusedBody) for (const r of refusedBody) problems.push(`${req.method} ${url.pathname}: request body refused: ${r}`)
    }
    const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (auth !== o.token) return send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
    if (o.rateLimited)
      return send(
        403,
        { message: 'API rate limit exceeded for installation ID 4242.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '403' },
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }
      )
    // GitHub's secondary limit on content creation: its words and documentation_url as GitHub answers
    // (github-changelog-generator/github-changelog-generator#993, apache/devlake#1322), with retry-after
    if (['post', 'put', 'patch', 'delete'].includes(found.method) && o.secondaryRateLimitAfter !== undefined && ++writes > o.secondaryRateLimitAfter)
      return send(
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
            'If you reach out to GitHub Support for help, please include the request ID 0000:0000:000000:0000000:00000000.',
          documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403'
        },
        { 'retry-after': '60' }
      )
    const docs = found.op.externalDocs?.url ?? DOCS
    if (refusedBody) return send(422, { message: `Invalid request.\n\n${refusedBody.join('\n')}`, documentation_url: docs, status: '422' })
    const notFound = () => send(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const { params } = found
    const serve = handlers[found.op.operationId]
    if (serve && `${params.owner}/${params.repo}` !== o.repository) return notFound()
    if (serve) return serve({ params, query: url.searchParams, body: body ?? {}, send, notFound, docs, origin, url, req, res, found })
    send(501, { message: `the double does not serve ${found.op.operationId}`, documentation_url: DOCS, status: '501' })
  }

  const sendPage = ({ send, query, origin, url }, list) => {
    const { items, page, last } = paged(list, query)
    send(200, items, linkHeader(origin, url, page, last))
  }
  const unprocessable = (send, docs, errors) =>
    send(422, { message: 'Unprocessable Entity', errors: [toSentence(errors)], documentation_url: docs, status: '422' })
  const validationFailed = (send, docs, errors) => send(422, { message: 'Validation Failed', errors, documentation_url: docs, status: '422' })
  const nextNumber = () => Math.max(0, ...pulls.keys(), ...issues.keys()) + 1
  const issueExists = n => pulls.has(n) || issues.has(n)

  /** The operations served, by operationId; each answers through `send`. Owner and repo are this repository's already. */
  const handlers = {
    'repos/get-collaborator-permission-level': ({ params, send, notFound }) => {
      const login = params.username
      if (!users.has(login)) return notFound()
      const role = permissions[login] ?? (o.private ? 'none' : 'read')
      // GitHub's `permission` is the legacy name: maintain reads as write, triage as read
      const permission = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' }[role]
      const who = role === 'none' ? null : { ...userObject(login, 1000 + [...users].indexOf(login)), role_name: role }
      send(200, { permission, role_name: role, user: who })
    },
    'pulls/get': ({ params, send, notFound }) => {
      const pr = pulls.get(Number(params.pull_number))
      return pr ? send(200, pullRequestObject(o.repository, Number(params.pull_number), pr)) : notFound()
    },
    'pulls/list-files': ctx => {
      const pr = pulls.get(Number(ctx.params.pull_number))
      if (!pr) return ctx.notFound()
      sendPage(
        ctx,
        (pr.files ?? []).map(f => diffEntryObject(pr, f))
      )
    },
    'pulls/list-review-comments': ctx => {
      const number = Number(ctx.params.pull_number)
      if (!pulls.has(number)) return ctx.notFound()
      const since = ctx.query.get('since')
      const list = allReviewComments(number).filter(c => !since || c.created_at >= since)
      if (ctx.query.get('direction') === 'desc') list.reverse()
      sendPage(ctx, list.map(reviewCommentObject))
    },
    'pulls/create-review': ({ params, body, send, notFound, docs }) => {
      const number = Number(params.pull_number)
      const pr = pulls.get(number)
      if (!pr) return notFound()
      const head = headSha(pr)
      // GitHub's words for a commit that is not the pull request's (devbasex/ai-plugins' measured answers)
      if (body.commit_id !== undefined && body.commit_id !== head) return unprocessable(send, docs, ['The commitOID is not part of the pull request'])
      const comments = body.comments ?? []
      const refusals = unplaced(pr, comments)
      if (refusals.length) return unprocessable(send, docs, refusals) // all or nothing: no review, no comment lands
      const id = nextId++
      const event = body.event ?? null
      const review = {
        id,
        pull: number,
        event,
        state: { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' }[event] ?? 'PENDING',
        body: body.body ?? '',
        commit_id: head,
        user: actor,
        submitted_at: event ? isoNow() : null,
        comments: []
      }
      review.comments = comments.map(c => placedComment(pr, number, id, head, c, actor))
      state.reviews.set(number, [...(state.reviews.get(number) ?? []), review])
      send(200, reviewObject(review))
    },
    'pulls/create': ({ body, send, docs }) => {
      const head = String(body.head).replace(/^[^:]+:/, '')
      // GitHub's answers (spdx/spdx-online-tools#425, dailymotion-oss/octopilot#134, vsoch/pull-request-action#86)
      const invalid = [!branchExists(head) && 'head', !branchExists(body.base) && 'base'].filter(Boolean)
      const errors = invalid.map(field => ({ resource: 'PullRequest', field, code: 'invalid' }))
      if (errors.length) return validationFailed(send, docs, errors)
      if (state.pulls.some(p => p.head === head && p.base === body.base)) {
        const owner = o.repository.split('/')[0]
        return validationFailed(send, docs, [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }])
      }
      const number = nextNumber()
      const tip = ref => (o.gitRepo ? git(o.gitRepo, ['rev-parse', '--verify', '-q', `refs/heads/${ref}`]) : undefined)
      const sha = ref => String(tip(ref) ?? '').trim() || fakeSha(ref)
      const created = { number, head, base: body.base, title: body.title, body: body.body, draft: body.draft === true }
      state.pulls.push(created)
      pulls.set(number, {
        baseSha: sha(body.base),
        headSha: sha(head),
        headRepo: o.repository,
        headRef: head,
        baseRef: body.base,
        title: body.title,
        body: body.body ?? null,
        draft: body.draft === true,
        files: []
      })
      send(201, pullRequestObject(o.repository, number, pulls.get(number)), { location: `${repoApi}/pulls/${number}` })
    },
    'issues/get': ({ params, send, notFound }) => {
      const number = Number(params.issue_number)
      return issueExists(number) ? send(200, issueObject(number)) : notFound()
    },
    'issues/list-comments': ctx => {
      const number = Number(ctx.params.issue_number)
      if (!issueExists(number)) return ctx.notFound()
      const since = ctx.query.get('since')
      sendPage(ctx, state.comments.filter(c => c.issue === number && (!since || c.updated_at >= since)).map(issueCommentObject))
    },
    'issues/create-comment': ({ params, body, send, notFound }) => {
      const number = Number(params.issue_number)
      if (!issueExists(number)) return notFound()
      const now = isoNow()
      const comment = { id: nextId++, issue: number, body: body.body, user: actor, created_at: now, updated_at: now, updates: 0 }
      state.comments.push(comment)
      send(201, issueCommentObject(comment), { location: `${repoApi}/issues/comments/${comment.id}` })
    },
    'issues/update-comment': ({ params, body, send, notFound }) => {
      const comment = state.comments.find(c => c.id === Number(params.comment_id))
      if (!comment) return notFound()
      Object.assign(comment, { body: body.body, updated_at: isoNow(), updates: comment.updates + 1 })
      send(200, issueCommentObject(comment))
    },
    'issues/add-labels': ({ params, body, send, notFound }) => {
      const number = Number(params.issue_number)
      if (!issueExists(number)) return notFound()
      const names = (body.labels ?? []).map(l => (typeof l === 'string' ? l : l.name))
      const labels = [...new Set([...(state.labels.get(number) ?? []), ...names])]
      state.labels.set(number, labels)
      send(200, labels.map(labelObject))
    },
    'checks/list-for-ref': ({ params, query, send, origin, url }) => {
      const runs = (o.checkRuns?.[params.ref] ?? []).filter(
        r => (!query.has('check_name') || r.name === query.get('check_name')) && (!query.has('status') || r.status === query.get('status'))
      )
      const { items, page, last } = paged(runs, query)
      send(200, { total_count: runs.length, check_runs: items.map(r => checkRunObject(params.ref, r)) }, linkHeader(origin, url, page, last))
    },
    'actions/download-job-logs-for-workflow-run': ({ params, notFound, origin, url, res, found }) => {
      const job = Number(params.job_id)
      if (o.jobLogs?.[job] === undefined) return notFound()
      // GitHub answers 302 to a short-lived signed URL on another host; no body, so none to validate
      for (const p of responseProblems(found, 302, undefined)) problems.push(`GET ${url.pathname}: ${p}`)
      res.writeHead(302, { location: `${origin}/_signed/actions/jobs/${job}/logs?sig=${signature}`, 'x-github-api-version-selected': '2022-11-28' })
      res.end()
    },
    'repos/get-content': ({ params, query, send, notFound, req, res }) => {
      const content = o.gitRepo ? contentAt(o.gitRepo, o.repository, query.get('ref') ?? 'HEAD', params.path) : undefined
      if (!content) return notFound()
      // the raw media type answers the bytes themselves, as GitHub does for a file
      if (content.data && /application\/vnd\.github(?:\.v3)?\.raw/.test(req.headers.accept ?? '')) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' })
        return res.end(content.data)
      }
      send(200, content.listing ?? content.object)
    },
    'git/get-tree': ({ params, query, send, notFound }) => {
      const tree = o.gitRepo ? gitTree(o.gitRepo, params.tree_sha, query.has('recursive'), o.treeLimit) : undefined
      return tree ? send(200, tree) : notFound()
    },
    'git/get-blob': ({ params, send, notFound }) => {
      const blob = o.gitRepo ? gitBlob(o.gitRepo, params.file_sha) : undefined
      return blob ? send(200, blob) : notFound()
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      problems.push(`${req.method} ${req.url}: the double failed: ${e?.stack ?? e}`)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      res.end()
    })
  })
  await new Promise(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${server.address().port}`
  return { url, requests, problems, state, close: () => new Promise(r => (server.closeAllConnections(), server.close(() => r()))) }
}
