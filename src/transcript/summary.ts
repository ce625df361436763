import type { RunFigures } from './figures.js'
import type { ReportModel } from './report-model.js'
import { renderPhaseTable, type PhaseRecord } from './phase-clock.js'

export interface SummaryInput {
  outputs: Record<string, string>
  /** where turns and tokens came from, refused model requests, and the cross-check's findings */
  figures?: RunFigures
  model: ReportModel
  /** blocked egress decisions, pushed refs: present once the bottle's walls record them */
  blockedEgress: number
  pushedRefs: string[]
  /** refs the git gate refused, each with its reason (git.jsonl `blocked`, not the "refused with another" ones) */
  refusedPushes?: { ref: string; reason: string }[]
  /** paths the workspace door refused, each with its reason (workspace-changes.jsonl) */
  refusedChanges?: { path: string; change: string; reason: string }[]
  /** changes the workspace door let through (written, or in the patch) */
  acceptedChanges?: number
  /** the GitHub gate's decisions that matter to a reader: writes applied, dropped, failed or not applied, and refused calls */
  github?: { tool: string; decision: string; target: string; detail: string }[]
  artifactUrl?: string
  transcriptDir: string
  /** where the steps' time went */
  phases?: PhaseRecord
}

const RESULT_EXCERPT = 2_000
const MAX_TOOLS = 20
const MAX_CHECKS = 10
const MAX_REFUSED_PUSHES = 10
const MAX_REFUSED_CHANGES = 50
const MAX_GITHUB = 20

/**
 * Text for a markdown cell or line that cannot become markup: the agent's text (tool names,
 * refs, the checks' wording) must not render as links, images, HTML, emphasis or a fake heading.
 */
function cell(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|!~]/g, c => `\\${c}`)
}

/** Text as a code span: nothing in it becomes a link or markup (its backticks and line breaks become quotes and spaces). */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``
}

/**
 * The job summary as markdown: what happened, in ten seconds. Every part is bounded, so it
 * stays far under the runner's 1 MiB per step whatever the run's size.
 */
export function renderSummary(s: SummaryInput): string {
  const o = s.outputs
  const tools = new Map<string, number>()
  for (const e of s.model.events) if (e.k === 'tool') tools.set(e.name, (tools.get(e.name) ?? 0) + 1)
  const topTools = [...tools.entries()].sort((a, b) => b[1] - a[1])
  const result = (o['result'] ?? '').slice(0, RESULT_EXCERPT)
  const lines = [
    `### bot-bottle: ${o['conclusion'] ?? 'unknown'}`,
    '',
    '| | |',
    '|---|---|',
    `| conclusion | ${cell(o['conclusion'] ?? 'unknown')} |`,
    `| turns | ${cell(o['num-turns'] ?? '0')} |`,
    `| tokens | ${cell(o['input-tokens'] ?? '0')} in / ${cell(o['output-tokens'] ?? '0')} out |`,
    `| figures from | ${s.figures?.source === 'model-proxy' ? 'the model proxy (host)' : "claude's own report"} |`,
    `| cost | $${cell(o['cost-usd'] ?? '0')} (${s.figures?.source === 'model-proxy' ? 'list prices, counted by the host' : "claude's figure"}) |`,
    `| refused model requests | ${s.figures?.refusedModelRequests ?? 0} |`,
    `| duration | ${(Number(o['duration-ms'] ?? 0) / 1000).toFixed(1)} s |`,
    `| backend | ${cell(o['backend'] ?? '')} |`,
    `| blocked egress | ${s.blockedEgress} |`,
    `| pushed refs | ${s.pushedRefs.length ? cell(s.pushedRefs.slice(0, 20).join(', ')) : 'none'} |`,
    `| workspace changes | ${s.acceptedChanges ?? 0} accepted, ${s.refusedChanges?.length ?? 0} refused |`,
    `| transcripts | ${s.artifactUrl ? `[artifact](${s.artifactUrl})` : `on the runner: ${cell(s.transcriptDir)}`} |`,
    ''
  ]
  if (s.phases?.phases.length) lines.push(renderPhaseTable(s.phases))
  const checks = s.figures?.discrepancies ?? []
  if (checks.length) {
    lines.push('**Checks of the record**', '')
    for (const c of checks.slice(0, MAX_CHECKS)) lines.push(`- ${cell(c.slice(0, 300))}`)
    if (checks.length > MAX_CHECKS) lines.push(`- (${checks.length - MAX_CHECKS} more in report.html)`)
    lines.push('')
  }
  const refused = s.refusedPushes ?? []
  if (refused.length) {
    lines.push('**Refused pushes** (git gate)', '')
    for (const r of refused.slice(0, MAX_REFUSED_PUSHES)) lines.push(`- ${cell(r.ref.slice(0, 200))}: ${cell(r.reason.slice(0, 400))}`)
    if (refused.length > MAX_REFUSED_PUSHES) lines.push(`- (${refused.length - MAX_REFUSED_PUSHES} more in git.jsonl)`)
    lines.push('')
  }
  const refusedChanges = s.refusedChanges ?? []
  if (refusedChanges.length) {
    lines.push('**Refused workspace changes** (workspace door)', '')
    for (const r of refusedChanges.slice(0, MAX_REFUSED_CHANGES))
      lines.push(`- ${cell(r.path.slice(0, 200))} (${cell(r.change)}): ${cell(r.reason.slice(0, 300))}`)
    if (refusedChanges.length > MAX_REFUSED_CHANGES) lines.push(`- (${refusedChanges.length - MAX_REFUSED_CHANGES} more in workspace-changes.jsonl)`)
    lines.push('')
  }
  const github = s.github ?? []
  if (github.length) {
    // what was done with the writes first; the agent can make refusals at will, so they are only counted
    const shown = github.filter(g => g.decision !== 'refused')
    const refusedCalls = github.length - shown.length
    lines.push('**GitHub** (the GitHub gate)', '')
    for (const g of shown.slice(0, MAX_GITHUB))
      lines.push(`- ${cell(g.tool)} ${cell(g.target)}: ${cell(g.decision)}${g.detail ? ` — ${code(g.detail.slice(0, 300))}` : ''}`)
    if (shown.length > MAX_GITHUB) lines.push(`- (${shown.length - MAX_GITHUB} more in github.jsonl)`)
    if (refusedCalls) lines.push(`- ${refusedCalls} call(s) refused (github.jsonl says why)`)
    lines.push('')
  }
  if (topTools.length) {
    lines.push('**Tool calls**', '', '| tool | calls |', '|---|---|')
    for (const [name, n] of topTools.slice(0, MAX_TOOLS)) lines.push(`| ${cell(name.slice(0, 100))} | ${n} |`)
    if (topTools.length > MAX_TOOLS) lines.push(`| (${topTools.length - MAX_TOOLS} more tools) | |`)
    lines.push('')
  }
  if (result) {
    // a fence the text cannot close: longer than any run of backticks in it
    const fenceFor = '`'.repeat(Math.max(4, ...[...result.matchAll(/`+/g)].map(m => m[0].length + 1)))
    lines.push("**Result** (the agent's text)", '', fenceFor, result, fenceFor, '')
    if ((o['result'] ?? '').length > RESULT_EXCERPT) lines.push(`(result cut at ${RESULT_EXCERPT} characters; the whole text is in outputs.json)`, '')
  }
  return lines.join('\n')
}
