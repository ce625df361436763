import type { GateOrigin } from '../gitgate/origin.js'
import { type GitHubGatePolicy, type GitHubTool, isWriteTool } from '../config/github-gate-tools.js'
import type { GitHubTarget } from './target.js'

/**
 * Whether a run gets a GitHub gate, and with what: the tools that can act on what triggered the
 * run (a tool that needs the triggering pull request or issue is not offered without one), the
 * token (`github-token`, else the one `actions/checkout` left for the workspace's origin) and the
 * API's URL. No gate: one line saying why.
 */
export interface GitHubGateSetup {
  target: GitHubTarget
  apiUrl: string
  token: string
  /** the tools offered (none: no MCP server, only the progress comment) */
  tools: Set<GitHubTool>
}

const NEEDS_TRIGGER: ReadonlySet<GitHubTool> = new Set(['create_review', 'add_comment', 'add_labels'])

/** The token inside the checkout's credential header (basic x-access-token:<token>, as actions/checkout writes it). */
export function checkoutToken(origin: GateOrigin | undefined): string | undefined {
  const h = origin?.authHeader
  if (h?.name.toLowerCase() !== 'authorization') return undefined
  const m = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(h.value.trim())
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon > 0 ? decoded.slice(colon + 1) || undefined : undefined
  }
  return /^(?:bearer|token)\s+(\S+)$/i.exec(h.value.trim())?.[1]
}

/** The tools of `policy` that can act on `target`. */
export function usableTools(policy: GitHubGatePolicy, target: GitHubTarget): Set<GitHubTool> {
  const tools = new Set<GitHubTool>()
  for (const t of policy.tools) {
    if (target.number === undefined && NEEDS_TRIGGER.has(t)) continue
    if (target.number === undefined && policy.readScope === 'trigger' && (t === 'get_pull_request' || t === 'get_issue')) continue
    if (t === 'create_review' && !target.isPullRequest) continue
    tools.add(t)
  }
  return tools
}

export function githubGateSetup(
  policy: GitHubGatePolicy,
  target: GitHubTarget | undefined,
  token: string | undefined,
  origin: GateOrigin | undefined,
  apiUrl: string
): { setup?: GitHubGateSetup; line: string; warn: boolean } {
  const asked = [...policy.tools]
  // what the user asked for explicitly and will miss: a write tool, or the progress comment
  const missed = asked.some(isWriteTool) || policy.progressComment
  if (!asked.length && !policy.progressComment) return { line: 'GitHub gate: off (github-tools: none)', warn: false }
  if (!target) return { line: 'GitHub gate: off (GITHUB_REPOSITORY is not set)', warn: missed }
  const tools = usableTools(policy, target)
  const progress = policy.progressComment && target.number !== undefined
  if (!tools.size && !progress)
    return {
      line: `GitHub gate: off (${[...asked, 'progress-comment'].join(', ')} act on a triggering pull request or issue; this event has none)`,
      warn: missed
    }
  const t = token || checkoutToken(origin)
  if (!t) return { line: 'GitHub gate: off (no token: set github-token, or check out the repository with its token)', warn: missed }
  return { setup: { target, apiUrl, token: t, tools }, line: '', warn: false }
}
