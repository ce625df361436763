import net from 'node:net'
import * as core from '@actions/core'
import { DEFAULT_RELAY_IMAGE } from '../../config/fields.js'
import { BottleError, CommandError } from '../../util/errors.js'
import { runChecked, runCommand, spawnLines, type RunResult, type StreamedProcess } from '../../util/process.js'
import type { Backend, BackendRef, BottleNetwork, BottleSpec, ExecOptions, GuestEndpoint, Probe } from '../types.js'
import { copyInByTar } from '../copy-in.js'
import * as argv from './argv.js'
import { RELAY_ALIAS, RELAY_LABEL, RELAY_SCRIPT } from './relay.js'

/** How often a pull in progress says it still runs. */
const PULL_PROGRESS_EVERY_MS = 2_000

export type DockerWiring = 'auto' | 'gateway' | 'relay'

export interface DockerOptions {
  cli?: string
  /** how the guest reaches host daemons: `auto`/`relay` through a sidecar on a network without the host, `gateway` directly */
  wiring?: DockerWiring
  /** image with `node` for the relay sidecar */
  relayImage?: string
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

/** The docker CLI driver. */
export class DockerBackend implements Backend {
  readonly kind = 'docker' as const
  readonly nestedMounts = true
  private readonly cli: string
  private readonly wiring: DockerWiring
  private readonly relayImage: string
  /** images made available (or being pulled) by this process, so each is looked up once */
  private readonly images = new Map<string, Promise<void>>()
  /** relays this process started, by network, and networks whose relays it removed */
  private readonly relays = new Map<string, string>()
  private readonly relaysGone = new Set<string>()
  constructor(opts: DockerOptions = {}) {
    this.cli = opts.cli ?? 'docker'
    this.wiring = opts.wiring ?? 'auto'
    this.relayImage = opts.relayImage ?? DEFAULT_RELAY_IMAGE
  }

