import type { BottleSpec, ExecOptions } from '../types.js'

/**
 * Every request body the docker backend sends the engine is built here, as plain data: what
 * each container may do is read in one place. Field names are the engine API's
 * (docs.docker.com/reference/api/engine, ContainerCreate / NetworkCreate / ContainerExec).
 */

/** What no container of ours may do: gain a capability, or privileges through setuid files. */
const HARDENED = { CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] } as const

/** PID 1 of the bottle idles until stopped; exec runs the real work. */
export const IDLE_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'

/** `4g`, `512m`, `2048k`, `1.5g`, `1000b` or plain bytes, as the docker CLI reads --memory (binary units). */
export function memoryBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp])?i?b?$/i.exec(size.trim())
  if (!m) throw new Error(`not a memory size: '${size}'`)
  const power = 'bkmgtp'.indexOf((m[2] ?? 'b').toLowerCase())
  return Math.floor(Number(m[1]) * 1024 ** power)
}

export function networkCreateBody(name: string, labels: Record<string, string>, withoutHost = false) {
  // Internal: no route out of the network; only what listens on it is reachable.
  // inhibit_ipv4: the host's bridge gets no address, so no host service is reachable either.
  return {
    Name: name,
    Driver: 'bridge',
    Internal: true,
    CheckDuplicate: true,
    Labels: labels,
    Options: withoutHost ? { 'com.docker.network.bridge.inhibit_ipv4': 'true' } : {}
  }
}

/**
 * Where the guest user can write, every place is a tmpfs: its bytes live in the bottle's memory
 * (charged to its cgroup, bounded by `memory`), never on the runner's disk, so a guest that fills
 * them cannot starve the runner or the record. HOME needs no passwd entry in the image; the
 * workspace copy is also bounded in bytes and entries (what was copied in plus the door's caps).
 */
export function bottleTmpfs(spec: BottleSpec, memory: number): Record<string, string> {
  const { uid, gid } = spec.user
  const mounts: Record<string, string> = { [spec.home]: `rw,exec,uid=${uid},gid=${gid},mode=0700,size=${memory}` }
  if (spec.workspace) {
    const w = spec.workspace
    mounts[w.path] = `rw,exec,uid=${uid},gid=${gid},mode=0755,size=${w.maxBytes},nr_inodes=${w.maxEntries}`
    for (const scratch of ['/tmp', '/var/tmp']) mounts[scratch] = `rw,exec,mode=1777,size=${memory}`
  }
  return mounts
}

export function bottleCreateBody(spec: BottleSpec, env: Record<string, string>) {
  const { uid, gid } = spec.user
  const memory = memoryBytes(spec.memory)
  return {
    Image: spec.image,
    User: `${uid}:${gid}`,
    Labels: spec.labels,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: '/',
    Entrypoint: ['sh'],
    Cmd: ['-c', IDLE_SCRIPT],
    HostConfig: {
      ...HARDENED,
      NetworkMode: spec.network,
      PidsLimit: spec.pidsLimit,
      NanoCpus: Math.round(spec.cpus * 1e9),
      Memory: memory,
      MemorySwap: memory, // no swap beyond the memory limit
      Tmpfs: bottleTmpfs(spec, memory),
      Mounts: spec.mounts.map(m => ({ Type: 'bind', Source: m.host, Target: m.guest, ReadOnly: m.readOnly }))
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } }
  }
}

export function relayCreateBody(o: { image: string; labels: Record<string, string>; script: string; targetHost: string; ports: number[] }) {
  return {
    Image: o.image,
    User: '65534:65534',
    Labels: o.labels,
    Cmd: ['node', '-e', o.script, o.targetHost, ...o.ports.map(String)],
    HostConfig: {
      ...HARDENED,
      NetworkMode: 'bridge', // the default bridge: it reaches the host through host.docker.internal
      ExtraHosts: ['host.docker.internal:host-gateway'],
      ReadonlyRootfs: true,
      Memory: memoryBytes('64m'),
      PidsLimit: 64
    }
  }
}

export function peekCreateBody(image: string, argv: readonly string[]) {
  return {
    Image: image,
    User: '65534:65534',
    Entrypoint: [argv[0]!],
    Cmd: argv.slice(1),
    // AutoRemove: as `docker run --rm`, the engine removes it once it exits, even if this process is killed meanwhile
    HostConfig: { ...HARDENED, NetworkMode: 'none', ReadonlyRootfs: true, PidsLimit: 64, Memory: memoryBytes('64m'), AutoRemove: true }
  }
}

export function execCreateBody(argv: readonly string[], opts: ExecOptions) {
  return {
    AttachStdin: opts.input !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Cmd: [...argv],
    ...(opts.user ? { User: `${opts.user.uid}:${opts.user.gid}` } : {}),
    ...(opts.workdir ? { WorkingDir: opts.workdir } : {})
  }
}

export function networkConnectBody(container: string, alias: string) {
  return { Container: container, EndpointConfig: { Aliases: [alias] } }
}
