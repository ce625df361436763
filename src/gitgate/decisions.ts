/** What the content rules found in a push: a protected path it changes, or a secret it carries (the kind, never the value). */
export interface ContentFinding {
  check: 'protected-path' | 'secret'
  /** a path (printable, redacted), `blob <oid>`, `commit <oid> (…)`, `tag <oid> (…)` or `a file name in commit <oid>` */
  where: string
  commit?: string
  /** protected-path: the git-protected-paths rule, and what the commit does to the path */
  rule?: string
  change?: string
  /** secret: what kind (`github-token`, `anthropic-key`, `secret` for one of the run's own, …) */
  kinds?: string[]
}

/** One line of git.jsonl. */
export interface GitDecision {
  time: string
  service: 'info-refs' | 'upload-pack' | 'receive-pack' | 'other'
  decision: 'allowed' | 'blocked' | 'pushed' | 'rejected-upstream'
  reason: string
  ref?: string
  old?: string
  new?: string
  status?: number
  bytes_up: number
  bytes_down: number
  /** receive-pack: what the content rules found for this ref, and what they read (bytes of new objects) and took */
  findings?: ContentFinding[]
  scanned_bytes?: number
  scan_ms?: number
  duration_ms: number
}

/** Records one request's decision; the gate stamps the time and duration. */
export type RecordDecision = (d: Omit<GitDecision, 'time' | 'duration_ms'>) => void
