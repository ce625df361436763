import path from 'node:path'
import * as core from '@actions/core'
import type { BottleNetwork } from '../../backend/types.js'
import { startGitGate, type GitGate } from '../../gitgate/git-gate.js'
import { formatBytes } from '../../gitgate/limits.js'
import type { GateOrigin } from '../../gitgate/origin.js'
import { startEgressProxy, type EgressProxy } from '../../proxy/egress-proxy.js'
import { startModelProxy, type ModelProxy } from '../../proxy/model-proxy.js'
import type { UpstreamVerdict } from '../../proxy/upstream-health.js'
import { Redactor } from '../../transcript/redact.js'
import { githubApi } from '../../githubgate/github-client.js'
import { GITHUB_LOG, type GitHubGate, startGitHubGate } from '../../githubgate/gate.js'
import type { GitHubGateSetup } from '../../githubgate/setup.js'
import type { RecordWatch } from '../../transcript/record-sink.js'
import { errorMessage } from '../../util/errors.js'
import type { Plan } from '../prepare/plan.js'
import type { DaemonClosed } from './daemon-report.js'

/** The host-side daemons of one run, stopped together. */
export interface Daemons {
  modelProxy: ModelProxy
  egress: EgressProxy
  /** undefined: the workspace has no http(s) origin to serve */
  gitGate?: GitGate
  /** undefined: no GitHub tools for this run (plan.github) */
  githubGate?: GitHubGate
  /**
   * Stops all of them side by side; never throws. One entry per daemon, in the order model proxy,
   * egress proxy, git gate, GitHub gate: its summary line, or the error that kept it from stopping.
   */
  close(): Promise<DaemonClosed[]>
}

/** What the daemons report to while the bottle runs. */
export interface DaemonHooks {
  /** the model upstream's answers ended the run (a rejected credential, an unreachable API) */
  onUpstreamVerdict?: (v: UpstreamVerdict) => void
  /** a daemon's record could not be written, or reached its cap */
  records?: RecordWatch
  /** the run's secrets and the token shapes: what the git gate refuses in a push */
  redactor?: Redactor
}

type Closable = { close(): Promise<void>; summary(): string }

/** How long one daemon may take to stop before the teardown goes on without it. */
export const DAEMON_STOP_DEADLINE_MS = 5_000

/** A daemon's close() that did not settle by the deadline. */
export class DaemonStopTimeout extends Error {
  constructor(daemon: string, ms: number) {
    super(`the ${daemon} did not stop within ${ms / 1000} s; the teardown went on without it`)
    this.name = 'DaemonStopTimeout'
  }
}

