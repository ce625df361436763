import type { GitHubApi } from './github-client.js'
import { neutralise } from './neutralise.js'

/**
 * One comment on the triggering pull request or issue, kept up to date while the agent works
 * (`progress-comment`): made when the bottle is up, edited at most every few seconds from the
 * host's own figures, and replaced at the end by the conclusion. The agent's only words in it, its
 * result, are neutralised like every text the gate posts. A failure to post is one warning and
 * the comment is left alone from then on: it never changes the run.
 */

/** How often the comment is edited at most. */
export const PROGRESS_EVERY_MS = 5_000
/** The most of the agent's result the final comment quotes. */
const RESULT_CHARS = 3_000

export interface ProgressFigures {
  phase: string
  elapsedMs: number
  turns: number
  toolCalls: number
  costUsd: number
  maxCostUsd?: number
}

export interface FinalFigures {
  conclusion: string
  result: string
  costUsd: number
  turns: number
  /** where the run's record is: the workflow run's page (its artifacts) */
  runUrl?: string
  /** what the runner posted for the agent */
  links: Record<string, string>
}

const MARK = '<!-- bot-bottle progress -->'
/** The line that links the run's record (the post step makes it the artifact's link). */
export const RECORD_LINE = "The run's record: "

export function progressBody(f: ProgressFigures): string {
  const cap = f.maxCostUsd !== undefined ? ` of max-cost-usd $${f.maxCostUsd}` : ''
  return [
    MARK,
    `**bot-bottle** is working: ${f.phase}`,
    '',
    `| elapsed | turns | tool calls | cost |`,
    '|---|---|---|---|',
    `| ${Math.round(f.elapsedMs / 1000)} s | ${f.turns} | ${f.toolCalls} | $${f.costUsd.toFixed(4)}${cap} |`
  ].join('\n')
}

export function finalBody(f: FinalFigures): string {
  const { text } = neutralise(f.result.length > RESULT_CHARS ? `${f.result.slice(0, RESULT_CHARS)}…` : f.result)
  // the result as a quote: its markdown cannot open a heading or a fence that swallows what follows
  const quoted = text.trim()
    ? text
        .replace(/```/g, "'''")
        .split('\n')
        .map(l => `> ${l}`)
    : ['> (no result)']
  const links = Object.entries(f.links).map(([name, url]) => `- ${name}: ${url}`)
  return [
    MARK,
    `**bot-bottle** finished: \`${f.conclusion}\` — ${f.turns} turn(s), $${f.costUsd.toFixed(4)}`,
    '',
    ...quoted,
    ...(links.length ? ['', ...links] : []),
    ...(f.runUrl ? ['', `${RECORD_LINE}${f.runUrl}`] : [])
  ].join('\n')
}

export class ProgressComment {
  /** the comment's id once made */
  id?: number
  private last = ''
  private broken = false
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly api: GitHubApi,
    private readonly number: number,
    private readonly warn: (line: string) => void
  ) {}

  /** The comment's URL once made. */
  url?: string

  private run(what: string, body: string, act: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.broken || body === this.last) return
      try {
        await act()
        this.last = body
      } catch (err) {
        this.broken = true
        this.warn(`progress-comment: could not ${what} the comment on #${this.number} (${(err as Error).message.split('\n')[0]}); it is left as it is`)
      }
    })
    return this.chain
  }

  start(body: string): Promise<void> {
    return this.run('make', body, async () => {
      const made = await this.api.createComment(this.number, body)
      this.id = made.id
      this.url = made.url
    })
  }

  update(body: string): Promise<void> {
    return this.run('edit', body, async () => {
      if (this.id !== undefined) await this.api.updateComment(this.id, body)
    })
  }

  /** Edits the comment from `figures` every PROGRESS_EVERY_MS until the returned stop is called. */
  every(figures: () => ProgressFigures, everyMs = PROGRESS_EVERY_MS): () => void {
    const timer = setInterval(() => void this.update(progressBody(figures())), everyMs)
    timer.unref()
    return () => clearInterval(timer)
  }
}
