import net from 'node:net'
import * as core from '@actions/core'
import { DEFAULT_RELAY_IMAGE } from '../../config/fields.js'
import { BottleError } from '../../util/errors.js'
import { runCommand, type RunResult, type StreamedProcess } from '../../util/process.js'
import { lineSplitterFor, type OverlongLine } from '../../util/line-splitter.js'
import type { Backend, BackendRef, BottleNetwork, BottleSpec, ExecOptions, GuestEndpoint, Probe } from '../types.js'
import { copyInByTar } from '../copy-in.js'
import * as bodies from './api-bodies.js'
import { EngineApiError, EngineClient, EngineUnreachableError, labelFilter } from './engine-client.js'
import { describeEndpoint, resolveEngineEndpoint, type EngineEndpoint } from './engine-endpoint.js'
import { engineExec, engineExecCollect } from './engine-exec.js'
import { RELAY_ALIAS, RELAY_LABEL, RELAY_SCRIPT } from './relay.js'
import { runToEnd } from './run-to-end.js'

/** How often a pull in progress says it still runs. */
const PULL_PROGRESS_EVERY_MS = 2_000

export type DockerWiring = 'auto' | 'gateway' | 'relay'

export interface DockerOptions {
  /** the docker CLI, used only to pull a missing image (it holds the registry credentials) */
  cli?: string
  /** how the guest reaches host daemons: `auto`/`relay` through a sidecar on a network without the host, `gateway` directly */
  wiring?: DockerWiring
  /** image with `node` for the relay sidecar */
  relayImage?: string
  /** where the engine answers; resolved from DOCKER_HOST / the docker context when not given */
  endpoint?: EngineEndpoint
}

/**
 * Whether a host daemon can listen on `ip`: true when it is an address of this machine,
 * also on a bridge that is still down because no container has joined it yet (which
 * os.networkInterfaces() would not list).
 */
export function canListenOn(ip: string): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(0, ip, () => server.close(() => resolve(true)))
  })
}

/** The IPv4 gateway from `<gateway>/<subnet>` pairs; a pair with no gateway yields the subnet's first host. */
export function gatewayFromIpam(pairs: string): string | undefined {
  for (const pair of pairs.split(/\s+/).filter(Boolean)) {
    const [gateway, subnet] = pair.split(/\/(.*)/s) as [string, string | undefined]
    if (/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) return gateway
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet ?? '')
    if (m) {
      const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0
      const mask = Number(m[5]) === 0 ? 0 : (~0 << (32 - Number(m[5]))) >>> 0
      const first = ((n & mask) + 1) >>> 0
      return [24, 16, 8, 0].map(sh => (first >>> sh) & 255).join('.')
    }
  }
  return undefined
}

/** Why the engine cannot be used, in one line, from what the connection said. */
export function unreachableReason(err: unknown, endpoint: EngineEndpoint): string {
  if (endpoint.kind === 'unsupported' && endpoint.why) {
    return (
      `docker: ${endpoint.source} points at ${describeEndpoint(endpoint)}: ${endpoint.why} ` +
      '(fix the certificate files, or unset DOCKER_TLS_VERIFY for an engine without TLS)'
    )
  }
  if (endpoint.kind === 'unsupported') {
    return (
      `docker: ${endpoint.source} points at ${describeEndpoint(endpoint)}, and bot-bottle speaks to the engine only over unix:// or tcp:// ` +
      '(forward it to a local socket, e.g. `ssh -L`, and set DOCKER_HOST=unix://…)'
    )
  }
  const code = err instanceof EngineUnreachableError ? err.code : (err as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') {
    return 'docker: permission denied on the docker socket (add the runner user to the `docker` group, or run as root)'
  }
  if (err instanceof EngineApiError) return `docker: the engine at ${describeEndpoint(endpoint)} answered ${err.status} to \`docker version\`: ${err.detail}`
  return 'docker: the docker daemon is unreachable (start dockerd, or set DOCKER_HOST to a running engine)'
}

interface NetworkSummary {
  Name: string
  Labels?: Record<string, string> | null
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null }
}

interface ContainerSummary {
  Names?: string[]
  Labels?: Record<string, string> | null
}

