#!/usr/bin/env node
// A stateful double of the smolvm CLI (`smolvm machine …`), rebuilt from smolvm's source at tag
// v1.9.3 (github.com/smol-machines/smolvm, commit 21b51875; the network, agent and storage code
// is unchanged from v1.9.2). Each rule below cites the file:line it models. Machine records live
// as JSON under $SMOLVM_DOUBLE_STATE (smolvm's database: what it stores, the double stores);
// every invocation's argv is appended to $SMOLVM_DOUBLE_STATE/calls.jsonl.
//
// The VM is a docker container with no network of its own (`--network none`: its 127.0.0.1 is
// its own loopback) and every capability (the root phase of a smolvm exec has the full set,
// smolvm-agent/src/oci.rs:506-516). Its eth0 is one end of a veth pair whose other end, in a
// network namespace of its own, is the gateway 100.96.0.1 (smolvm-network/src/lib.rs:173-181),
// where smolvm-double-gateway.mjs applies smolvm's egress policy to every guest connection and
// relays allowed gateway flows to the host's 127.0.0.1:port. Needs root (ip netns, iptables).
//
// Not modelled: TSI networking (plain --net with no egress flag; the backend never asks for it),
// named networks, ports, packs, bare VMs and rootfs directories, IPv6, --cpus/--mem as VM limits
// (docker limits instead), virtiofs (docker bind mounts), the agent rootfs (the image's own sh is
// the container's init), and name resolution for --allow-host other than IP literals and
// localhost (the double sends no DNS query anywhere).
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const VERSION = process.env.SMOLVM_DOUBLE_VERSION ?? '1.9.3'
/** A later release's drift, for the `latest` probe: {"create": {"--flag": null | "NEW_VALUE_NAME"}} */
const DRIFT = JSON.parse(process.env.SMOLVM_DOUBLE_DRIFT ?? '{}')
const GATEWAY_JS = path.join(path.dirname(new URL(import.meta.url).pathname), 'smolvm-double-gateway.mjs')
const stateDir = process.env.SMOLVM_DOUBLE_STATE ?? path.join(process.env.HOME ?? '/tmp', '.cache', 'smolvm-double')
fs.mkdirSync(stateDir, { recursive: true })
const GATEWAY_LISTEN_PORT = 15001

