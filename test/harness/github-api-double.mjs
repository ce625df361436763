// A GitHub REST API double on loopback whose every request is checked against GitHub's published
// OpenAPI description (@octokit/openapi, api.github.com): the method and path must match an
// operation, path parameters their schemas, query parameters must be ones the operation declares.
// Each answer is validated against the operation's response schema before it is sent (a double
// that answers what GitHub never would proves nothing). Auth and rate limits answer as GitHub does:
// 401 "Bad credentials" for a wrong token, 403 with x-ratelimit-remaining: 0 when rate-limited.
// Operations it serves: repos/get-collaborator-permission-level; pulls/get (GitHub's own example
// pull request with the number, base and head a test gives); git/get-tree and git/get-blob from a
// real git repository a test gives (ls-tree, cat-file). Anything else valid is 501 and
// recorded; anything invalid is 404 and recorded as a problem (tests assert there are none).
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import { createRequire } from 'node:module'
import Ajv from 'ajv'

const require = createRequire(import.meta.url)
let spec
let ajv
/** The description and a validator over it, loaded once per process (13 MB of JSON). */
function openapi() {
  if (!spec) {
    spec = require('@octokit/openapi/generated/api.github.com.json')
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
    ajv.addSchema(spec, 'gh')
  }
  return spec
}

const pointer = parts => `gh#/${parts.map(p => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`
const resolve = obj =>
  obj?.$ref
    ? resolve(
        obj.$ref
          .slice(2)
          .split('/')
          .reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], openapi())
      )
    : obj

/** The operation for method + path, with its path parameters, or undefined. */
function matchOperation(method, pathname) {
  for (const [template, item] of Object.entries(openapi().paths)) {
    const op = item[method.toLowerCase()]
    if (!op) continue
    const names = []
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => (names.push(n), '([^/]+)'))}$`)
    const m = re.exec(pathname)
    if (m) return { template, method: method.toLowerCase(), op, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) }
  }
  return undefined
}

/** What is wrong with a request for `found`, by the operation's declared parameters. */
function requestProblems(found, query) {
  const problems = []
  const declared = [...(openapi().paths[found.template].parameters ?? []), ...(found.op.parameters ?? [])].map(resolve)
  for (const p of declared.filter(p => p.in === 'path')) {
    const v = found.params[p.name]
    if (v === undefined || v === '') problems.push(`path parameter ${p.name} missing`)
    else if (p.schema?.type === 'integer' && !/^\d+$/.test(v)) problems.push(`path parameter ${p.name} is not an integer`)
  }
  const queryNames = new Set(declared.filter(p => p.in === 'query').map(p => p.name))
  for (const k of query.keys()) if (!queryNames.has(k)) problems.push(`query parameter ${k} is not declared by ${found.op.operationId}`)
  for (const p of declared.filter(p => p.in === 'query' && p.required)) if (!query.has(p.name)) problems.push(`required query parameter ${p.name} missing`)
  return problems
}

/**
 * Checks an answer against the operation's response schema; the problems, or none. GitHub's
 * auth and rate-limit answers (401, 403, 429) come from any operation, as its basic-error.
 */
function responseProblems(found, status, body) {
  const declared = found.op.responses[String(status)]
  const decode = ref =>
    ref
      .slice(2)
      .split('/')
      .map(k => k.replace(/~1/g, '/').replace(/~0/g, '~'))
  let base
  if (declared) base = declared.$ref ? decode(declared.$ref) : ['paths', found.template, found.method, 'responses', String(status)]
  else if ([401, 403, 429].includes(status)) base = ['components', 'responses', 'requires_authentication']
  else return [`${found.op.operationId} declares no ${status} answer`]
  if (!base.reduce((o, k) => o?.[k], openapi())?.content?.['application/json']) return []
  const validate = ajv.getSchema(pointer([...base, 'content', 'application/json', 'schema']))
  return validate(body) ? [] : validate.errors.map(e => `${status} answer ${e.instancePath || '/'} ${e.message}`)
}

const DOCS = 'https://docs.github.com/rest'

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

/** GitHub's example pull request (from the description) with this one's number, base and head. */
function pullRequestObject(repository, number, pr) {
  const example = structuredClone(resolve(openapi().components.examples['pull-request']).value)
  const repoOf = fullName => ({ ...example.base.repo, full_name: fullName, name: fullName.split('/')[1], fork: fullName !== repository })
  example.number = number
  example.requested_teams = [] // the description's own example lacks a field its schema requires there
  example.base = { ...example.base, sha: pr.baseSha, repo: repoOf(repository) }
  example.head = { ...example.head, repo: pr.headRepo === null ? null : repoOf(pr.headRepo) }
  return example
}

const git = (repo, args) => {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return undefined
  }
}

/** A tree as GitHub answers it: its entries (recursively: every entry under it, trees too), from the repository. */
function gitTree(repo, sha, recursive, limit = Number.POSITIVE_INFINITY) {
  // a SHA, or a branch or tag name (GitHub takes either)
  if (!/^(?:[0-9a-f]{40}|[A-Za-z0-9._-][A-Za-z0-9._/-]*)$/.test(sha)) return undefined
  const tree = git(repo, ['rev-parse', '--verify', '-q', `${sha}^{tree}`])
    ?.toString()
    .trim()
  const listed = tree && git(repo, ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), tree])
  if (!listed) return undefined
  const base = 'https://api.github.com/repos/octo/widgets/git'
  const entries = listed
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map(line => {
      const tab = line.indexOf('\t')
      const [mode, type, oid, size] = line.slice(0, tab).split(/ +/)
      const path = line.slice(tab + 1)
      return type === 'blob'
        ? { path, mode, type, sha: oid, size: Number(size), url: `${base}/blobs/${oid}` }
        : { path, mode, type, sha: oid, url: `${base}/${type === 'tree' ? 'trees' : 'commits'}/${oid}` }
    })
  // GitHub lists at most so many entries of a tree (100,000 when recursive), and says it cut the list
  return { sha: tree, url: `${base}/trees/${tree}`, tree: entries.slice(0, limit), truncated: entries.length > limit }
}

/** A blob as GitHub answers it: base64 in lines of 60 characters. */
function gitBlob(repo, sha) {
  if (!/^[0-9a-f]{40}$/.test(sha) || git(repo, ['cat-file', '-t', sha])?.toString().trim() !== 'blob') return undefined
  const data = git(repo, ['cat-file', 'blob', sha])
  return {
    content: `${data.toString('base64').replace(/.{60}/g, '$&\n')}\n`,
    encoding: 'base64',
    url: `https://api.github.com/repos/octo/widgets/git/blobs/${sha}`,
    sha,
    size: data.length,
    node_id: `B_${sha.slice(0, 12)}`
  }
}

