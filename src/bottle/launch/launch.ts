import type { Backend, BottleNetwork, BottleSpec, Mount } from '../../backend/types.js'
import type { GateOrigin } from '../../gitgate/origin.js'
import { type DaemonHooks, type Daemons, startDaemons } from './daemons.js'
import { reportClosed } from './daemon-report.js'
import { guestEnvironment } from './guest.js'
import { GUEST_CLAUDE_CACHE, GUEST_HOME, type Plan } from '../prepare/plan.js'
import type { PhaseClock } from '../../transcript/phase-clock.js'

export interface Bottle {
  plan: Plan
  backend: Backend
  name: string
  network: BottleNetwork
  /** the host-side daemons the guest reaches: model proxy, egress proxy, git gate */
  daemons: Daemons
  /** the git gate's URL as the guest reaches it, which the workspace's origin points at (with a gate) */
  gateUrl?: string
  /** the GitHub gate's MCP URL as the guest reaches it (with a GitHub gate) */
  githubUrl?: string
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

/** What the main step is told while the bottle runs. */
export interface LaunchHooks extends DaemonHooks {
  /** each engine resource as it appears (written to the step's state at once) */
  onResource: OnResource
  /** times the network, daemons and bottle-start phases */
  clock?: PhaseClock
}

/** Starts the host-side daemons, then creates and starts the bottle wired to them; `mounts` are the copy-in's read-only ones. */
export async function launch(
  plan: Plan,
  backend: Backend,
  hooks: LaunchHooks,
  workspace: BottleSpec['workspace'],
  origin?: GateOrigin,
  mounts: Mount[] = []
): Promise<Bottle> {
  const { onResource, clock } = hooks
  // a missing image is pulled while the network and the daemons start
  backend.prefetchImage?.(plan.config.image)
  const endNetwork = clock?.start('network')
  const network = await backend.createNetwork(plan.networkName, plan.labels)
  onResource('network', network.name)
  endNetwork?.()
  const endDaemons = clock?.start('daemons')
  const daemons = await startDaemons(plan, network, hooks, origin)
  endDaemons?.()
  let exposing: Promise<void> = Promise.resolve()
  try {
    const endStart = clock?.start('bottle start')
    const { modelProxy, egress, gitGate, githubGate } = daemons
    const ports = [modelProxy.port, egress.port, gitGate?.port ?? 0, githubGate?.port ?? 0].filter(p => p !== 0)
    const endpoints = backend.guestEndpoints(network, ports)
    const [modelEndpoint, egressEndpoint] = endpoints
    const gateEndpoint = gitGate && endpoints[2]
    const githubEndpoint = githubGate && endpoints[gitGate ? 3 : 2]
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
      // host directories in the bottle are read-only: nothing on the runner is writable from inside
      mounts: [{ host: plan.claudeCacheDir, guest: GUEST_CLAUDE_CACHE, readOnly: true }, ...mounts.map(m => ({ ...m, readOnly: true }))],
      workspace,
      env: guestEnv,
      stateDir: plan.stateDir,
      network: network.name,
      cpus: plan.config.cpus,
      memory: plan.config.memory,
      pidsLimit: 1024
    })
    await backend.start(plan.bottleName)
    endStart?.()
    const gateUrl = gitGate && gateEndpoint ? `http://${gateEndpoint.host}:${gateEndpoint.port}${gitGate.guestPath}` : undefined
    const githubUrl = githubGate && githubEndpoint ? `http://${githubEndpoint.host}:${githubEndpoint.port}${githubGate.guestPath}` : undefined
    return { plan, backend, name: plan.bottleName, network, daemons, gateUrl, githubUrl, guestEnv, exposed: exposing }
  } catch (err) {
    await exposing.catch(() => undefined) // settled, so teardown finds the relay if it started
    reportClosed(await daemons.close(), '', false) // the bottle never ran: only what could not be stopped is worth a line
    throw err
  }
}
