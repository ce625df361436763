import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { gateOrigin } from '../../gitgate/origin.js'
import { githubApi } from '../../githubgate/github-client.js'
import { RECORD_LINE } from '../../githubgate/progress-comment.js'
import { checkoutToken } from '../../githubgate/setup.js'
import type { GitHubTarget } from '../../githubgate/target.js'
import { readHostJson } from '../../transcript/collect.js'
import type { PostConfig } from '../../config/post-config.js'
import { readGitCredentials } from '../../gitgate/git-credentials.js'

/**
 * The progress comment's last edit, in the post step: the artifact is uploaded only there, so
 * main leaves the comment's id and final text in its state dir (host-written, 0600, never in
 * the record) with a line the post step swaps for the artifact's link.
 */

const HANDOFF = 'progress-comment.json'

interface Handoff {
  id: number
  target: Pick<GitHubTarget, 'owner' | 'repo'>
  apiUrl: string
  body: string
}

/** main: what the post step needs to add the artifact's link. */
export function leaveForPost(stateDir: string, handoff: Handoff): void {
  if (!stateDir || !fs.existsSync(stateDir)) return
  fs.writeFileSync(path.join(stateDir, HANDOFF), JSON.stringify(handoff), { mode: 0o600 })
}

/** The post step: the comment's record line now links the uploaded artifact. Never fails the step. */
export async function linkArtifact(stateDir: string, artifactUrl: string | undefined, config: PostConfig): Promise<void> {
  const h = readHostJson<Handoff>(path.join(stateDir, HANDOFF))
  if (!h || !artifactUrl || typeof h.id !== 'number' || typeof h.body !== 'string') return
  try {
    const token = config.githubToken || checkoutToken(await gateOrigin(config.workspace, await readGitCredentials(config.workspace), undefined))
    if (!token) return core.info('bot-bottle post: progress-comment: no token to add the artifact link with')
    const lines = h.body.split('\n').filter(l => !l.startsWith(RECORD_LINE))
    const api = await githubApi(h.apiUrl, token, h.target)
    await api.updateComment(h.id, [...lines, `${RECORD_LINE}${artifactUrl}`].join('\n'))
  } catch (err) {
    core.warning(`bot-bottle post: progress-comment: the artifact link was not added (${(err as Error).message.split('\n')[0]})`)
  }
}
