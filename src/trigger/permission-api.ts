import type { HttpClient } from '@actions/http-client'
import { z } from 'zod'
import { BottleError } from '../util/errors.js'
import { githubGet, repoPath } from './github-api.js'
import type { PermissionOf } from './trigger-check.js'

/**
 * An account's permission on the repository, from GitHub's REST API
 * (`GET /repos/{owner}/{repo}/collaborators/{username}/permission`) with `github-token`.
 * Anything but an answer fails closed: the run does not start.
 */
const Answer = z.object({ permission: z.string(), role_name: z.string().optional() }).passthrough()

export function permissionApi(apiUrl: string, repository: string, token: string | undefined, http?: HttpClient): PermissionOf {
  return async login => {
    if (!token)
      throw new BottleError(
        `the trigger check needs the GitHub API to read ${login}'s permission on ${repository}, and no github-token was given`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the user writes
        "Set 'github-token: ${{ github.token }}' (it stays on the runner)"
      )
    const get = githubGet(apiUrl, token, 'the trigger check', http)
    const body = await get(`${repoPath(repository)}/collaborators/${encodeURIComponent(login)}/permission`)
    if (body === undefined) return undefined
    const parsed = Answer.safeParse(body)
    if (!parsed.success) throw new BottleError('the trigger check: GitHub sent a permission answer this action cannot read', 'Try again; the run did not start')
    return { permission: parsed.data.permission, roleName: parsed.data.role_name }
  }
}