  async probe(): Promise<Probe> {
    let r: RunResult
    try {
      r = await runCommand(this.cli, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return { usable: false, reason: 'docker: the docker CLI is not installed (install Docker Engine, e.g. `apt-get install docker.io`)' }
      }
      return { usable: false, reason: `docker: cannot run the docker CLI (${(err as Error).message})` }
    }
    if (r.code === 0 && r.stdout.trim()) {
      this.startLookups()
      return { usable: true, detail: `docker engine ${r.stdout.trim()}` }
    }
    const text = r.stderr.trim()
    if (/permission denied/i.test(text)) {
      return { usable: false, reason: 'docker: permission denied on the docker socket (add the runner user to the `docker` group, or run as root)' }
    }
    if (/cannot connect|is the docker daemon running|no such file/i.test(text)) {
      return { usable: false, reason: 'docker: the docker daemon is unreachable (start dockerd, or set DOCKER_HOST to a running engine)' }
    }
    return { usable: false, reason: `docker: \`docker version\` failed: ${text.split('\n')[0] ?? 'no output'}` }
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
    const [engineSubnets] = await Promise.all([subnets, runChecked(this.cli, argv.networkCreateArgv(name, labels, closed))])
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
    const ids = (await runChecked(this.cli, ['network', 'ls', '--quiet'])).split('\n').filter(Boolean)
    if (!ids.length) return []
    // a network another run removes meanwhile fails inspect for that one only: keep the others
    const r = await runCommand(this.cli, ['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids])
    return r.stdout.split(/\s+/).filter(Boolean)
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
        `Input 'docker-wiring': 'gateway' needs the network gateway ${gateway} to be an address of this runner, and it is not (is the engine in a VM or rootless?)`,
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
    const out = (await runChecked(this.cli, argv.networkInspectGatewayArgv(network))).trim()
    const gateway = gatewayFromIpam(out)
    if (!gateway) throw new BottleError(`docker network ${network} has no IPv4 gateway (got '${out}')`, "Check the docker daemon's default address pools")
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
    await runChecked(
      this.cli,
      argv.relayRunArgv({
        name: relay,
        image: this.relayImage,
        labels: { ...labels, [RELAY_LABEL]: network.name },
        script: RELAY_SCRIPT,
        targetHost: 'host.docker.internal',
        ports
      })
    )
    await runChecked(this.cli, argv.networkConnectArgv(network.name, relay, RELAY_ALIAS))
  }

  async create(spec: BottleSpec): Promise<void> {
    await this.ensureImage(spec.image, 'image')
    await runChecked(this.cli, argv.createArgv(spec))
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

  private async lookUpOrPull(image: string, input: string): Promise<void> {
    if ((await runCommand(this.cli, argv.imageInspectArgv(image))).code === 0) return
    // the CLI's pull shows no byte counts off a terminal: say that it runs, then its size and rate
    core.info(`Pulling image ${image} (not on this engine yet)`)
    const started = Date.now()
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1)
    const timer = setInterval(() => core.info(`Pulling image ${image}: ${seconds()} s so far`), PULL_PROGRESS_EVERY_MS)
    const pull = await runCommand(this.cli, argv.pullArgv(image)).finally(() => clearInterval(timer))
    if (pull.code === 0) {
      const bytes = Number((await runCommand(this.cli, argv.imageSizeArgv(image))).stdout.trim()) || 0
      core.info(
        `Pulled image ${image}: ${(bytes / 1024 / 1024).toFixed(1)} MiB (unpacked) in ${seconds()} s (${(bytes / 1024 / 1024 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1)} MiB/s)`
      )
    }
    if (pull.code !== 0) {
      const why = pull.stderr.trim().split('\n').at(-1) ?? ''
      throw new BottleError(
        `docker cannot find or pull the image '${image}' (${why})`,
        `Set the \`${input}\` input to an image the runner has locally or can pull`
      )
    }
  }

  async peek(image: string, cmd: readonly string[]): Promise<RunResult> {
    await this.ensureImage(image, 'image')
    return runCommand(this.cli, argv.peekArgv(image, cmd), { timeoutMs: 60_000 })
  }

  async start(name: string): Promise<void> {
    await runChecked(this.cli, argv.startArgv(name))
  }

  exec(name: string, cmd: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return runCommand(this.cli, argv.execArgv(name, cmd, opts), { input: opts.input, timeoutMs: opts.timeoutMs })
  }

  execStream(name: string, cmd: readonly string[], opts: ExecOptions, onLine: (line: string) => void, onStderr: (chunk: Buffer) => void): StreamedProcess {
    return spawnLines(this.cli, argv.execArgv(name, cmd, opts), onLine, onStderr)
  }

  copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    return copyInByTar(this.exec.bind(this), name, hostPath, guestDir, opts)
  }

  async remove(name: string): Promise<void> {
    const r = await runCommand(this.cli, argv.removeArgv(name))
    if (r.code !== 0 && !/no such container/i.test(r.stderr)) throw new CommandError('docker rm', r.code, r.stderr)
  }

  async removeSidecars(network: string): Promise<void> {
    // a relay this process started has a known name: no listing needed (another process lists by label)
    const started = this.relays.get(network)
    const relays = started ? [started] : await this.labelled(argv.listArgv(RELAY_LABEL, network))
    await Promise.all(relays.map(relay => this.remove(relay)))
    this.relaysGone.add(network)
  }

  async removeNetwork(name: string): Promise<void> {
    if (!this.relaysGone.has(name)) await this.removeSidecars(name)
    const r = await runCommand(this.cli, argv.networkRemoveArgv(name))
    if (r.code !== 0 && !/not found|no such network/i.test(r.stderr)) throw new CommandError('docker network rm', r.code, r.stderr)
  }

  /** The names a label-filtered listing (ps or network ls) prints. */
  private async labelled(listing: string[]): Promise<string[]> {
    return (await runChecked(this.cli, listing)).split('\n').filter(Boolean)
  }

  ref(): BackendRef {
    return { backend: 'docker' }
  }

  async listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]> {
    const format = `{{.Label "${runLabel}"}}\t{{.Label "${ownerLabel}"}}`
    const listings = await Promise.all([
      this.labelled(['ps', '--all', '--filter', `label=${runLabel}`, '--format', format]),
      this.labelled(['network', 'ls', '--filter', `label=${runLabel}`, '--format', format])
    ])
    return listings
      .flat()
      .map(l => l.split('\t'))
      .map(([run, owner]) => ({ run: run!, owner: owner || undefined }))
  }

  async sweep(label: string, value: string): Promise<string[]> {
    const containers = await this.labelled(argv.listArgv(label, value))
    for (const c of containers) await this.remove(c)
    const networks = await this.labelled(argv.networkListArgv(label, value))
    for (const n of networks) await this.removeNetwork(n)
    return [...containers.map(c => `container ${c}`), ...networks.map(n => `network ${n}`)]
  }
}
