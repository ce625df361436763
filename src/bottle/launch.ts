import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { Backend, BottleNetwork, Mount } from '../backend/types.js'
import { startEgressProxy, type EgressProxy } from '../proxy/egress-proxy.js'
import { startModelProxy, type ModelProxy } from '../proxy/model-proxy.js'
import type { UpstreamVerdict } from '../proxy/upstream-health.js'
import { startGitGate, type GitGate } from '../gitgate/git-gate.js'
import { formatBytes } from '../gitgate/limits.js'
import type { Redactor } from '../transcript/redact.js'
import type { GateOrigin } from '../gitgate/origin.js'
import type { RecordWatch } from '../transcript/record-sink.js'
import { guestEnvironment } from './guest.js'
import { GUEST_CLAUDE_CACHE, GUEST_CLAUDE_CONFIG_DIR, GUEST_HOME, type Plan } from './plan.js'
import type { PhaseClock } from './phase-clock.js'

export interface Bottle {
  plan: Plan
  backend: Backend
  name: string
  network: BottleNetwork
  modelProxy: ModelProxy
  egress: EgressProxy
  /** the git gate and the URL the guest's origin points at, when the workspace has an http(s) origin */
  gitGate?: { gate: GitGate; guestUrl: string }
  guestEnv: Record<string, string>
  /**
   * Settles once the guest's way to the host daemons is up (the relay, if any), which may be
   * after launch returns: provisioning needs only the bottle, claude needs the daemons. Await it
   * before claude runs, and before teardown (so a relay still starting is found and removed).
   */
  exposed: Promise<void>
}

/** Records each resource as soon as it exists, so teardown (and the post step) can find it. */
export type OnResource = (kind: 'network' | 'bottle', name: string) => void

/**
 * Defence in depth for the workspace's .git (restored after the run whatever happens): as a
 * mount point of its own it cannot be renamed or replaced by a link, and its hooks are read-only.
 */
