import * as core from '@actions/core'
import { type GitHubApi, githubApi } from '../../githubgate/github-client.js'
import { secretKindsShown } from '../../githubgate/neutralise.js'
import { finalBody, ProgressComment, progressBody } from '../../githubgate/progress-comment.js'
import type { Bottle } from '../launch/launch.js'
import type { Outputs } from '../collect/outputs.js'
import type { RunLedger } from './run-ledger.js'
import { leaveForPost } from '../collect/progress-handoff.js'

/**
 * The progress comment over the run's life (`progress-comment`): made once the bottle is up,
 * edited while claude runs from the host's figures (model calls through the proxy, tool calls in
 * claude's stream, cost against the cap), and replaced by the conclusion once it is settled.
 */

/** Makes the comment (not awaited by the run: it goes out beside provisioning). */
export async function startProgress(bottle: Bottle, ledger: RunLedger): Promise<void> {
  const setup = bottle.plan.github
  const n = setup?.target.number
  if (!setup || n === undefined || !bottle.plan.config.github.progressComment) return
  let api: GitHubApi
  try {
    api = bottle.daemons.githubGate?.api ?? (await githubApi(setup.apiUrl, setup.token, setup.target))
  } catch (err) {
    return core.warning(`progress-comment: no GitHub client (${(err as Error).message}); the run goes on without it`)
  }
  const progress = new ProgressComment(api, n, line => core.warning(line))
  ledger.progress = progress
  void progress.start(progressBody({ phase: 'starting the bottle', elapsedMs: 0, turns: 0, toolCalls: 0, costUsd: 0, ...cap(bottle) })).then(() => {
    if (progress.url) core.info(`progress-comment: ${progress.url}`)
  })
}

const cap = (bottle: Bottle) => (bottle.plan.config.budget.maxCostUsd !== undefined ? { maxCostUsd: bottle.plan.config.budget.maxCostUsd } : {})

/** Edits the comment while claude runs; the returned function stops it. */
export function watchProgress(bottle: Bottle, ledger: RunLedger): () => void {
  const progress = ledger.progress
  if (!progress) return () => undefined
  const started = Date.now()
  const { modelProxy } = bottle.daemons
  const figures = () => ({
    phase: 'the agent is working',
    elapsedMs: Date.now() - started,
    turns: modelProxy.usage().requests,
    toolCalls: ledger.control.toolCalls ?? 0,
    costUsd: modelProxy.spent().costUsd,
    ...cap(bottle)
  })
  void progress.update(progressBody(figures()))
  return progress.every(figures)
}

/**
 * The agent's result as the final comment may quote it: only after a conclusion github-apply-on
 * names (as for every other text the agent asks to post), and never when any form of it GitHub
 * would show carries a secret (finalBody neutralises it: that can join a split token).
 */
export function shownResult(ledger: RunLedger, outputs: Outputs): string {
  const applyOn = ledger.bottle?.plan.config.github.applyOn
  if (!applyOn?.has(outputs.conclusion)) return `(not shown: the run ended ${outputs.conclusion}; see the run's record)`
  if (secretKindsShown([outputs.result], ledger.redactor).length) return "(not shown: it carries one of the run's secrets; see the run's record)"
  return outputs.result
}

/** Replaces the comment with the run's end: its conclusion, result, cost and what was posted. */
export async function finishProgress(ledger: RunLedger, outputs: Outputs): Promise<void> {
  if (!ledger.progress) return
  const server = process.env['GITHUB_SERVER_URL'] || 'https://github.com'
  const { GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = process.env
  const links: Record<string, string> = {}
  for (const k of ['review-url', 'comment-url', 'pull-request-url'] as const) if (outputs[k]) links[k.replace(/-url$/, '')] = outputs[k]
  const body = finalBody({
    conclusion: outputs.conclusion,
    result: shownResult(ledger, outputs),
    costUsd: Number(outputs['cost-usd']) || 0,
    turns: Number(outputs['num-turns']) || 0,
    runUrl: repo && runId ? `${server}/${repo}/actions/runs/${runId}` : undefined,
    links
  })
  await ledger.progress.update(body)
  const setup = ledger.bottle?.plan.github
  if (ledger.progress.id !== undefined && setup)
    leaveForPost(ledger.transcriptDir, { id: ledger.progress.id, target: { owner: setup.target.owner, repo: setup.target.repo }, apiUrl: setup.apiUrl, body })
}
