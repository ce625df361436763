/**
 * What the GitHub gate lets the agent do: which tools it is offered, how far its reads reach, and
 * what its queued writes may become once the run is over. Parsed from the inputs once
 * (config/github-gate-policy.ts); the gate and the apply step only read it.
 */

/** The tools that only read. */
export const READ_TOOLS = ['get_pull_request', 'get_issue', 'get_check_runs', 'get_job_log', 'get_file'] as const
/** The tools whose requests are queued during the run and applied by the runner after it. */
export const WRITE_TOOLS = ['create_review', 'add_comment', 'add_labels', 'create_pull_request'] as const

export type ReadTool = (typeof READ_TOOLS)[number]
export type WriteTool = (typeof WRITE_TOOLS)[number]
export type GitHubTool = ReadTool | WriteTool

/** The tools offered when `github-tools` is not set: reading the pull request or issue that triggered the run. */
export const DEFAULT_GITHUB_TOOLS = 'get_pull_request, get_issue'

export interface GitHubGatePolicy {
  tools: ReadonlySet<GitHubTool>
  /** `trigger`: pull request and issue reads only of the one that triggered the run; `repository`: any in the workflow's repository */
  readScope: 'trigger' | 'repository'
  /** the labels add_labels may add (matched without case) */
  labels: readonly string[]
  /** the bases create_pull_request may target; empty: the repository's default branch */
  pullRequestBases: readonly string[]
  /** the conclusions after which the queued writes are applied */
  applyOn: ReadonlySet<string>
  /** keep one comment on the triggering pull request or issue up to date while the agent works */
  progressComment: boolean
}

/** Whether a tool is a write (queued, applied after the run). */
export function isWriteTool(tool: GitHubTool): tool is WriteTool {
  return (WRITE_TOOLS as readonly string[]).includes(tool)
}