/** The docker engine driver: its HTTP API over the engine's socket. */
export class DockerBackend implements Backend {
  readonly kind = 'docker' as const
  private readonly cli: string
  private readonly wiring: DockerWiring
  private readonly relayImage: string
  private readonly endpoint: EngineEndpoint
  private readonly engine: EngineClient
  /** images made available (or being pulled) by this process, so each is looked up once */
  private readonly images = new Map<string, Promise<void>>()
  /** relays this process started, by network, and networks whose relays it removed */
  private readonly relays = new Map<string, string>()
  private readonly relaysGone = new Set<string>()
  constructor(opts: DockerOptions = {}) {
    this.cli = opts.cli ?? 'docker'
    this.wiring = opts.wiring ?? 'auto'
    this.relayImage = opts.relayImage ?? DEFAULT_RELAY_IMAGE
    this.endpoint = opts.endpoint ?? resolveEngineEndpoint()
    this.engine = new EngineClient(this.endpoint)
  }

  async probe(): Promise<Probe> {
    try {
      const { version } = await this.engine.version(20_000)
      this.startLookups()
      return { usable: true, detail: `docker engine ${version}` }
    } catch (err) {
      return { usable: false, reason: unreachableReason(err, this.endpoint) }
    }
  }

  /**
   * What createNetwork needs and the new network does not change (the engine's subnets, the
   * relay's bind address), looked up once the engine answers, beside the rest of the run's start.
   */
  private startLookups(): void {
    const subnets = this.engineSubnets()
    const relayHost = this.wiring !== 'gateway' ? this.relayBindHost() : undefined
    subnets.catch(() => undefined) // createNetwork awaits them
    relayHost?.catch(() => undefined)
    this.lookups = { subnets, relayHost }
  }

  private lookups?: { subnets: Promise<string[]>; relayHost?: Promise<string> }

  async createNetwork(name: string, labels: Record<string, string>): Promise<BottleNetwork> {
    // Relay wiring (the default) also takes the host's own address off the network
    // (inhibit_ipv4): then nothing listening on the runner, on any interface, is reachable
    // from the guest; only the relay is there.
    const closed = this.wiring !== 'gateway'
    if (!this.lookups) this.startLookups()
    const { subnets, relayHost } = this.lookups!
    this.lookups = undefined // a second network (none today) looks again
    if (closed) this.ensureImage(this.relayImage, 'relay-image').catch(() => undefined) // exposeToGuest awaits it
    const [engineSubnets] = await Promise.all([
      subnets,
      this.engine.call('network create', 'POST', '/networks/create', { body: bodies.networkCreateBody(name, labels, closed) })
    ])
    try {
      const wiring: Omit<BottleNetwork, 'engineSubnets'> = relayHost ? { name, bindHost: await relayHost, wiring: 'relay' } : await this.gatewayWiring(name)
      return { ...wiring, engineSubnets }
    } catch (err) {
      await this.removeNetwork(name).catch(() => undefined)
      throw err
    }
  }

  /** Subnets of every network on the engine: containers there (the job's services, other runs) are not the agent's to reach. */
  private async engineSubnets(): Promise<string[]> {
    const r = await this.engine.call<NetworkSummary[]>('network ls', 'GET', '/networks')
    return r.body.flatMap(n => n.IPAM?.Config ?? []).flatMap(c => (c.Subnet ? [c.Subnet] : []))
  }

  /**
   * Gateway wiring (opt-in): the host daemons bind to the internal network's gateway address,
   * the one host address a container can reach on a network with no route out. Faster (no
   * sidecar), but every host service listening on all interfaces is reachable there too.
   */
  private async gatewayWiring(name: string): Promise<BottleNetwork> {
    const gateway = await this.gatewayOf(name)
    if (!(await canListenOn(gateway))) {
      throw new BottleError(
        `Input 'docker-wiring': 'gateway' needs the network gateway ${gateway} to be an address of this runner, ` +
          'and it is not (is the engine in a VM or rootless?)',
        "Use 'relay' or 'auto'"
      )
    }
    return { name, bindHost: gateway, wiring: 'gateway' }
  }

  /**
   * Relay wiring: daemons listen where host.docker.internal lands for the relay sidecar. On
   * Linux that is the default bridge's gateway; with Docker Desktop or colima the host's loopback.
   */
  private async relayBindHost(): Promise<string> {
    const bridge = await this.gatewayOf('bridge').catch(() => '')
    return bridge && (await canListenOn(bridge)) ? bridge : '127.0.0.1'
  }

