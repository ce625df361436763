import path from 'node:path'
import * as core from '@actions/core'
import { type Applied, applyWrites } from '../../githubgate/apply.js'
import { GITHUB_LOG, type GitHubDecision } from '../../githubgate/gate.js'
import { decisionLog } from '../../proxy/daemon.js'
import type { RunLedger } from '../run/run-ledger.js'

/**
 * The agent's queued GitHub writes, applied once the run's conclusion is settled (after the
 * teardown: the bottle is gone, the queue is the host's). Each outcome is a line in the log and
 * in github.jsonl; the URLs become outputs.
 */
export async function applyGitHubWrites(ledger: RunLedger, conclusion: string): Promise<Applied> {
  const gate = ledger.bottle?.daemons.githubGate
  const policy = ledger.bottle?.plan.config.github
  const queued = gate?.queue.list() ?? []
  if (!gate || !policy || !queued.length) return {}
  const sink = ledger.transcriptDir ? decisionLog(path.join(ledger.transcriptDir, GITHUB_LOG), ledger.records) : undefined
  const log = (d: GitHubDecision) => sink?.record(Date.now(), { ...d, ...(d.reason ? { reason: ledger.redactor.redact(d.reason) } : {}) })
  try {
    const { urls, lines } = await applyWrites(queued, gate.api, {
      conclusion,
      policy,
      redactor: ledger.redactor,
      pushedRefs: ledger.bottle?.daemons.gitGate?.pushed ?? [],
      log
    })
    for (const line of lines) (/: (applied|not applied)/.test(line) ? core.info : core.warning)(ledger.redactor.redact(line))
    return urls
  } finally {
    await sink?.end()
  }
}