/**
 * @param {{ token: string, repository: string, permissions?: Record<string, string>, users?: string[], private?: boolean, rateLimited?: boolean,
 *   pulls?: Record<number, { baseSha: string, headRepo: string | null }>, gitRepo?: string, treeLimit?: number }} o
 *   pulls: the pull requests pulls/get answers for; gitRepo: the repository git/get-tree and git/get-blob read;
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
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double')
    const found = matchOperation(req.method ?? 'GET', url.pathname)
    const send = (status, body, headers = {}) => {
      if (found) for (const p of responseProblems(found, status, body)) problems.push(`${req.method} ${url.pathname}: ${p}`)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers })
      res.end(JSON.stringify(body))
    }
    const record = { method: req.method, path: url.pathname, operationId: found?.op.operationId, authorization: req.headers.authorization }
    requests.push(record)
    if (!found) {
      problems.push(`${req.method} ${url.pathname}: no operation of GitHub's REST API`)
      return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
    }
    for (const p of requestProblems(found, url.searchParams)) problems.push(`${req.method} ${url.pathname}: ${p}`)
    const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (auth !== o.token) return send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
    if (o.rateLimited)
      return send(
        403,
        { message: 'API rate limit exceeded for installation ID 4242.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '403' },
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }
      )
    if (found.op.operationId === 'repos/get-collaborator-permission-level') {
      if (`${found.params.owner}/${found.params.repo}` !== o.repository) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
      const login = found.params.username
      if (!users.has(login)) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
      const role = permissions[login] ?? (o.private ? 'none' : 'read')
      // GitHub's `permission` is the legacy name: maintain reads as write, triage as read
      const permission = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' }[role]
      const user = role === 'none' ? null : { ...userObject(login, 1000 + [...users].indexOf(login)), role_name: role }
      return send(200, { permission, role_name: role, user })
    }
    const notFound = () => send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
    const sameRepo = `${found.params.owner}/${found.params.repo}` === o.repository
    if (found.op.operationId === 'pulls/get') {
      const pr = sameRepo ? o.pulls?.[Number(found.params.pull_number)] : undefined
      return pr ? send(200, pullRequestObject(o.repository, Number(found.params.pull_number), pr)) : notFound()
    }
    if (found.op.operationId === 'git/get-tree') {
      const tree = sameRepo && o.gitRepo ? gitTree(o.gitRepo, found.params.tree_sha, url.searchParams.has('recursive'), o.treeLimit) : undefined
      return tree ? send(200, tree) : notFound()
    }
    if (found.op.operationId === 'git/get-blob') {
      const blob = sameRepo && o.gitRepo ? gitBlob(o.gitRepo, found.params.file_sha) : undefined
      return blob ? send(200, blob) : notFound()
    }
    send(501, { message: `the double does not serve ${found.op.operationId}`, documentation_url: DOCS, status: '501' })
  })
  await new Promise(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${server.address().port}`
  return { url, requests, problems, close: () => new Promise(r => (server.closeAllConnections(), server.close(() => r()))) }
}