  private async gatewayOf(network: string): Promise<string> {
    const r = await this.engine.call<NetworkSummary>('network inspect', 'GET', `/networks/${encodeURIComponent(network)}`)
    // the default bridge lists only its subnet: then the gateway is the subnet's first host
    const pairs = (r.body.IPAM?.Config ?? []).map(c => `${c.Gateway ?? ''}/${c.Subnet ?? ''}`).join(' ')
    const gateway = gatewayFromIpam(pairs)
    if (!gateway) throw new BottleError(`docker network ${network} has no IPv4 gateway (got '${pairs}')`, "Check the docker daemon's default address pools")
    return gateway
  }

  guestEndpoints(network: BottleNetwork, ports: number[]): GuestEndpoint[] {
    return ports.map(port => ({ host: network.wiring === 'gateway' ? network.bindHost : RELAY_ALIAS, port }))
  }

  async exposeToGuest(network: BottleNetwork, ports: number[], labels: Record<string, string>): Promise<void> {
    if (network.wiring === 'gateway') return
    const relay = `${network.name}-relay`
    this.relays.set(network.name, relay)
    await this.ensureImage(this.relayImage, 'relay-image')
    const body = bodies.relayCreateBody({
      image: this.relayImage,
      labels: { ...labels, [RELAY_LABEL]: network.name },
      script: RELAY_SCRIPT,
      targetHost: 'host.docker.internal',
      ports
    })
    await this.engine.call('run', 'POST', '/containers/create', { query: { name: relay }, body })
    await this.startContainer(relay)
    await this.engine.call('network connect', 'POST', `/networks/${encodeURIComponent(network.name)}/connect`, {
      body: bodies.networkConnectBody(relay, RELAY_ALIAS)
    })
  }

  async create(spec: BottleSpec): Promise<void> {
    await this.ensureImage(spec.image, 'image')
    await this.engine.call('create', 'POST', '/containers/create', { query: { name: spec.name }, body: bodies.bottleCreateBody(spec, spec.env) })
  }

  prefetchImage(image: string): void {
    this.ensureImage(image, 'image').catch(() => undefined) // create awaits the same promise and reports its failure
  }

  /** Pulls the image only when the engine does not have it (once per process), with an error that names it. */
  private ensureImage(image: string, input: string): Promise<void> {
    let ready = this.images.get(image)
    if (!ready) {
      ready = this.lookUpOrPull(image, input)
      this.images.set(image, ready)
    }
    return ready
  }

  private async imageSize(image: string): Promise<number | undefined> {
    const r = await this.engine.call<{ Size?: number }>('image inspect', 'GET', `/images/${encodeURIComponent(image)}/json`, { expect: [404] })
    return r.status === 404 ? undefined : (r.body.Size ?? 0)
  }