// main.rs:214-215: a command's error is `Error: {e}` on stderr, exit 1.
const die = (msg, code = 1) => {
  process.stderr.write(`Error: ${msg}\n`)
  process.exit(code)
}
const recordPath = name => path.join(stateDir, `${name}.json`)
const load = name => (fs.existsSync(recordPath(name)) ? JSON.parse(fs.readFileSync(recordPath(name), 'utf8')) : undefined)
const save = rec => fs.writeFileSync(recordPath(rec.name), JSON.stringify(rec, null, 2))
const container = name => `smolvm-double-${name}`
// the engine the double stands on: SMOLVM_DOUBLE_DOCKER / SMOLVM_DOUBLE_DOCKER_HOST name it when the
// action's own environment has no docker (the smolvm-without-docker e2e hides it from the action)
const DOCKER_CLI = process.env.SMOLVM_DOUBLE_DOCKER || 'docker'
const DOCKER_ENV = process.env.SMOLVM_DOUBLE_DOCKER_HOST ? { ...process.env, DOCKER_HOST: process.env.SMOLVM_DOUBLE_DOCKER_HOST } : process.env
const docker = (args, opts = {}) => spawnSync(DOCKER_CLI, args, { encoding: 'utf8', env: DOCKER_ENV, ...opts })
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`)
  return r.stdout
}
// capability numbers (linux/capability.h), to grant the VM every one this host can give
const CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE'
]
const hostBounding = BigInt(`0x${/CapBnd:\s*([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`)
const capsBeyondHost = CAPS.filter((_, bit) => !(hostBounding & (1n << BigInt(bit))))
const idOf = name => crypto.createHash('sha256').update(name).digest('hex').slice(0, 8)

// ---- flag grammar: clap derive structs in src/cli/machine.rs at v1.9.3 ----
// kind: 'bool' | 'value' | 'multi'; value: clap's value_name (what --help shows)
const SPEC = {
  create: {
    // CreateCmd, machine.rs:2923-3100
    '--name': ['value', 'NAME', '-n'],
    '--label': ['multi', 'KEY=VALUE'],
    '--image': ['value', 'IMAGE', '-I'],
    '--cpus': ['value', 'N'],
    '--mem': ['value', 'MiB'],
    '--volume': ['multi', 'HOST|REMOTE:GUEST[:ro]', '-v'],
    '--net': ['bool'],
    '--allow-cidr': ['multi', 'CIDR'],
    '--allow-host': ['multi', 'HOSTNAME'],
    '--outbound-localhost-only': ['bool'],
    '--env': ['multi', 'KEY=VALUE', '-e'],
    '--workdir': ['value', 'DIR', '-w'],
    '--secret-env': ['multi', 'GUEST_VAR=HOST_VAR'],
    '--secret-file': ['multi', 'GUEST_VAR=PATH'],
    '--from': ['value', 'PATH']
  },
  exec: {
    // ExecCmd, machine.rs:2626-2674
    '--name': ['value', 'NAME'],
    '--workdir': ['value', 'DIR', '-w'],
    '--env': ['multi', 'KEY=VALUE', '-e'],
    '--secret-env': ['multi', 'GUEST_VAR=HOST_VAR'],
    '--secret-file': ['multi', 'GUEST_VAR=PATH'],
    '--timeout': ['value', 'DURATION'],
    '--interactive': ['bool', undefined, '-i'],
    '--tty': ['bool', undefined, '-t'],
    '--stream': ['bool'],
    '--detach': ['bool', undefined, '-d']
  },
  start: { '--name': ['value', 'NAME', '-n'] }, // StartCmd, machine.rs:3590-3593
  stop: { '--name': ['value', 'NAME', '-n'] }, // StopCmd, machine.rs:3950-3953
  delete: { '--name': ['value', 'NAME', '-n'], '--force': ['bool', undefined, '-f'], '--cascade': ['bool'] }, // DeleteCmd, machine.rs:3974-3987
  ls: { '--json': ['bool'], '--verbose': ['bool', undefined, '-v'] }, // ListCmd, machine.rs:4106-4113
  status: { '--name': ['value', 'NAME', '-n'], '--json': ['bool'] },
  cp: { '--mode': ['value', 'MODE'], '--uid': ['value', 'UID'], '--gid': ['value', 'GID'] }
}
for (const [sub, flags] of Object.entries(DRIFT)) {
  for (const [flag, change] of Object.entries(flags)) {
    if (change === null) delete SPEC[sub][flag]
    else SPEC[sub][flag] = [SPEC[sub][flag]?.[0] === 'bool' ? 'value' : (SPEC[sub][flag]?.[0] ?? 'value'), change, SPEC[sub][flag]?.[2]]
  }
}
const USAGE = { create: 'smolvm machine create [OPTIONS] [-- <COMMAND>...]', exec: 'smolvm machine exec [OPTIONS] <COMMAND>...' }
// clap's own usage errors: `error: …`, exit 2 (main.rs:159 Cli::parse)
const usageError = (sub, msg) => {
  process.stderr.write(`error: ${msg}\n\nUsage: ${USAGE[sub] ?? `smolvm machine ${sub} [OPTIONS]`}\n\nFor more information, try '--help'.\n`)
  process.exit(2)
}

function help(sub) {
  const lines = Object.entries(SPEC[sub]).map(
    ([flag, [kind, value, short]]) => `  ${short ? `${short}, ` : '    '}${flag}${kind === 'bool' ? '' : ` <${value}>`}`
  )
  return `Usage: ${USAGE[sub] ?? `smolvm machine ${sub} [OPTIONS]`}\n\nOptions:\n${lines.join('\n')}\n  -h, --help\n`
}

/** Parses argv per SPEC[sub]; `--` ends flags (create: the workload command, machine.rs:3096-3100; exec: trailing). */
function parse(sub, argv) {
  const spec = SPEC[sub]
  const shorts = Object.fromEntries(
    Object.entries(spec)
      .filter(([, s]) => s[2])
      .map(([f, s]) => [s[2], f])
  )
  const flags = {}
  const rest = []
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]
    if (a === '--') {
      rest.push(...argv.slice(i + 1))
      break
    }
    if (!a.startsWith('-') || a === '-') {
      if (sub === 'exec') {
        rest.push(...argv.slice(i))
        break
      } // trailing_var_arg (machine.rs:2628)
      rest.push(a)
      continue
    }
    let value
    if (a.startsWith('--') && a.includes('=')) {
      value = a.slice(a.indexOf('=') + 1)
      a = a.slice(0, a.indexOf('='))
    }
    a = shorts[a] ?? a
    const s = spec[a]
    if (!s) usageError(sub, `unexpected argument '${a}' found`)
    if (s[0] === 'bool') {
      flags[a] = true
      continue
    }
    if (value === undefined) {
      value = argv[++i]
      if (value === undefined) usageError(sub, `a value is required for '${a} <${s[1]}>' but none was supplied`)
    }
    if (s[0] === 'multi') (flags[a] ??= []).push(value)
    else flags[a] = value
  }
  return { flags, rest }
}

const kv = (flag, spec) => {
  const eq = spec.indexOf('=')
  if (eq <= 0) die(`config operation failed: ${flag}: expected KEY=VALUE, got '${spec}'`)
  return [spec.slice(0, eq), spec.slice(eq + 1)]
}

/** machine.rs:237-276 parse_cli_secret_refs + secrets.rs:258-292 validate_ref: only the reference is kept. */
function secretRefs(flags) {
  const refs = {}
  for (const [flag, source] of [
    ['--secret-env', 'env'],
    ['--secret-file', 'file']
  ]) {
    for (const spec of flags[flag] ?? []) {
      const [k, v] = kv(flag, spec)
      if (source === 'file' && !v.startsWith('/')) die(`config operation failed: ${flag}: secret '${k}': from_file path must be absolute: ${v}`)
      if (refs[k]) die(`config operation failed: ${flag}: secret '${k}' specified more than once`)
      refs[k] = { [source]: v }
    }
  }
  return refs
}

/** vm_common.rs:498-506 record_env_with_secrets: resolved on the host at every start and exec, never stored. */
function resolvedEnv(rec, throwing = false) {
  const fail = message => {
    if (throwing) throw new Error(message)
    die(message)
  }
  const env = rec.env.map(e => kv('--env', e))
  for (const [k, ref] of Object.entries(rec.secret_refs)) {
    if (ref.env !== undefined) {
      if (process.env[ref.env] === undefined) fail(`config operation failed: resolve secret '${k}': environment variable is not set`)
      env.push([k, process.env[ref.env]])
    } else {
      // secrets.rs:115-137 read_from_file_source (O_NOFOLLOW, at most MAX_FROM_FILE_BYTES = 1 MiB:
      // secrets.rs:40, 88-104, read as UTF-8), secrets.rs:142-146 the failure classes, 452 the message,
      // data/errors.rs:154 its form; secrets.rs:417 trims trailing \n and \r
      let fd
      try {
        fd = fs.openSync(ref.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
      } catch {
        fail(`config operation failed: resolve secret '${k}': file_read_failed`)
      }
      const bytes = Buffer.alloc(1024 * 1024 + 1)
      let n = 0
      for (let got = 1; got > 0 && n < bytes.length; n += got) got = fs.readSync(fd, bytes, n, bytes.length - n, null)
      fs.closeSync(fd)
      if (n > 1024 * 1024) fail(`config operation failed: resolve secret '${k}': file_too_large`)
      let text
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n))
      } catch {
        fail(`config operation failed: resolve secret '${k}': file_read_failed`)
      }
      env.push([k, text.replace(/[\r\n]+$/, '')])
    }
  }
  return env
}

/**
 * The guest env for one docker exec: `-e NAME` flags, the values in docker's own environment (as
 * smolvm's agent gets them: any bytes, newlines too; never on an argv, never in a file).
 */
function execEnv(pairs) {
  const env = { ...DOCKER_ENV }
  const flags = []
  for (const [k, v] of pairs) {
    env[k] = v
    flags.push('-e', k)
  }
  return { flags, env }
}

/** storage.rs:36-68: protected host paths (exact, or the subtree too), per host OS. */
const PROTECTED = {
  darwin: [
    ['/', false],
    ['/private/var', false],
    ['/private/var/run', true],
    ['/private/var/log', true],
    ['/private/etc', true],
    ['/usr', true],
    ['/bin', true],
    ['/sbin', true],
    ['/lib', true],
    ['/System', true],
    ['/Library', true]
  ],
  linux: [
    ['/', false],
    ['/var', false],
    ['/var/run', true],
    ['/var/log', true],
    ['/etc', true],
    ['/boot', true],
    ['/usr', true],
    ['/bin', true],
    ['/sbin', true],
    ['/lib', true],
    ['/proc', true],
    ['/sys', true],
    ['/dev', true],
    ['/run', true]
  ]
}
/** storage.rs:80-139 HostMount::parse / new / validate. */
function hostMount(spec) {
  let rest = spec
  let readOnly = false
  if (rest.endsWith(':ro')) {
    rest = rest.slice(0, -3)
    readOnly = true
  } else if (rest.endsWith(':rw')) rest = rest.slice(0, -3)
  const colon = rest.lastIndexOf(':')
  if (colon <= 0 || colon === rest.length - 1) die(`invalid mount path: invalid format '${spec}' (expected host:guest[:ro|:rw])`)
  const source = rest.slice(0, colon)
  const target = rest.slice(colon + 1)
  if (!fs.existsSync(source)) die(`mount source not found: ${source}`)
  if (!fs.statSync(source).isDirectory())
    die(`mount operation failed: validate host path: source path on host must be a directory (virtiofs limitation): ${source}`)
  const canonical = fs.realpathSync(source)
  const hostOs = process.env.SMOLVM_DOUBLE_HOST_OS ?? 'linux' // a test may model a macOS host's list
  for (const [p, subtree] of PROTECTED[hostOs]) {
    if (canonical === p || (subtree && `${canonical}/`.startsWith(`${p}/`)))
      die(`mount operation failed: validate host path: source path on host is a protected system path and cannot be mounted: ${canonical}`)
  }
  if (!target.startsWith('/')) die(`mount operation failed: validate guest path: target path on guest should be an absolute directory: ${target}`)
  return { source: canonical, target, readOnly }
}

/** image_source.rs:49-82 classify: a path prefix or an archive suffix is local, anything else a registry reference. */
const looksLocal = image => /^(\/|\.\/|\.\.\/)/.test(image) || ['.tar', '.tar.gz', '.tgz'].some(s => image.endsWith(s))

/** image_source.rs:239,324-328: `dirs::cache_dir()/smolvm-image-archives/<sha256>/archive.tar` (Linux: $XDG_CACHE_HOME when absolute, else ~/.cache). */
function stagedArchive(hash) {
  const xdg = process.env.XDG_CACHE_HOME
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(process.env.HOME ?? '/', '.cache')
  return path.join(base, 'smolvm-image-archives', hash, 'archive.tar')
}

/** image_source.rs:196-230 + 293-300: the archive is hashed and hard-linked (or copied) into smolvm's cache AT CREATE; never removed (vm_common.rs:2383-2405). */
function stageArchive(file) {
  if (!fs.existsSync(file)) die(`io operation failed: No such file or directory (os error 2): ${file}`)
  if (fs.statSync(file).isDirectory()) die('a rootfs directory image is not modelled by this double')
  // image_source.rs:149-156 max_archive_bytes (8 GiB, or SMOLVM_MAX_IMAGE_BYTES when a positive u64); 235-237, 330-340 too_large
  const raw = (process.env.SMOLVM_MAX_IMAGE_BYTES ?? '').trim()
  const limit = /^\+?\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : 8 * 1024 ** 3
  const bytes = fs.statSync(file).size
  if (bytes > limit)
    die(
      `config operation failed: --image: image archive is ${bytes} bytes, over the ${limit}-byte limit. Raise it with --max-image-size (e.g. --max-image-size 16GiB) or the SMOLVM_MAX_IMAGE_BYTES env var if this is a legitimate large image.`
    )
  const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
  const staged = stagedArchive(hash)
  fs.mkdirSync(path.dirname(staged), { recursive: true })
  if (!fs.existsSync(staged)) {
    try {
      fs.linkSync(file, staged)
    } catch {
      fs.copyFileSync(file, staged)
    }
  }
  return `local:${hash}` // image_source.rs:303 LOCAL_ARCHIVE_PREFIX
}

/** machine.rs:87-112 resolve_egress_flags; smolfile.rs:38-80 resolve_host_to_cidrs (IP literals and localhost only here). */
function egressFlags(flags) {
  const cidrs = [...(flags['--allow-cidr'] ?? [])]
  for (const c of cidrs) if (!/^[0-9a-f:.]+(\/\d{1,3})?$/i.test(c)) usageError('create', `invalid value '${c}' for '--allow-cidr <CIDR>'`)
  const hosts = flags['--allow-host'] ?? []
  for (const h of hosts) {
    if (net.isIP(h)) cidrs.push(net.isIPv4(h) ? `${h}/32` : `${h}/128`)
    else if (h.includes(':'))
      die(
        `config operation failed: --allow-host: invalid hostname '${h}': port suffixes are not supported. Use the hostname only (all ports are allowed to resolved IPs).`
      )
    else if (h === 'localhost') cidrs.push('127.0.0.1/32', '::1/128')
    else die(`the double resolves only IP literals and localhost for --allow-host (it sends no DNS query): '${h}'`)
  }
  if (flags['--outbound-localhost-only']) cidrs.push('127.0.0.0/8', '::1/128') // machine.rs:96-99
  const network = !!flags['--net'] || cidrs.length > 0 // machine.rs:100
  // launch.rs:137-149: an egress policy forces virtio-net; plain --net is TSI
  const backend = !network ? 'none' : cidrs.length || hosts.length ? 'virtio-net' : 'tsi'
  return { network, backend, allowCidrs: cidrs.length || hosts.length ? cidrs : null, allowHosts: hosts.length ? hosts : null }
}

/**
 * The policy the VM boots with (read once at launch, from the launching process's environment):
 * egress.rs:133-155 floor_mode (SMOLVM_EGRESS_FLOOR, SMOLVM_EGRESS_ALLOW_PRIVATE, SMOLVM_PUBLISH_ADDR)
 * and launch.rs:23-57 the gateway host service (SMOLVM_GUEST_HOST_SERVICE=GUEST_PORT:HOST_PORT).
 */
function bootPolicy(rec) {
  const e = process.env
  const override = { strict: 'strict', metadata: 'metadata', 'metadata-only': 'metadata', metadataonly: 'metadata', off: 'off', none: 'off' }[
    (e.SMOLVM_EGRESS_FLOOR ?? '').trim().toLowerCase()
  ]
  const floor =
    override ??
    (['1', 'true'].includes((e.SMOLVM_EGRESS_ALLOW_PRIVATE ?? '').toLowerCase()) ? 'off' : e.SMOLVM_PUBLISH_ADDR !== undefined ? 'strict' : 'metadata')
  let hostService = null
  if (e.SMOLVM_GUEST_HOST_SERVICE !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(e.SMOLVM_GUEST_HOST_SERVICE)
    if (!m || !Number(m[1]) || !Number(m[2]))
      die('config operation failed: configure guest rollout ingress: guest host service mapping must be GUEST_PORT:HOST_PORT')
    hostService = { guestPort: Number(m[1]), hostPort: Number(m[2]) }
  }
  return { floor, hostService, allowCidrs: rec.allowCidrs, allowHosts: rec.allowHosts }
}

function statusJson(rec) {
  // vm_common.rs:2469 machine_status_json
  return {
    name: rec.name,
    state: rec.state,
    cpus: rec.cpus,
    memory_mib: rec.memory_mib,
    pid: rec.state === 'running' ? (rec.pid ?? null) : null,
    mounts: rec.mounts.length,
    ports: 0,
    created_at: rec.created_at,
    storage_gb: 20,
    overlay_gb: 10,
    image: rec.image,
    entrypoint: [],
    cmd: rec.command,
    ephemeral: false,
    labels: rec.labels,
    network: rec.network
  }
}

function netnsName(rec) {
  return `smolgw-${idOf(rec.name)}`
}

/** Tears down the VM: its container, gateway processes and namespace. */
function stopVm(rec) {
  docker(['rm', '-f', container(rec.name)])
  for (const pid of rec.helpers ?? []) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {}
  }
  spawnSync('ip', ['netns', 'del', netnsName(rec)])
  rec.helpers = []
  rec.state = 'stopped'
}

const waitFor = (file, ms) => {
  const t0 = Date.now()
  while (!fs.existsSync(file) && Date.now() - t0 < ms) spawnSync('sleep', ['0.05'])
  return fs.existsSync(file)
}

/** The VM's eth0 to the gateway namespace, and the gateway's two processes. */
function wire(rec, vmPid) {
  const id = idOf(rec.name)
  const ns = netnsName(rec)
  const [vh, vg] = [`sg${id}`, `sv${id}`]
  const logDir = path.join(stateDir, `${rec.name}.vm`)
  fs.mkdirSync(logDir, { recursive: true })
  spawnSync('ip', ['netns', 'del', ns])
  sh('ip', ['netns', 'add', ns])
  sh('ip', ['link', 'add', vh, 'type', 'veth', 'peer', 'name', vg])
  sh('ip', ['link', 'set', vg, 'netns', String(vmPid)])
  const inVm = (...a) => sh('nsenter', ['-t', String(vmPid), '-n', 'ip', ...a])
  inVm('link', 'set', vg, 'name', 'eth0')
  inVm('addr', 'add', '100.96.0.2/30', 'dev', 'eth0')
  inVm('link', 'set', 'eth0', 'up')
  inVm('route', 'add', 'default', 'via', '100.96.0.1')
  sh('ip', ['link', 'set', vh, 'netns', ns])
  const inGw = (...a) => sh('ip', ['netns', 'exec', ns, ...a])
  inGw('ip', 'addr', 'add', '100.96.0.1/30', 'dev', vh)
  inGw('ip', 'link', 'set', vh, 'up')
  inGw('ip', 'link', 'set', 'lo', 'up')
  inGw('iptables', '-t', 'nat', '-A', 'PREROUTING', '-i', vh, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', String(GATEWAY_LISTEN_PORT))
  const policyFile = path.join(logDir, 'policy.json')
  fs.writeFileSync(policyFile, JSON.stringify(bootPolicy(rec)))
  const sock = path.join(logDir, 'dialer.sock')
  for (const f of [`${sock}.ready`, path.join(logDir, 'gateway.ready')]) fs.rmSync(f, { force: true })
  const detached = (cmd, args) => {
    const p = spawn(cmd, args, { detached: true, stdio: 'ignore' })
    p.unref()
    return p.pid
  }
  const dialer = detached(process.execPath, [GATEWAY_JS, 'dialer', sock, String(vmPid)])
  const gateway = detached('ip', [
    'netns',
    'exec',
    ns,
    process.execPath,
    GATEWAY_JS,
    'gateway',
    policyFile,
    sock,
    String(GATEWAY_LISTEN_PORT),
    String(vmPid),
    logDir
  ])
  rec.helpers = [dialer, gateway]
  if (!waitFor(`${sock}.ready`, 10_000) || !waitFor(path.join(logDir, 'gateway.ready'), 10_000)) throw new Error('the gateway did not come up')
}

const [cmd, sub, ...args] = process.argv.slice(2)
fs.appendFileSync(path.join(stateDir, 'calls.jsonl'), `${JSON.stringify(process.argv.slice(2))}\n`)
if (cmd === '--version' || cmd === '-V') {
  console.log(`smolvm ${VERSION}`) // main.rs:18 clap #[command(version)]
  process.exit(0)
}
if (cmd !== 'machine' && cmd !== 'vm') usageError('', `unrecognized subcommand '${cmd ?? ''}'`)
const subcommand = { rm: 'delete', list: 'ls' }[sub] ?? sub
if (SPEC[subcommand] && (args.includes('--help') || args.includes('-h'))) {
  process.stdout.write(help(subcommand))
  process.exit(0)
}

switch (subcommand) {
  case 'create': {
    const { flags, rest } = parse('create', args)
    const name = flags['--name'] ?? 'default'
    if (load(name)) die(`config operation failed: create machine: machine '${name}' already exists or is being created`) // vm_common.rs:535
    const badName = vmNameProblem(name) // vm_common.rs:586 build_vm_record → data/mod.rs:58-100 validate_vm_name
    if (badName) die(`config operation failed: create machine: ${badName}`)
    if (flags['--from']) die('packs (--from) are not modelled by this double')
    const image = flags['--image'] ?? die('a machine without --image (bare VM) is not modelled by this double')
    for (const [f, max] of [
      ['--cpus', 255],
      ['--mem', 4294967295]
    ]) {
      if (flags[f] !== undefined && !(/^\d+$/.test(flags[f]) && Number(flags[f]) <= max))
        usageError('create', `invalid value '${flags[f]}' for '${f} <${SPEC.create[f][1]}>': invalid digit found in string`)
    }
    const mounts = (flags['--volume'] ?? []).map(hostMount)
    const egress = egressFlags(flags)
    save({
      name,
      state: 'created',
      image: looksLocal(image) ? stageArchive(image) : image,
      mounts,
      env: flags['--env'] ?? [],
      secret_refs: secretRefs(flags), // vm_common.rs:498: env stored, secrets by reference only
      cpus: Number(flags['--cpus'] ?? 4),
      memory_mib: Number(flags['--mem'] ?? 8192),
      workdir: flags['--workdir'] ?? null,
      command: rest,
      ...egress,
      labels: Object.fromEntries((flags['--label'] ?? []).map(l => kv('--label', l))),
      init_completed: false,
      created_at: new Date().toISOString()
    })
    console.log(`Created machine: ${name}`)
    break
  }
  case 'start': {
    const { flags } = parse('start', args)
    const name = flags['--name'] ?? 'default'
    const rec = load(name) ?? die(`vm not found: ${name}`) // vm_common.rs:1286
    if (rec.state === 'running') {
      console.log(`Machine '${name}' is already running`)
      break
    }
    if (rec.backend === 'tsi') die('TSI networking (--net without an egress flag) is not modelled by this double')
    const policy = bootPolicy(rec)
    // vm_common.rs:1500-1522: a registry image is pulled INSIDE the guest at first start, under the
    // VM's egress policy; only an --allow-host list gets the registry hosts added (launcher.rs:373-391).
    let image
    if (rec.image.startsWith('local:')) {
      // first start flattens the staged archive in the guest with `crane export - -` (smolvm-agent/src/storage.rs:1180-1280;
      // the double: docker load). crane takes a tarball of exactly one image (go-containerregistry tarball.Image):
      // refuse what docker load would take and crane would not, with crane's words in smolvm's wrapping (storage.rs:1271-1279)
      const staged = stagedArchive(rec.image.slice(6))
      const craneFailed = why => die(`agent operation failed: import image: crane export failed: ${why} (is the image a valid \`docker save\` / OCI archive?)`)
      const listed = spawnSync('tar', ['-x', '-O', '-f', staged, 'manifest.json'], { encoding: 'utf8' })
      if (listed.status !== 0) craneFailed('file manifest.json not found in tar')
      let entries
      try {
        entries = JSON.parse(listed.stdout)
      } catch {
        craneFailed('parsing manifest.json: invalid JSON')
      }
      if (!Array.isArray(entries) || entries.length !== 1) craneFailed('tarball must contain only a single image to be used with tarball.Image')
      const loaded = docker(['load', '--input', staged])
      if (loaded.status !== 0) die(`agent operation failed: import image: ${loaded.stderr.trim()}`)
      image = /Loaded image(?: ID)?: (\S+)/.exec(loaded.stdout)?.[1] ?? die('agent operation failed: import image: the archive holds no image')
    } else {
      process.stderr.write(`Pulling ${rec.image}...\n`)
      const registryReachable = rec.allowCidrs === null || rec.allowHosts !== null
      if (!registryReachable || policy.floor === 'strict') {
        const logDir = path.join(stateDir, `${rec.name}.vm`)
        fs.mkdirSync(logDir, { recursive: true })
        fs.appendFileSync(
          path.join(logDir, 'egress-denials.log'),
          `${new Date().toISOString()} egress policy denied connect to ${rec.image.split('/')[0]}:443 (image pull)\n`
        )
        die(`agent operation failed: pull image: ${rec.image}: connection to the registry refused by the machine's egress policy`)
      }
      if (docker(['image', 'inspect', rec.image]).status !== 0)
        die(`agent operation failed: pull image: ${rec.image}: the double has no network: the runner's docker must hold the image`)
      image = rec.image
    }
    docker(['rm', '-f', container(rec.name)])
    const run = docker([
      'run',
      '-d',
      '--name',
      container(rec.name),
      '--network',
      'none',
      '--cap-add',
      'ALL',
      ...capsBeyondHost.flatMap(c => ['--cap-drop', c]),
      '--label',
      'smolvm-double=1',
      `--cpus=${Math.min(rec.cpus, os.cpus().length)}`,
      `--memory=${rec.memory_mib}m`,
      // launcher.rs:1646-1686: `:ro` is enforced host-side by the virtiofs device; here, a read-only bind mount
      ...rec.mounts.flatMap(m => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]),
      '--entrypoint',
      'sh',
      image,
      '-c',
      'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'
    ]) // stands in for smolvm-agent
    if (run.status !== 0) {
      rec.state = 'failed'
      save(rec)
      die(`agent operation failed: boot: ${run.stderr.trim()}`)
    }
    rec.pid = Number(docker(['inspect', '-f', '{{.State.Pid}}', container(rec.name)]).stdout.trim())
    try {
      wire(rec, rec.pid)
      docker(['exec', container(rec.name), 'sh', '-c', 'echo "nameserver 100.96.0.1" > /etc/resolv.conf']) // lib.rs:181 dns_server
    } catch (err) {
      stopVm(rec)
      save(rec)
      die(`agent operation failed: configure virtio-net: ${err.message}`)
    }
    rec.state = 'running'
    rec.init_completed = true
    save(rec)
    // workload.rs:53-109: the machine's command, else the image's ENTRYPOINT+CMD, runs detached with the
    // create-time env (+ resolved secrets) as the image's USER; a launch failure stops the VM and fails start.
    const config = JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', image]).stdout || '{}')
    const workload = rec.command.length ? rec.command : [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]
    // vm_common.rs:1497: the secrets are resolved at every start, workload or not (a bad one fails start;
    // the double stops its VM first so nothing is left running)
    let startEnv
    try {
      startEnv = resolvedEnv(rec, true)
    } catch (err) {
      stopVm(rec)
      save(rec)
      die(err.message)
    }
    if (workload.length) {
      const ee = execEnv(startEnv)
      const launch = docker(['exec', '-d', ...ee.flags, ...(rec.workdir ? ['-w', rec.workdir] : []), container(rec.name), ...workload], { env: ee.env })
      if (launch.status !== 0) {
        stopVm(rec)
        save(rec)
        die(`agent operation failed: start background CMD: ${launch.stderr.trim()}`)
      }
    }
    console.log(`Machine '${rec.name}' running (PID: ${rec.pid})`) // vm_common.rs:1655
    break
  }
  case 'exec': {
    const { flags, rest } = parse('exec', args)
    if (rest.length === 0) usageError('exec', 'the following required arguments were not provided:\n  <COMMAND>...')
    const name = flags['--name'] ?? 'default'
    const rec = load(name)
    // vm_common.rs:99-119: a missing machine and a stopped one are told apart
    if (!rec) die(`agent operation failed: connect: machine '${name}' not found`)
    if (rec.state !== 'running') die(`agent operation failed: connect: machine '${name}' is not running. Use 'smolvm machine start --name ${name}' first.`)
    // machine.rs:2708-2745: image ENV (docker's own), then record env + secrets, then --env and exec secrets
    const env = [...resolvedEnv(rec), ...resolvedEnv({ env: flags['--env'] ?? [], secret_refs: secretRefs(flags) })]
    const ee = execEnv(env)
    // vm_common.rs:349: as the image's USER (docker exec's default: the image's Config.User)
    const streamed = Boolean(flags['--stream'] || flags['--interactive'])
    const pidFile = `/tmp/.smolvm-double-exec-${process.pid}.pid`
    const child = spawn(
      DOCKER_CLI,
      [
        'exec',
        ...(flags['--interactive'] ? ['-i'] : []),
        ...ee.flags,
        ...((flags['--workdir'] ?? rec.workdir) ? ['-w', flags['--workdir'] ?? rec.workdir] : []),
        container(rec.name),
        // the buffered path records the command's pid, as the agent's exec_pid_file does, to kill it at the deadline
        ...(streamed ? rest : ['sh', '-c', '{ echo $$ > "$0"; } 2>/dev/null; exec "$@"', pidFile, ...rest])
      ],
      { stdio: [flags['--interactive'] ? 'inherit' : 'ignore', 'pipe', 'pipe'], env: ee.env }
    )
    // without --stream, smolvm buffers all stdout, then all stderr, until the command ends (machine.rs:2787-2795)
    const out = []
    const err = []
    child.stdout.on('data', c => (flags['--stream'] ? process.stdout.write(c) : out.push(c)))
    child.stderr.on('data', c => (flags['--stream'] ? process.stderr.write(c) : err.push(c)))
    let timedOut = false
    const timeout = flags['--timeout'] ? duration(flags['--timeout']) : undefined
    const timer = timeout
      ? setTimeout(() => {
          timedOut = true
          // --stream / -i (smolvm-agent/src/main.rs:4656-4668): the agent kills its `crun exec` child only and
          // returns 124 with nothing said; the command itself runs on in the machine. Killing the docker exec
          // client is the same here: the process in the container is not signalled.
          // Buffered (main.rs:5636-5660): the workload is killed (exec_pid_file.kill_workload) and
          // "\ncommand timed out after <ms>ms" is added to its stderr.
          if (!streamed) {
            docker(['exec', container(rec.name), 'sh', '-c', 'kill -KILL "$(cat "$0")"', pidFile])
            err.push(Buffer.from(`\ncommand timed out after ${timeout}ms`))
          }
          child.kill('SIGKILL')
        }, timeout)
      : undefined
    child.on('close', code => {
      if (timer) clearTimeout(timer)
      // smolvm writes its output before it exits: node's writes to a pipe are asynchronous, so exit once they are flushed
      process.stdout.write(
        Buffer.concat(out),
        () => process.stderr.write(Buffer.concat(err), () => process.exit(timedOut ? 124 : (code ?? 1))) // smolvm-agent/src/process.rs:64 TIMEOUT_EXIT_CODE
      )
    })
    break
  }
  case 'cp': {
    const { flags, rest } = parse('cp', args)
    if (rest.length !== 2) usageError('cp', 'cp takes SRC and DST, one of them machine:path')
    const [src, dst] = rest
    const m = /^([^:/]+):(.+)$/.exec(dst) ?? die('only uploads (SRC machine:DST) are modelled by this double')
    const rec = load(m[1]) ?? die(`vm not found: ${m[1]}`)
    if (rec.state !== 'running')
      die(`agent operation failed: connect: machine '${rec.name}' is not running. Use 'smolvm machine start --name ${rec.name}' first.`)
    const r = docker(['cp', src, `${container(rec.name)}:${m[2]}`])
    if (r.status !== 0) die(r.stderr.trim())
    if (flags['--uid'] || flags['--gid']) docker(['exec', container(rec.name), 'chown', `${flags['--uid'] ?? 0}:${flags['--gid'] ?? 0}`, m[2]])
    if (flags['--mode']) docker(['exec', container(rec.name), 'chmod', flags['--mode'], m[2]])
    break
  }
  case 'ls': {
    const { flags } = parse('ls', args)
    const recs = fs
      .readdirSync(stateDir)
      .filter(f => f.endsWith('.json'))
      .map(f => JSON.parse(fs.readFileSync(path.join(stateDir, f), 'utf8')))
    if (flags['--json']) console.log(JSON.stringify(recs.map(statusJson), null, 2))
    else for (const r of recs) console.log(`${r.name}\t${r.state}\t${r.image}`)
    break
  }
  case 'status': {
    const { flags } = parse('status', args)
    const name = flags['--name'] ?? 'default'
    const rec = load(name) ?? die(`vm not found: ${name}`)
    console.log(flags['--json'] ? JSON.stringify(statusJson(rec), null, 2) : `${rec.name}: ${rec.state}`)
    break
  }
  case 'stop': {
    const { flags } = parse('stop', args)
    const name = flags['--name'] ?? 'default'
    const rec = load(name) ?? die(`vm not found: ${name}`)
    stopVm(rec)
    save(rec)
    console.log(`Stopped machine: ${rec.name}`)
    break
  }
  case 'delete': {
    const { flags } = parse('delete', args)
    if (!flags['--name']) usageError('delete', 'the following required arguments were not provided:\n  --name <NAME>') // DeleteCmd.name: String
    const rec = load(flags['--name']) ?? die(`vm not found: ${flags['--name']}`) // vm_common.rs:2268
    if (!flags['--force'] && !flags['--cascade']) {
      // vm_common.rs:2350-2362: the prompt goes to stderr; anything but y/yes, or no stdin, is "Cancelled", exit 0
      process.stderr.write(`Delete machine '${rec.name}'? [y/N] `)
      let answer = ''
      try {
        answer = fs.readFileSync(0, 'utf8').split('\n')[0]
      } catch {
        answer = ''
      }
      if (!['y', 'yes'].includes(answer.trim().toLowerCase())) {
        console.log('Cancelled')
        process.exit(0)
      }
    }
    stopVm(rec)
    fs.rmSync(recordPath(rec.name))
    fs.rmSync(path.join(stateDir, `${rec.name}.vm`, 'dialer.sock'), { force: true }) // its logs stay, for tests to read
    console.log(`Deleted machine: ${rec.name}`)
    break
  }
  default:
    usageError('', `unrecognized subcommand '${sub ?? ''}'`)
}

