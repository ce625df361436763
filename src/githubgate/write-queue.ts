import type { ReviewComment } from './github-client.js'
import type { WriteTool } from '../config/github-gate-tools.js'

/**
 * The writes the agent asked for during the run, held on the runner until the run is over: one of
 * each at most (a second is refused, so what the agent was told will be done is what is done),
 * each within GitHub's own text limits.
 */

/** GitHub's limit for a comment, review or pull request body (characters). */
export const MAX_BODY_CHARS = 65_536
export const MAX_TITLE_CHARS = 256
export const MAX_REVIEW_COMMENTS = 50
export const MAX_LABELS = 10

export type QueuedWrite =
  | { tool: 'create_review'; number: number; commitId: string; body: string; event: 'COMMENT' | 'REQUEST_CHANGES'; comments: ReviewComment[] }
  | { tool: 'add_comment'; number: number; body: string }
  | { tool: 'add_labels'; number: number; labels: string[] }
  | { tool: 'create_pull_request'; head: string; base: string; title: string; body: string; draft: boolean }

/** A request the agent can fix: its message goes back to the agent as the tool's error. */
export class ToolRefusal extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ToolRefusal'
  }
}

export class WriteQueue {
  private readonly queued = new Map<WriteTool, QueuedWrite>()

  /** Queues `w`, or refuses it (a second request of one tool). */
  add(w: QueuedWrite): void {
    if (this.queued.has(w.tool)) throw new ToolRefusal(`a ${w.tool} request is already queued for this run (one is allowed); it cannot be changed or added to`)
    this.queued.set(w.tool, w)
  }

  has(tool: WriteTool): boolean {
    return this.queued.has(tool)
  }

  /** In the order they are applied: the pull request first (a comment may name it), then the review, the comment, the labels. */
  list(): QueuedWrite[] {
    const order: WriteTool[] = ['create_pull_request', 'create_review', 'add_comment', 'add_labels']
    return order.map(t => this.queued.get(t)).filter((w): w is QueuedWrite => w !== undefined)
  }
}

/** Refuses a text over its cap, naming the field. */
export function checkLength(what: string, text: string, max: number): void {
  if (text.length > max) throw new ToolRefusal(`${what} is ${text.length} characters; at most ${max} are allowed`)
}
