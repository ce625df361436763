import type { BottleSpec, ExecOptions } from '../types.js'

/** Every docker command the backend runs is built here, as argv (never a shell string). */

export function networkCreateArgv(name: string, labels: Record<string, string>, withoutHost = false): string[] {
  // --internal: no route out of the network; only what listens on it is reachable.
  // inhibit_ipv4: the host's bridge gets no address, so no host service is reachable either.
  return [
    'network',
    'create',
    '--internal',
    '--driver',
    'bridge',
    ...(withoutHost ? ['--opt', 'com.docker.network.bridge.inhibit_ipv4=true'] : []),
    ...labelArgs(labels),
    name
  ]
}

export function relayRunArgv(o: {
  name: string
  image: string
  labels: Record<string, string>
  script: string
  targetHost: string
  ports: number[]
}): string[] {
  return [
    'run',
    '--detach',
    '--name',
    o.name,
    ...labelArgs(o.labels),
    '--network',
    'bridge', // the default bridge: it reaches the host through host.docker.internal
    '--add-host',
    'host.docker.internal:host-gateway',
    '--user',
    '65534:65534',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--read-only',
    '--memory',
    '64m',
    '--pids-limit',
    '64',
    o.image,
    'node',
    '-e',
    o.script,
    o.targetHost,
    ...o.ports.map(String)
  ]
}

export function networkConnectArgv(network: string, container: string, alias: string): string[] {
  return ['network', 'connect', '--alias', alias, network, container]
}

export function networkInspectGatewayArgv(name: string): string[] {
  // The default bridge lists only its subnet: then the gateway is the subnet's first host.
  return ['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Gateway}}/{{.Subnet}} {{end}}', name]
}

export function createArgv(spec: BottleSpec): string[] {
  const { uid, gid } = spec.user
  return [
    'create',
    '--name',
    spec.name,
    ...labelArgs(spec.labels),
    '--network',
    spec.network,
    '--user',
    `${uid}:${gid}`,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--pids-limit',
    String(spec.pidsLimit),
    '--cpus',
    String(spec.cpus),
    '--memory',
    spec.memory,
    '--memory-swap',
    spec.memory, // no swap beyond the memory limit
    '--env-file',
    spec.envFile,
    // HOME is a tmpfs owned by the guest user: the image need not have a passwd entry for it.
    '--tmpfs',
    `${spec.home}:rw,exec,uid=${uid},gid=${gid},mode=0700`,
    ...spec.mounts.flatMap(m => ['--mount', `type=bind,source=${m.host},target=${m.guest}${m.readOnly ? ',readonly' : ''}`]),
    '--workdir',
    '/',
    '--entrypoint',
    'sh',
    spec.image,
    // PID 1 idles until stopped; exec runs the real work.
    '-c',
    'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'
  ]
}

export function imageInspectArgv(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', image]
}

export function peekArgv(image: string, argv: readonly string[]): string[] {
  return [
    'run',
    '--rm',
    '--network',
    'none',
    '--user',
    '65534:65534',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--read-only',
    '--pids-limit',
    '64',
    '--memory',
    '64m',
    '--entrypoint',
    argv[0]!,
    image,
    ...argv.slice(1)
  ]
}

export function imageSizeArgv(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Size}}', image]
}

export function pullArgv(image: string): string[] {
  return ['pull', '--quiet', image]
}

export function startArgv(name: string): string[] {
  return ['start', name]
}

export function execArgv(name: string, argv: readonly string[], opts: ExecOptions): string[] {
  return [
    'exec',
    ...(opts.input !== undefined ? ['-i'] : []),
    ...(opts.user ? ['--user', `${opts.user.uid}:${opts.user.gid}`] : []),
    ...(opts.workdir ? ['--workdir', opts.workdir] : []),
    name,
    ...argv
  ]
}

export function removeArgv(name: string): string[] {
  return ['rm', '--force', '--volumes', name]
}

export function networkRemoveArgv(name: string): string[] {
  return ['network', 'rm', name]
}

export function listArgv(label: string, value: string): string[] {
  return ['ps', '--all', '--filter', `label=${label}=${value}`, '--format', '{{.Names}}']
}

export function networkListArgv(label: string, value: string): string[] {
  return ['network', 'ls', '--filter', `label=${label}=${value}`, '--format', '{{.Name}}']
}

function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])
}
