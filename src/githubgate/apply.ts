import type { Redactor } from '../transcript/redact.js'
import { type GitHubApi, githubErrorText } from './github-client.js'
import type { GitHubDecision } from './gate.js'
import { neutralise, secretKindsShown } from './neutralise.js'
import type { GitHubGatePolicy } from '../config/github-gate-tools.js'
import type { QueuedWrite } from './write-queue.js'

/**
 * After the run: the agent's queued GitHub writes applied by the runner, under policy. Only after
 * a conclusion `github-apply-on` names; every text the agent wrote is neutralised (hidden content
 * out, mentions defused) and scanned for the run's secrets and token shapes: a request carrying
 * one is dropped and named, never sent. A pull request is opened only from a branch the git gate
 * pushed. Each write's outcome is one decision; a failed write does not stop the others.
 */

export interface Applied {
  'review-url'?: string
  'comment-url'?: string
  'pull-request-url'?: string
}

export interface ApplyResult {
  urls: Applied
  /** one line each for the log: what was applied, dropped or not applied, and why */
  lines: string[]
}

export interface ApplyOptions {
  conclusion: string
  policy: GitHubGatePolicy
  redactor: Redactor
  pushedRefs: readonly string[]
  log: (d: GitHubDecision) => void
}

/** The texts of a write the agent wrote (what is scanned and neutralised). */
function textsOf(w: QueuedWrite): string[] {
  switch (w.tool) {
    case 'create_review':
      return [w.body, ...w.comments.map(c => c.body)]
    case 'add_comment':
      return [w.body]
    case 'create_pull_request':
      return [w.title, w.body, w.head]
    case 'add_labels':
      return w.labels
  }
}

/** `w` with every agent text neutralised; what was changed. */
function neutralised(w: QueuedWrite): { write: QueuedWrite; changed: Set<string> } {
  const changed = new Set<string>()
  const n = (t: string) => {
    const r = neutralise(t)
    for (const c of r.changed) changed.add(c)
    return r.text
  }
  switch (w.tool) {
    case 'create_review':
      return { write: { ...w, body: n(w.body), comments: w.comments.map(c => ({ ...c, body: n(c.body) })) }, changed }
    case 'add_comment':
      return { write: { ...w, body: n(w.body) }, changed }
    case 'create_pull_request':
      return { write: { ...w, title: n(w.title), body: n(w.body) }, changed }
    case 'add_labels':
      return { write: w, changed }
  }
}

const where = (w: QueuedWrite) => (w.tool === 'create_pull_request' ? `${w.head} → ${w.base}` : `#${w.number}`)

async function send(api: GitHubApi, w: QueuedWrite): Promise<Partial<Applied>> {
  switch (w.tool) {
    case 'create_review':
      return { 'review-url': await api.createReview(w.number, w) }
    case 'add_comment':
      return { 'comment-url': (await api.createComment(w.number, w.body)).url }
    case 'add_labels':
      await api.addLabels(w.number, w.labels)
      return {}
    case 'create_pull_request':
      return { 'pull-request-url': await api.createPullRequest(w) }
  }
}

export async function applyWrites(queued: readonly QueuedWrite[], api: GitHubApi, o: ApplyOptions): Promise<ApplyResult> {
  const urls: Applied = {}
  const lines: string[] = []
  const decide = (w: QueuedWrite, d: Omit<GitHubDecision, 'tool' | 'target'>, line: string) => {
    o.log({ tool: w.tool, target: where(w), ...d })
    lines.push(`GitHub gate: ${w.tool} (${where(w)}): ${line}`)
  }
  if (!queued.length) return { urls, lines }
  if (!o.policy.applyOn.has(o.conclusion)) {
    for (const w of queued)
      decide(
        w,
        { decision: 'not-applied', reason: `the run ended ${o.conclusion}` },
        `not applied: the run ended ${o.conclusion} (github-apply-on: ${[...o.policy.applyOn].join(', ')})`
      )
    return { urls, lines }
  }
  for (const queuedWrite of queued) {
    const { write, changed } = neutralised(queuedWrite)
    const secrets = secretKindsShown(textsOf(queuedWrite), o.redactor)
    if (secrets.length) {
      decide(queuedWrite, { decision: 'dropped', reason: `carries ${secrets.join(', ')}` }, `dropped: its text carries ${secrets.join(', ')}; nothing was sent`)
      continue
    }
    if (queuedWrite.tool === 'create_pull_request' && !o.pushedRefs.includes(`refs/heads/${queuedWrite.head}`)) {
      decide(queuedWrite, { decision: 'dropped', reason: 'head not pushed through the git gate' }, 'dropped: its head was not pushed through the git gate')
      continue
    }
    try {
      const got = await send(api, write)
      Object.assign(urls, got)
      const url = Object.values(got)[0]
      const note = changed.size ? ` (${[...changed].join(', ')} neutralised)` : ''
      decide(
        write,
        { decision: 'applied', url, ...(changed.size ? { reason: `neutralised: ${[...changed].join(', ')}` } : {}) },
        `applied${url ? `: ${url}` : ''}${note}`
      )
    } catch (err) {
      const why = o.redactor.redact(githubErrorText(err))
      decide(write, { decision: 'failed', reason: why }, `GitHub refused it: ${why}`)
    }
  }
  return { urls, lines }
}