  private async lookUpOrPull(image: string, input: string): Promise<void> {
    if ((await this.imageSize(image)) !== undefined) return
    // The pull goes through the CLI: it holds the registry credentials (config, helpers).
    // It shows no byte counts off a terminal: say that it runs, then its size and rate.
    core.info(`Pulling image ${image} (not on this engine yet)`)
    const started = Date.now()
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1)
    const timer = setInterval(() => core.info(`Pulling image ${image}: ${seconds()} s so far`), PULL_PROGRESS_EVERY_MS)
    const pull = await runCommand(this.cli, ['pull', '--quiet', image])
      .catch((err: NodeJS.ErrnoException) => ({
        code: 1,
        stdout: '',
        stderr: err.code === 'ENOENT' ? 'the docker CLI is not installed, and pulls go through it' : err.message
      }))
      .finally(() => clearInterval(timer))
    if (pull.code === 0) {
      const mib = ((await this.imageSize(image)) ?? 0) / 1024 / 1024
      const rate = mib / Math.max(0.001, (Date.now() - started) / 1000)
      core.info(`Pulled image ${image}: ${mib.toFixed(1)} MiB (unpacked) in ${seconds()} s (${rate.toFixed(1)} MiB/s)`)
      return
    }
    const why = pull.stderr.trim().split('\n').at(-1) ?? ''
    throw new BottleError(
      `docker cannot find or pull the image '${image}' (${why})`,
      `Set the \`${input}\` input to an image the runner has locally or can pull`
    )
  }

  async peek(image: string, cmd: readonly string[]): Promise<RunResult> {
    await this.ensureImage(image, 'image')
    return runToEnd(this.engine, bodies.peekCreateBody(image, cmd), 60_000)
  }

  async start(name: string): Promise<void> {
    await this.startContainer(name)
  }

  private async startContainer(name: string): Promise<void> {
    // 304: already running, which `docker start` takes as done too
    await this.engine.call('start', 'POST', `/containers/${encodeURIComponent(name)}/start`, { expect: [304] })
  }

  exec(name: string, cmd: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return engineExecCollect(this.engine, name, cmd, opts)
  }

  execStream(
    name: string,
    cmd: readonly string[],
    opts: ExecOptions,
    onLine: (line: string, overlong?: OverlongLine) => void,
    onStderr: (chunk: Buffer) => void
  ): StreamedProcess {
    const lines = lineSplitterFor(onLine)
    const proc = engineExec(this.engine, name, cmd, opts, chunk => lines.push(chunk), onStderr)
    return { ...proc, exited: proc.exited.finally(() => lines.end()) }
  }

  execRaw(name: string, cmd: readonly string[], opts: ExecOptions, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): StreamedProcess {
    return engineExec(this.engine, name, cmd, opts, onStdout, onStderr)
  }

  copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    return copyInByTar(this.exec.bind(this), name, hostPath, guestDir, opts)
  }

  async remove(name: string): Promise<void> {
    try {
      await this.engine.call('rm', 'DELETE', `/containers/${encodeURIComponent(name)}`, { query: { force: true, v: true }, expect: [404] })
    } catch (err) {
      // another process (a killed main step's last request) is removing it: done once it is gone
      if (!(err instanceof EngineApiError && err.status === 409 && /already in progress/i.test(err.detail))) throw err
      await this.untilGone(name, 15_000)
    }
  }

  private async untilGone(name: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const r = await this.engine.call('inspect', 'GET', `/containers/${encodeURIComponent(name)}/json`, { expect: [404] })
      if (r.status === 404) return
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new BottleError(`container ${name} is still being removed after ${ms / 1000} s`, 'Check the docker engine')
  }

  async removeSidecars(network: string): Promise<void> {
    // a relay this process started has a known name: no listing needed (another process lists by label)
    const started = this.relays.get(network)
    const relays = started ? [started] : await this.containersLabelled(labelFilter(RELAY_LABEL, network))
    await Promise.all(relays.map(relay => this.remove(relay)))
    this.relaysGone.add(network)
  }

  async removeNetwork(name: string): Promise<void> {
    if (!this.relaysGone.has(name)) await this.removeSidecars(name)
    await this.engine.call('network rm', 'DELETE', `/networks/${encodeURIComponent(name)}`, { expect: [404] })
  }

  private async containers(filters: string): Promise<ContainerSummary[]> {
    return (await this.engine.call<ContainerSummary[]>('ps', 'GET', '/containers/json', { query: { all: true, filters } })).body
  }

  private async networks(filters: string): Promise<NetworkSummary[]> {
    return (await this.engine.call<NetworkSummary[]>('network ls', 'GET', '/networks', { query: { filters } })).body
  }

  /** Names of the containers a label filter selects (the engine names them with a leading '/'). */
  private async containersLabelled(filters: string): Promise<string[]> {
    return (await this.containers(filters)).flatMap(c => (c.Names?.[0] ? [c.Names[0].replace(/^\//, '')] : []))
  }

  ref(): BackendRef {
    return { backend: 'docker' }
  }

  async listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]> {
    const filters = labelFilter(runLabel)
    const [containers, networks] = await Promise.all([this.containers(filters), this.networks(filters)])
    return [...containers, ...networks].map(r => ({ run: r.Labels?.[runLabel] ?? '', owner: r.Labels?.[ownerLabel] || undefined }))
  }

  async sweep(label: string, value: string): Promise<string[]> {
    const containers = await this.containersLabelled(labelFilter(label, value))
    for (const c of containers) await this.remove(c)
    const networks = (await this.networks(labelFilter(label, value))).map(n => n.Name)
    for (const n of networks) await this.removeNetwork(n)
    return [...containers.map(c => `container ${c}`), ...networks.map(n => `network ${n}`)]
  }
}
