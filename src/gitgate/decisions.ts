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
  duration_ms: number
}

/** Records one request's decision; the gate stamps the time and duration. */
export type RecordDecision = (d: Omit<GitDecision, 'time' | 'duration_ms'>) => void