export function gitPins(workspace: string): Mount[] {
  const gitDir = path.join(workspace, '.git')
  const hooks = path.join(gitDir, 'hooks')
  if (!fs.lstatSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return []
  const pins = [{ host: gitDir, guest: gitDir, readOnly: false }]
  if (fs.lstatSync(hooks, { throwIfNoEntry: false })?.isDirectory()) pins.push({ host: hooks, guest: hooks, readOnly: true })
  return pins
}

/** What the main step is told while the bottle runs. */
export interface LaunchHooks {
  /** each engine resource as it appears (written to the step's state at once) */
  onResource: OnResource
  /** the model upstream's answers ended the run (a rejected credential, an unreachable API) */
  onUpstreamVerdict?: (v: UpstreamVerdict) => void
  /** a daemon's record could not be written, or reached its cap */
  records?: RecordWatch
  /** the run's secrets and the token shapes: what the git gate refuses in a push */
  redactor?: Redactor
  /** times the network, daemons and bottle-start phases */
  clock?: PhaseClock
}

/** Starts the host-side daemons, then creates and starts the bottle wired to them. */
export async function launch(plan: Plan, backend: Backend, hooks: LaunchHooks, origin?: GateOrigin): Promise<Bottle> {
  const { onResource, onUpstreamVerdict, records, redactor, clock } = hooks
  // a missing image is pulled while the network and the daemons start
  backend.prefetchImage?.(plan.config.image)
  const endNetwork = clock?.start('network')
  const network = await backend.createNetwork(plan.networkName, plan.labels)
  onResource('network', network.name)
  endNetwork?.()
  const endDaemons = clock?.start('daemons')
  const proxy = await startModelProxy({
    upstream: plan.config.anthropicBaseUrl,
    credential: plan.config.credential,
    placeholder: plan.placeholder,
    bindHost: network.bindHost,
    ca: plan.config.caCertificates,
    runnerProxy: plan.config.runner.proxy,
    logFile: path.join(plan.stateDir, 'model.jsonl'),
    records,
    onUpstreamVerdict,
    budget: plan.config.budget,
    warn: line => core.warning(line)
  })
  core.info(
    `Model proxy listening on ${network.bindHost}:${proxy.port} (${plan.config.credential.kind === 'bedrock' || plan.config.credential.kind === 'vertex' ? `${plan.config.credential.kind}, ` : ''}upstream ${new URL(plan.config.anthropicBaseUrl).origin}; ${network.wiring} wiring)`
  )
  const egress = await startEgressProxy({
    policy: plan.config.egress,
    bindHost: network.bindHost,
    logFile: path.join(plan.stateDir, 'egress.jsonl'),
    records,
    runnerProxy: plan.config.runner.proxy,
    secret: plan.daemonSecret,
    deniedCidrs: network.engineSubnets
  })
  const { mode, rules } = plan.config.egress
  core.info(
    `Egress proxy listening on ${network.bindHost}:${egress.port} (egress: ${mode}${mode === 'allowlist' ? `, ${rules.length ? rules.join(' ') : 'no hosts allowed'}` : ''})`
  )
  if (mode === 'open')
    core.warning('egress: open: the agent may reach ANY host through the egress proxy. Every connection is logged to egress.jsonl, but nothing is blocked.')
  let exposing: Promise<void> = Promise.resolve()
  let gate: GitGate | undefined
  try {
    if (origin) {
      gate = await startGitGate({
        upstream: origin.upstream,
        authHeader: origin.authHeader,
        policy: plan.config.git.push,
        bindHost: network.bindHost,
        logFile: path.join(plan.stateDir, 'git.jsonl'),
        records,
        scratchDir: path.join(plan.stateDir, 'git-gate.git'),
        ca: plan.config.caCertificates,
        runnerProxy: plan.config.runner.proxy,
        secret: plan.daemonSecret,
        limits: { maxPushBytes: plan.config.git.maxPushBytes },
        protectedPaths: plan.config.git.protectedPaths,
        redactor
      })
      const { patterns, allowForce } = plan.config.git.push
      const guarded = plan.config.git.protectedPaths.map(p => p.rule)
      core.info(
        `Git gate listening on ${network.bindHost}:${gate.port} for ${origin.upstream.origin}${gate.repoPath} (credential: ${origin.credentialSource}; ` +
          `push: ${patterns.length ? patterns.join(' ') + (allowForce ? ', force allowed' : ', fast-forward only') : 'refused'}; ` +
          `protected paths: ${guarded.length ? guarded.join(' ') : 'none'}; secrets scanned; up to ${formatBytes(plan.config.git.maxPushBytes)} a push)`
      )
    }
    endDaemons?.()
    const endStart = clock?.start('bottle start')
    const ports = gate ? [proxy.port, egress.port, gate.port] : [proxy.port, egress.port]
    const [modelEndpoint, egressEndpoint, gateEndpoint] = backend.guestEndpoints(network, ports)
    // The relay (if any) starts while the bottle does: the guest needs it only once claude runs.
    exposing = backend.exposeToGuest(network, ports, plan.labels)
    exposing.catch(() => undefined) // awaited by the caller (Bottle.exposed), or below on failure
    const guestEnv = guestEnvironment(
      plan,
      `http://${modelEndpoint!.host}:${modelEndpoint!.port}`,
      `http://bottle:${plan.daemonSecret}@${egressEndpoint!.host}:${egressEndpoint!.port}`
    )
    onResource('bottle', plan.bottleName)
    await backend.create({
      name: plan.bottleName,
      labels: plan.labels,
      image: plan.config.image,
      user: plan.guestUser,
      home: GUEST_HOME,
      mounts: [
        { host: plan.config.workspace, guest: plan.config.workspace, readOnly: false },
        ...(backend.nestedMounts ? gitPins(plan.config.workspace) : []),
        { host: plan.claudeConfigDir, guest: GUEST_CLAUDE_CONFIG_DIR, readOnly: false },
        { host: plan.claudeCacheDir, guest: GUEST_CLAUDE_CACHE, readOnly: true }
      ],
      env: guestEnv,
      stateDir: plan.stateDir,
      network: network.name,
      cpus: plan.config.cpus,
      memory: plan.config.memory,
      pidsLimit: 1024
    })
    await backend.start(plan.bottleName)
    endStart?.()
    const gitGate = gate && gateEndpoint ? { gate, guestUrl: `http://${gateEndpoint.host}:${gateEndpoint.port}${gate.guestPath}` } : undefined
    return { plan, backend, name: plan.bottleName, network, modelProxy: proxy, egress, gitGate, guestEnv, exposed: exposing }
  } catch (err) {
    await exposing.catch(() => undefined) // settled, so teardown finds the relay if it started
    await proxy.close()
    await egress.close()
    await gate?.close()
    throw err
  }
}
