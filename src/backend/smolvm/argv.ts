import type { ExecOptions } from '../types.js'

/**
 * Every smolvm command the backend runs is built here, as argv, for smolvm v1.9.3 (the flags and
 * the source lines they are checked against: docs/smolvm-conformance.md).
 *
 * Network: `--allow-host 100.96.0.1` is the whole egress policy. It makes smolvm use virtio-net
 * (src/network/launch.rs:137-149), allows exactly the gateway 100.96.0.1/32 (an IP literal
 * resolves to itself, src/smolfile.rs:45-46), which smolvm relays to the host's 127.0.0.1:port
 * (crates/smolvm-network/src/tcp_relay.rs:235-249), and turns on the DNS filter, so the guest's
 * resolver answers only host.smolvm.internal and forwards no other name upstream
 * (crates/smolvm-network/src/stack.rs:814-836): `--allow-cidr` alone would forward every query.
 */
export const GATEWAY = '100.96.0.1' // crates/smolvm-network/src/lib.rs:174

/**
 * The machine's workload, launched detached at every start (src/workload.rs:53-109). Pinned, as
 * the docker backend pins its entrypoint: the image's own ENTRYPOINT/CMD would otherwise run
 * unattended, as root with every capability and the bottle's environment.
 */
export const IDLE_WORKLOAD = ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'] as const

/** docker-style sizes (4g, 512m) in MiB, as `--mem` takes them. */
export function memoryMiB(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(size.trim())
  if (!m) throw new Error(`bad memory size '${size}'`)
  const n = Number(m[1])
  const unit = (m[2] ?? '').toLowerCase()
  const mib = unit === 'g' ? n * 1024 : unit === 'm' ? n : unit === 'k' ? n / 1024 : unit === 'b' ? n / 1024 / 1024 : n / 1024 / 1024
  return Math.max(1, Math.round(mib))
}

export interface CreateArgs {
  name: string
  /** a `docker save` archive path (never a registry reference: see guest-image.ts) */
  archive: string
  cpus: number
  memory: string
  mounts: { host: string; guest: string; readOnly: boolean }[]
  /** guest variable → a 0600 file holding its value: smolvm keeps the path, reads the value at each start and exec */
  envFiles: Record<string, string>
  labels: Record<string, string>
}

export function createArgv(a: CreateArgs): string[] {
  return [
    'machine',
    'create',
    '--name',
    a.name,
    '--image',
    a.archive,
    '--cpus',
    String(Math.max(1, Math.ceil(a.cpus))),
    '--mem',
    String(memoryMiB(a.memory)), // always explicit: the default (8 GiB) times out boots on small runners
    '--net',
    '--allow-host',
    GATEWAY,
    ...a.mounts.flatMap(m => ['--volume', `${m.host}:${m.guest}${m.readOnly ? ':ro' : ''}`]),
    // never --env: its values are on the argv (ps) and in smolvm's database until delete
    ...Object.entries(a.envFiles).flatMap(([k, file]) => ['--secret-file', `${k}=${file}`]),
    ...Object.entries(a.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    '--',
    ...IDLE_WORKLOAD
  ]
}

export function startArgv(name: string): string[] {
  return ['machine', 'start', '--name', name]
}

/**
 * As the guest user: smolvm exec has no --user and runs as the image's USER (root, checked) with
 * every capability, so the command drops privileges itself, as completely as docker's --user,
 * --cap-drop ALL and no-new-privileges do: no capability left in any set (bounding included) and
 * no way to gain one back through a setuid binary.
 */
export const DROP_PRIVILEGES = ['--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--clear-groups'] as const
export function asUser(argv: readonly string[], user?: { uid: number; gid: number }): string[] {
  return user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, ...DROP_PRIVILEGES, '--', ...argv] : [...argv]
}

export function execArgv(name: string, argv: readonly string[], opts: ExecOptions & { stream?: boolean }): string[] {
  return [
    'machine',
    'exec',
    '--name',
    name, // long form only: exec has no -n
    ...(opts.stream ? ['--stream'] : []),
    ...(opts.input !== undefined ? ['-i'] : []),
    ...(opts.workdir ? ['--workdir', opts.workdir] : []),
    ...(opts.timeoutMs ? ['--timeout', `${Math.ceil(opts.timeoutMs / 1000)}s`] : []), // expiry exits 124
    '--',
    ...asUser(argv, opts.user)
  ]
}

export function deleteArgv(name: string): string[] {
  return ['machine', 'delete', '--name', name, '--force'] // without --force it prompts, and "Cancelled" with no stdin
}

export function listArgv(): string[] {
  return ['machine', 'ls', '--json']
}

/**
 * The flags this backend needs, by subcommand, with the value name `--help` shows for each
 * (undefined: a switch). A flag that vanished, or whose value changed (a switch that now takes a
 * value, a value name that differs), changed meaning: the probe refuses it.
 */
export const REQUIRED_FLAGS: Record<string, Record<string, readonly string[] | undefined>> = {
  create: {
    '--name': ['NAME'],
    '--image': ['IMAGE'],
    '--cpus': ['N'],
    '--mem': ['MiB'],
    '--net': undefined,
    '--allow-host': ['HOSTNAME'],
    '--volume': ['HOST:GUEST[:ro]', 'HOST|REMOTE:GUEST[:ro]'],
    '--secret-file': ['GUEST_VAR=PATH'],
    '--label': ['KEY=VALUE']
  },
  exec: { '--name': ['NAME'], '--stream': undefined, '--interactive': undefined, '--workdir': ['DIR'], '--timeout': ['DURATION'] },
  delete: { '--name': ['NAME'], '--force': undefined },
  ls: { '--json': undefined }
}

/** What `machine <sub> --help` says against REQUIRED_FLAGS[sub]: one phrase per flag that vanished or changed. */
export function helpProblems(sub: string, help: string): string[] {
  const shown = new Map<string, string | undefined>()
  for (const line of help.split('\n')) {
    const m = /^\s*(?:-\w,\s+)?(--[\w-]+)(?:[ =]<([^>]+)>)?/.exec(line)
    if (m && !shown.has(m[1]!)) shown.set(m[1]!, m[2])
  }
  const problems: string[] = []
  for (const [flag, values] of Object.entries(REQUIRED_FLAGS[sub] ?? {})) {
    if (!shown.has(flag)) problems.push(`${flag} is gone`)
    else if (values === undefined && shown.get(flag) !== undefined) problems.push(`${flag} now takes <${shown.get(flag)}>`)
    else if (values !== undefined && !values.includes(shown.get(flag) ?? ''))
      problems.push(`${flag} takes <${shown.get(flag) ?? 'nothing'}>, not <${values[0]}>`)
  }
  return problems
}
