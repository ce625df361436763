import fs from 'node:fs'
import path from 'node:path'
import type { Backend, BottleNetwork, BottleSpec, ExecOptions, GuestEndpoint, Probe } from '../../src/backend/types.js'
import type { RunResult, StreamedProcess } from '../../src/util/process.js'

export interface Call {
  op: string
  args: unknown[]
}

/**
 * A Backend that records every call and answers exec from a script. copyIn records the
 * file tree it was given (path → content) so tests can check what reached the guest.
 */
export class RecordingBackend implements Backend {
  readonly kind = 'docker' as const
  calls: Call[] = []
  copied: Record<string, string> = {}
  constructor(private readonly answer: (argv: readonly string[]) => Partial<RunResult> = () => ({})) {}

  async probe(): Promise<Probe> {
    return { usable: true, detail: 'recording' }
  }
  async createNetwork(name: string): Promise<BottleNetwork> {
    this.calls.push({ op: 'createNetwork', args: [name] })
    return { name, bindHost: '127.0.0.1', wiring: 'gateway' }
  }
  guestEndpoints(network: BottleNetwork, ports: number[]): GuestEndpoint[] {
    return ports.map(port => ({ host: network.bindHost, port }))
  }
  async exposeToGuest(network: BottleNetwork, ports: number[]): Promise<void> {
    this.calls.push({ op: 'exposeToGuest', args: [network.name, ports] })
  }
  async create(spec: BottleSpec): Promise<void> {
    this.calls.push({ op: 'create', args: [spec] })
  }
  async start(name: string): Promise<void> {
    this.calls.push({ op: 'start', args: [name] })
  }
  async exec(name: string, argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    this.calls.push({ op: 'exec', args: [name, [...argv], opts.user] })
    return { code: 0, stdout: '', stderr: '', ...this.answer(argv) }
  }
  execStream(): StreamedProcess {
    throw new Error('not used')
  }
  execRaw(): StreamedProcess {
    throw new Error('not used')
  }
  async copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    this.calls.push({ op: 'copyIn', args: [name, hostPath, guestDir, opts.user] })
    const walk = (p: string, guest: string) => {
      if (fs.statSync(p).isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n), `${guest}/${n}`)
      else this.copied[guest] = fs.readFileSync(p, 'utf8')
    }
    walk(hostPath, `${guestDir}/${path.basename(hostPath)}`)
  }
  async remove(name: string): Promise<void> {
    this.calls.push({ op: 'remove', args: [name] })
  }
  async removeNetwork(name: string): Promise<void> {
    this.calls.push({ op: 'removeNetwork', args: [name] })
  }
  async sweep(label: string, value: string): Promise<string[]> {
    this.calls.push({ op: 'sweep', args: [label, value] })
    return []
  }
  async listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]> {
    this.calls.push({ op: 'listRuns', args: [runLabel, ownerLabel] })
    return []
  }
  ref() {
    return { backend: 'docker' as const }
  }
  ops(): string[] {
    return this.calls.map(c => (c.op === 'exec' ? `exec ${(c.args[1] as string[]).join(' ')}` : c.op))
  }
}

/** A bottle spec for backend tests: a small bottle named `name` with its state in `stateDir`. */
export function testSpec(name: string, stateDir: string, over: Partial<BottleSpec> = {}): BottleSpec {
  return {
    name,
    labels: {},
    image: 'img',
    user: { uid: 1001, gid: 1001 },
    home: '/home/bottle',
    env: {},
    stateDir,
    network: 'none',
    cpus: 1,
    memory: '1g',
    pidsLimit: 100,
    mounts: [],
    ...over
  }
}
