import { HttpClient } from '@actions/http-client'
import { z } from 'zod'
import { BottleError } from '../util/errors.js'
import type { PermissionOf } from './trigger-check.js'

/**
 * An account's permission on the repository, from GitHub's REST API
 * (`GET /repos/{owner}/{repo}/collaborators/{username}/permission`) with `github-token`, on
 * github.com or GHES (GITHUB_API_URL); the runner's proxy applies (@actions/http-client).
 * Anything but an answer fails closed: the run does not start.
 */
const Answer = z.object({ permission: z.string(), role_name: z.string().optional() }).passthrough()

export function permissionApi(apiUrl: string, repository: string, token: string | undefined, http = new HttpClient('bot-bottle')): PermissionOf {
  return async login => {
    if (!token)
      throw new BottleError(
        `the trigger check needs the GitHub API to read ${login}'s permission on ${repository}, and no github-token was given`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the user writes
        "Set 'github-token: ${{ github.token }}' (it stays on the runner)"
      )
    const [owner, repo] = repository.split('/')
    const path = [owner, repo, 'collaborators', login].map(p => encodeURIComponent(p ?? '')).join('/')
    const url = `${apiUrl.replace(/\/+$/, '')}/repos/${path}/permission`
    let status: number
    let body: string
    try {
      const res = await http.get(url, { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' })
      status = res.message.statusCode ?? 0
      body = await res.readBody()
    } catch (err) {
      throw new BottleError(
        `the trigger check could not reach the GitHub API at ${apiUrl} (${(err as Error).message})`,
        "Check the runner's network; the run did not start"
      )
    }
    if (status === 404) return undefined
    if (status === 401) throw new BottleError('the trigger check: GitHub refused github-token (HTTP 401)', 'Give a valid token; the run did not start')
    if (status === 403 || status === 429)
      throw new BottleError(
        `the trigger check: GitHub answered HTTP ${status} (${messageOf(body)})`,
        'A rate limit or a token without metadata read access; the run did not start'
      )
    if (status !== 200) throw new BottleError(`the trigger check: GitHub answered HTTP ${status} for ${login}'s permission`, 'Try again; the run did not start')
    const parsed = Answer.safeParse(safeJson(body))
    if (!parsed.success) throw new BottleError('the trigger check: GitHub sent a permission answer this action cannot read', 'Try again; the run did not start')
    return { permission: parsed.data.permission, roleName: parsed.data.role_name }
  }
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
