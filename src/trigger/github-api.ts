import { HttpClient } from '@actions/http-client'
import { BottleError } from '../util/errors.js'

/**
 * One GET of GitHub's REST API with `github-token`, on github.com or GHES (GITHUB_API_URL); the
 * runner's proxy applies (@actions/http-client). Every failure is one BottleError naming who
 * asked (`what`) and what to do; a 404 is the caller's to read (undefined).
 */
export type GitHubGet = (path: string) => Promise<unknown | undefined>

export function githubGet(apiUrl: string, token: string, what: string, http = new HttpClient('bot-bottle')): GitHubGet {
  return async path => {
    const url = `${apiUrl.replace(/\/+$/, '')}${path}`
    let status: number
    let body: string
    try {
      const res = await http.get(url, { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' })
      status = res.message.statusCode ?? 0
      body = await res.readBody()
    } catch (err) {
      throw new BottleError(
        `${what} could not reach the GitHub API at ${apiUrl} (${(err as Error).message})`,
        "Check the runner's network; the run did not start"
      )
    }
    if (status === 404) return undefined
    if (status === 401) throw new BottleError(`${what}: GitHub refused github-token (HTTP 401)`, 'Give a valid token; the run did not start')
    if (status === 403 || status === 429)
      throw new BottleError(
        `${what}: GitHub answered HTTP ${status} (${messageOf(body)})`,
        'A rate limit or a token without read access to the repository; the run did not start'
      )
    if (status !== 200) throw new BottleError(`${what}: GitHub answered HTTP ${status} for ${path.split('?')[0]}`, 'Try again; the run did not start')
    const parsed = safeJson(body)
    if (parsed === undefined) throw new BottleError(`${what}: GitHub sent an answer that is not JSON`, 'Try again; the run did not start')
    return parsed
  }
}

/** `owner/repo` as a path: each part encoded. */
export function repoPath(repository: string): string {
  const [owner, repo] = repository.split('/')
  return `/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}`
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}

function messageOf(body: string): string {
  const m = (safeJson(body) as { message?: unknown } | undefined)?.message
  return typeof m === 'string' ? m.replace(/[^\x20-\x7e]/g, '').slice(0, 120) : 'no message'
}
