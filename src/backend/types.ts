import type { RunResult, StreamedProcess } from '../util/process.js'
import type { OverlongLine } from '../util/line-splitter.js'

export type BackendKind = 'docker' | 'smolvm'

/** A backend as saved state: its kind and, for smolvm, the CLI that made the machine (the post step's PATH may not have it). */
export interface BackendRef {
  backend: BackendKind
  cli?: string
}

/** Whether a backend can run here; when not, why and what would fix it, in one line. */
export type Probe = { usable: true; detail: string } | { usable: false; reason: string }

export interface Mount {
  host: string
  guest: string
  readOnly: boolean
}

/** The bottle's network, and the host address its host-side daemons bind to. */
export interface BottleNetwork {
  name: string
  /** address the host daemons bind to */
  bindHost: string
  /**
   * how the guest reaches the host daemons: directly at the gateway (docker's bridge; smolvm's
   * 100.96.0.1, relayed to the host's loopback), or through a relay sidecar
   */
  wiring: 'gateway' | 'relay'
  /** networks of the runner's engine (job services, other bottles): never an egress destination */
  engineSubnets?: string[]
}

/** How the guest dials one host daemon. */
export interface GuestEndpoint {
  host: string
  port: number
}

export interface BottleSpec {
  name: string
  labels: Record<string, string>
  image: string
  user: { uid: number; gid: number }
  home: string
  mounts: Mount[]
  /** the bottle's own copy of the workspace: a directory at this guest path owned by the guest user, bounded in bytes and entries where the backend can */
  workspace?: { path: string; maxBytes: number; maxEntries: number }
  /** the guest's whole environment (it holds the per-run daemon secret: never written to a file the guest or a log sees) */
  env: Record<string, string>
  /** the run's private state dir on the host, for files the backend needs while it starts the bottle */
  stateDir: string
  network: string
  cpus: number
  memory: string
  pidsLimit: number
}

export interface ExecOptions {
  user?: { uid: number; gid: number }
  workdir?: string
  input?: string | Buffer | NodeJS.ReadableStream
  timeoutMs?: number
}

/**
 * One sandbox technology. Everything above this interface is shared; nothing above it
 * knows which backend runs.
 */
export interface Backend {
  readonly kind: BackendKind
  probe(): Promise<Probe>
  createNetwork(name: string, labels: Record<string, string>): Promise<BottleNetwork>
  /** where the guest dials host daemons listening on bindHost:port; same order as ports */
  guestEndpoints(network: BottleNetwork, ports: number[]): GuestEndpoint[]
  /** makes those endpoints work (e.g. starts a relay); may run while the bottle starts */
  exposeToGuest(network: BottleNetwork, ports: number[], labels: Record<string, string>): Promise<void>
  create(spec: BottleSpec): Promise<void>
  start(name: string): Promise<void>
  exec(name: string, argv: readonly string[], opts?: ExecOptions): Promise<RunResult>
  execStream(
    name: string,
    argv: readonly string[],
    opts: ExecOptions,
    /** each stdout line; a line over the cap arrives as '' with `overlong` (see util/line-splitter) */
    onLine: (line: string, overlong?: OverlongLine) => void,
    onStderr: (chunk: Buffer) => void
  ): StreamedProcess
  /**
   * argv in the guest with its stdout handed over raw, chunk by chunk, never collected (tar
   * streams out of the bottle); it has no stdin
   */
  execRaw(
    name: string,
    argv: readonly string[],
    opts: Omit<ExecOptions, 'input'>,
    onStdout: (chunk: Buffer) => void,
    onStderr: (chunk: Buffer) => void
  ): StreamedProcess
  /** copies a host file or directory into guestDir (created if missing), owned by opts.user */
  copyIn(name: string, hostPath: string, guestDir: string, opts?: ExecOptions): Promise<void>
  /** removes the bottle; succeeds when it is already gone */
  remove(name: string): Promise<void>
  /** removes the network and anything serving it (relays); succeeds when it is already gone */
  removeNetwork(name: string): Promise<void>
  /** removes what serves the network (relays) but not the network, so teardown can do it while the bottle goes */
  removeSidecars?(network: string): Promise<void>
  /** starts making the image available (a pull where it is missing) ahead of create, which waits for it */
  prefetchImage?(image: string): void
  /** runs argv in a throwaway container of the image (no network, no capabilities, read-only), before the bottle exists */
  peek?(image: string, argv: readonly string[]): Promise<RunResult>
  /** removes every bottle, sidecar and network carrying label=value; returns what it removed */
  sweep(label: string, value: string): Promise<string[]>
  /** every resource carrying `runLabel`: its value, and its `ownerLabel` value if any */
  listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]>
  /** what the post step needs to drive this backend again (saved in the run's state) */
  ref(): BackendRef
}