/** parsers.rs:10-16: humantime durations, zero refused. */
/** src/data/mod.rs:49-100 validate_vm_name: 1-128 bytes, [A-Za-z0-9_-], a letter or digit first, no trailing or doubled hyphen. */
function vmNameProblem(name, label = 'machine name') {
  if (name === '') return `${label} cannot be empty`
  if (Buffer.byteLength(name) > 128) return `${label} too long: ${Buffer.byteLength(name)} characters (max 128)`
  if (!/^[A-Za-z0-9]/.test(name)) return `${label} must start with a letter or digit (got: ${JSON.stringify(name)})`
  if (name.endsWith('-')) return `${label} cannot end with a hyphen (got: ${JSON.stringify(name)})`
  let prevHyphen = false
  for (const c of name) {
    if (c === '-') {
      if (prevHyphen) return `${label} cannot contain consecutive hyphens`
      prevHyphen = true
    } else prevHyphen = false
    if (!/[A-Za-z0-9_-]/.test(c)) return c === '/' || c === '\\' ? `${label} cannot contain path separators` : `${label} contains invalid character: '${c}'`
  }
  return undefined
}

function duration(s) {
  const m = /^(\d+)\s*(ms|s|sec|m|min|h)$/.exec(s ?? '') // humantime needs a unit
  if (!m) usageError('exec', `invalid value '${s}' for '--timeout <DURATION>'`)
  const ms = Number(m[1]) * { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2]]
  if (ms === 0) usageError('exec', `invalid value '${s}' for '--timeout <DURATION>': timeout must be greater than 0 (e.g., 5sec, 30s)`)
  return ms
}