/** `p`, or a DaemonStopTimeout once `ms` have passed. */
function within<T>(p: Promise<T>, ms: number, daemon: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DaemonStopTimeout(daemon, ms)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** Stops the given daemons side by side, each failure (or a stop past the deadline) its own entry (never thrown). */
export async function closeAll(named: [string, Closable][], deadlineMs = DAEMON_STOP_DEADLINE_MS): Promise<DaemonClosed[]> {
  return Promise.all(
    named.map(async ([daemon, d]): Promise<DaemonClosed> => {
      try {
        await within(d.close(), deadlineMs, daemon)
        return { daemon, summary: d.summary() }
      } catch (err) {
        return { daemon, error: errorMessage(err) }
      }
    })
  )
}

/**
 * Starts the model proxy, the egress proxy, (with an origin) the git gate and (with GitHub tools)
 * the GitHub gate on the network's host side, in that order, each logging the line that says how
 * it is set. One that fails to start stops those already started before the error is thrown.
 */
export async function startDaemons(plan: Plan, network: BottleNetwork, hooks: DaemonHooks, origin?: GateOrigin): Promise<Daemons> {
  const { records, onUpstreamVerdict, redactor } = hooks
  const { config } = plan
  const started: [string, Closable][] = []
  try {
    const modelProxy = await startModelProxy({
      upstream: config.anthropicBaseUrl,
      credential: config.credential,
      placeholder: plan.placeholder,
      bindHost: network.bindHost,
      ca: config.caCertificates,
      runnerProxy: config.runner.proxy,
      logFile: path.join(plan.stateDir, 'model.jsonl'),
      records,
      onUpstreamVerdict,
      budget: config.budget,
      warn: line => core.warning(line),
      notice: line => core.info(line)
    })
    started.push(['model proxy', modelProxy])
    const cloud = config.credential.kind === 'bedrock' || config.credential.kind === 'vertex' ? `${config.credential.kind}, ` : ''
    core.info(
      `Model proxy listening on ${network.bindHost}:${modelProxy.port} ` +
        `(${cloud}upstream ${new URL(config.anthropicBaseUrl).origin}; ${network.wiring} wiring)`
    )

    const egress = await startEgressProxy({
      policy: config.egress,
      bindHost: network.bindHost,
      logFile: path.join(plan.stateDir, 'egress.jsonl'),
      records,
      runnerProxy: config.runner.proxy,
      secret: plan.daemonSecret,
      deniedCidrs: network.engineSubnets
    })
    started.push(['egress proxy', egress])
    const { mode, rules } = config.egress
    const allowed = mode === 'allowlist' ? `, ${rules.length ? rules.join(' ') : 'no hosts allowed'}` : ''
    core.info(`Egress proxy listening on ${network.bindHost}:${egress.port} (egress: ${mode}${allowed})`)
    if (mode === 'open') {
      core.warning('egress: open: the agent may reach ANY host through the egress proxy. Every connection is logged to egress.jsonl, but nothing is blocked.')
    }

    const gitGate = origin && (await startGate(plan, network, origin, redactor, records))
    if (gitGate) started.push(['git gate', gitGate])
    const githubGate = plan.github?.tools.size ? await startGitHub(plan, plan.github, network, gitGate, redactor, records) : undefined
    if (githubGate) started.push(['GitHub gate', githubGate])
    const daemons = [...started]
    return { modelProxy, egress, gitGate, githubGate, close: () => closeAll(daemons) }
  } catch (err) {
    await closeAll(started)
    throw err
  }
}

/** The GitHub gate for the run's tools, and its line in the log. */
async function startGitHub(
  plan: Plan,
  setup: GitHubGateSetup,
  network: BottleNetwork,
  gitGate: GitGate | undefined,
  redactor = new Redactor(),
  records?: RecordWatch
): Promise<GitHubGate> {
  const { target, apiUrl, token, tools } = setup
  const policy = { ...plan.config.github, tools }
  const gate = await startGitHubGate({
    api: await githubApi(apiUrl, token, target),
    policy,
    target,
    pushedRefs: () => gitGate?.pushed ?? [],
    bindHost: network.bindHost,
    secret: plan.daemonSecret,
    logFile: path.join(plan.stateDir, GITHUB_LOG),
    records,
    redactor
  })
  const on = target.number ? ` on #${target.number}` : ''
  core.info(
    `GitHub gate listening on ${network.bindHost}:${gate.port} for ${target.owner}/${target.repo}${on} (tools: ${[...tools].join(', ')}; ` +
      `reads: ${policy.readScope}; writes applied after the run on ${[...policy.applyOn].join(', ')})`
  )
  return gate
}

/** The git gate for the workspace's origin, and its line in the log. */
async function startGate(plan: Plan, network: BottleNetwork, origin: GateOrigin, redactor?: Redactor, records?: RecordWatch): Promise<GitGate> {
  const { git, caCertificates, runner } = plan.config
  const gate = await startGitGate({
    upstream: origin.upstream,
    authHeader: origin.authHeader,
    policy: git.push,
    bindHost: network.bindHost,
    logFile: path.join(plan.stateDir, 'git.jsonl'),
    records,
    scratchDir: path.join(plan.stateDir, 'git-gate.git'),
    ca: caCertificates,
    runnerProxy: runner.proxy,
    secret: plan.daemonSecret,
    limits: { maxPushBytes: git.maxPushBytes },
    protectedPaths: git.protectedPaths,
    redactor
  })
  const { patterns, allowForce } = git.push
  const guarded = git.protectedPaths.map(p => p.rule)
  core.info(
    `Git gate listening on ${network.bindHost}:${gate.port} for ${origin.upstream.origin}${gate.repoPath} (credential: ${origin.credentialSource}; ` +
      `push: ${patterns.length ? patterns.join(' ') + (allowForce ? ', force allowed' : ', fast-forward only') : 'refused'}; ` +
      `protected paths: ${guarded.length ? guarded.join(' ') : 'none'}; secrets scanned; up to ${formatBytes(git.maxPushBytes)} a push)`
  )
  return gate
}
