import type { BottleSpec, ExecOptions } from '../types.js'

/**
 * Every smolvm 1.9.2 command the backend runs is built here, as argv. The flags:
 * `--net --outbound-localhost-only` give the VM networking whose only destination is the
 * host's loopback, where the bottle's daemons listen (see README "smolvm network").
 */

/** docker-style sizes (4g, 512m) in MiB, as `--mem` takes them. */
export function memoryMiB(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(size.trim())
  if (!m) throw new Error(`bad memory size '${size}'`)
  const n = Number(m[1])
  const unit = (m[2] ?? '').toLowerCase()
  const mib = unit === 'g' ? n * 1024 : unit === 'm' ? n : unit === 'k' ? n / 1024 : unit === 'b' ? n / 1024 / 1024 : n / 1024 / 1024
  return Math.max(1, Math.round(mib))
}

export function createArgv(spec: BottleSpec, env: Record<string, string>): string[] {
  return [
    'machine', 'create',
    '--name', spec.name,
    '--image', spec.image,
    '--cpus', String(Math.max(1, Math.ceil(spec.cpus))),
    '--mem', String(memoryMiB(spec.memory)), // always explicit: the default (8 GiB) times out boots on small runners
    '--net',
    '--outbound-localhost-only',
    ...spec.mounts.flatMap(m => ['--volume', `${m.host}:${m.guest}${m.readOnly ? ':ro' : ''}`]),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...Object.entries(spec.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])
  ]
}

export function startArgv(name: string): string[] {
  return ['machine', 'start', '--name', name]
}

/**
 * As the guest user: smolvm 1.9.2 exec has no --user and runs with every capability, so the
 * command drops privileges itself, as completely as docker's --user, --cap-drop ALL and
 * no-new-privileges do: no capability left in any set (bounding included) and no way to gain
 * one back through a setuid binary.
 */
export const DROP_PRIVILEGES = ['--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--clear-groups'] as const
export function asUser(argv: readonly string[], user?: { uid: number; gid: number }): string[] {
  return user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, ...DROP_PRIVILEGES, '--', ...argv] : [...argv]
}

export function execArgv(name: string, argv: readonly string[], opts: ExecOptions & { stream?: boolean }): string[] {
  return [
    'machine', 'exec',
    '--name', name, // long form only: exec has no -n
    ...(opts.stream ? ['--stream'] : []),
    ...(opts.input !== undefined ? ['-i'] : []),
    ...(opts.workdir ? ['--workdir', opts.workdir] : []),
    ...(opts.timeoutMs ? ['--timeout', `${Math.ceil(opts.timeoutMs / 1000)}s`] : []),
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

/** The flags this backend needs, by subcommand: checked against `--help` (they moved between releases). */
export const REQUIRED_FLAGS: Record<string, string[]> = {
  create: ['--name', '--image', '--volume', '--env', '--cpus', '--mem', '--net', '--outbound-localhost-only', '--label'],
  exec: ['--name', '--stream', '--timeout', '--workdir']
}
