#!/usr/bin/env node
// A stateful double of the smolvm 1.9.2 CLI (`smolvm machine …`), after the argv grammar in
// shared/reference/smolvm.md. Machine records live as JSON under $SMOLVM_DOUBLE_STATE; a
// started machine is a docker container (the "VM") that `exec` runs commands in for real.
// It fails the way smolvm fails: unknown machine or flag → `Error: …` on stderr, exit 1;
// `exec` on a stopped machine → the not-running error; `--timeout` expiry → 124;
// `delete` without `--force` → prompts, and with stdin closed prints `Cancelled`, exit 0.
// The VM's network is the host's (docker --network host): the double does not model
// --outbound-localhost-only, which a real smolvm enforces. Each invocation's argv is appended
// to $SMOLVM_DOUBLE_STATE/calls.jsonl.
// Not modelled: a VM boundary at all (the "VM" is a container on the host's network and
// kernel), --outbound-localhost-only and --allow-host, virtiofs semantics of --volume (docker
// bind mounts instead), --cpus/--mem limits, the agent-rootfs and image flattening, and the
// root phase's capabilities of a real smolvm exec (docker's default set here).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const VERSION = '1.9.2'
const stateDir = process.env.SMOLVM_DOUBLE_STATE ?? path.join(process.env.HOME ?? '/tmp', '.cache', 'smolvm-double')
fs.mkdirSync(stateDir, { recursive: true })
const die = (msg, code = 1) => { process.stderr.write(`Error: ${msg}\n`); process.exit(code) }
const recordPath = name => path.join(stateDir, `${name}.json`)
const load = name => (fs.existsSync(recordPath(name)) ? JSON.parse(fs.readFileSync(recordPath(name), 'utf8')) : undefined)
const save = rec => fs.writeFileSync(recordPath(rec.name), JSON.stringify(rec, null, 2))
const container = name => `smolvm-double-${name}`
const docker = (args, opts = {}) => spawnSync('docker', args, { encoding: 'utf8', ...opts })

/** Parses flags per a spec: name → 'bool' | 'value' | 'multi'; `--` ends flags. */
function parseFlags(argv, spec, aliases = {}) {
  const flags = {}
  const rest = []
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]
    if (a === '--') { rest.push(...argv.slice(i + 1)); break }
    if (!a.startsWith('-')) { rest.push(a); continue }
    let value
    if (a.startsWith('--') && a.includes('=')) { value = a.slice(a.indexOf('=') + 1); a = a.slice(0, a.indexOf('=')) }
    a = aliases[a] ?? a
    const kind = spec[a]
    if (!kind) die(`unexpected argument '${a}' found\n\nUsage: smolvm machine <COMMAND>\n\nFor more information, try '--help'.`)
    if (kind === 'bool') { flags[a] = true; continue }
    if (value === undefined) { value = argv[++i]; if (value === undefined) die(`a value is required for '${a}' but none was supplied`) }
    if (kind === 'multi') (flags[a] ??= []).push(value)
    else flags[a] = value
  }
  return { flags, rest }
}

function statusJson(rec) {
  return {
    name: rec.name, state: rec.state, cpus: rec.cpus, memory_mib: rec.memory_mib, pid: rec.state === 'running' ? rec.pid ?? null : null,
    mounts: rec.volumes.length, ports: 0, created_at: rec.created_at, storage_gb: 20, overlay_gb: 10, image: rec.image,
    entrypoint: [], cmd: [], ephemeral: false, labels: rec.labels, network: rec.net
  }
}

const HELP = {
  create: 'Usage: smolvm machine create [OPTIONS]\n  -n, --name <NAME>\n  -I, --image <IMAGE>\n  -v, --volume <HOST:GUEST[:ro]>\n  -e, --env <K=V>\n      --cpus <N>\n      --mem <MiB>\n      --net\n      --outbound-localhost-only\n      --allow-host <HOST>\n      --label <K=V>\n',
  exec: 'Usage: smolvm machine exec [OPTIONS] --name <NAME> -- <COMMAND>...\n      --name <NAME>\n  -w, --workdir <DIR>\n  -e, --env <K=V>\n      --timeout <DURATION>\n  -i, --interactive\n  -t, --tty\n      --stream\n  -d, --detach\n'
}

function duration(s) {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s ?? '')
  if (!m) die(`invalid duration '${s}'`)
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']
}

const [cmd, sub, ...args] = process.argv.slice(2)
// every invocation, for tests that check what the action asked of smolvm
fs.appendFileSync(path.join(stateDir, 'calls.jsonl'), JSON.stringify(process.argv.slice(2)) + '\n')
if (cmd === '--version' || cmd === '-V') { console.log(`smolvm ${VERSION}`); process.exit(0) }
if (cmd !== 'machine' && cmd !== 'vm') die(`unrecognized subcommand '${cmd ?? ''}'`)
if (args.includes('--help') && HELP[sub]) { process.stdout.write(HELP[sub]); process.exit(0) }

switch (sub) {
  case 'create': {
    const { flags } = parseFlags(args, { '--name': 'value', '--image': 'value', '--volume': 'multi', '--env': 'multi', '--cpus': 'value', '--mem': 'value', '--net': 'bool', '--outbound-localhost-only': 'bool', '--allow-host': 'multi', '--label': 'multi' }, { '-n': '--name', '-I': '--image', '-v': '--volume', '-e': '--env' })
    const name = flags['--name'] ?? 'default'
    if (load(name)) die(`machine '${name}' already exists`)
    if (!flags['--image']) die('an image is required (--image)')
    if (/\.tar(\.gz)?$|\.tgz$/.test(flags['--image']) && !fs.existsSync(flags['--image'])) die(`image archive '${flags['--image']}' not found`)
    for (const v of flags['--volume'] ?? []) {
      const host = v.split(':')[0]
      if (!fs.existsSync(host) || !fs.statSync(host).isDirectory()) die(`volume source '${host}' must be an existing directory`)
    }
    save({ name, state: 'created', image: flags['--image'], volumes: flags['--volume'] ?? [], env: flags['--env'] ?? [], cpus: Number(flags['--cpus'] ?? 4), memory_mib: Number(flags['--mem'] ?? 8192), net: !!flags['--net'], labels: Object.fromEntries((flags['--label'] ?? []).map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])), created_at: new Date().toISOString() })
    console.log(`Created machine: ${name}`)
    break
  }
  case 'start': {
    const { flags } = parseFlags(args, { '--name': 'value' }, { '-n': '--name' })
    const rec = load(flags['--name'] ?? 'default') ?? die(`machine '${flags['--name']}' not found`)
    if (rec.state !== 'running') {
      docker(['rm', '-f', container(rec.name)])
      let image = rec.image
      if (/\.tar(\.gz)?$|\.tgz$/.test(image)) {
        // a local `docker save` archive: smolvm flattens it in the guest; the double loads it
        if (!fs.existsSync(image)) die(`image archive '${image}' not found`)
        const load = docker(['load', '--input', image])
        if (load.status !== 0) die(`failed to load image archive '${image}': ${load.stderr.trim()}`)
        image = /Loaded image(?: ID)?: (\S+)/.exec(load.stdout)?.[1] ?? die(`image archive '${image}' holds no image`)
      }
      const run = docker(['run', '-d', '--name', container(rec.name), '--network', 'host', '--label', 'smolvm-double=1',
        // a VM may have more vCPUs than the host has cores; docker refuses that, so cap it
        `--cpus=${Math.min(rec.cpus, os.cpus().length)}`, `--memory=${rec.memory_mib}m`,
        ...rec.volumes.flatMap(v => ['-v', v]), ...rec.env.flatMap(e => ['-e', e]),
        '--entrypoint', 'sh', image, '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'])
      if (run.status !== 0) { rec.state = 'failed'; save(rec); die(`failed to start machine '${rec.name}': ${run.stderr.trim()}`) }
      rec.state = 'running'
      rec.pid = Number(docker(['inspect', '-f', '{{.State.Pid}}', container(rec.name)]).stdout.trim())
      save(rec)
    }
    console.log(`Started machine: ${rec.name}`)
    break
  }
  case 'exec': {
    const { flags, rest } = parseFlags(args, { '--name': 'value', '--workdir': 'value', '--env': 'multi', '--timeout': 'value', '--interactive': 'bool', '--tty': 'bool', '--stream': 'bool', '--detach': 'bool' }, { '-w': '--workdir', '-e': '--env', '-i': '--interactive', '-t': '--tty', '-d': '--detach' })
    if (!flags['--name']) die("the following required arguments were not provided:\n  --name <NAME>")
    if (rest.length === 0) die("the following required arguments were not provided:\n  <COMMAND>...")
    const rec = load(flags['--name']) ?? die(`machine '${flags['--name']}' not found`)
    if (rec.state !== 'running') die(`machine '${rec.name}' is not running. Use 'smolvm machine start --name ${rec.name}' first`)
    const child = spawn('docker', ['exec', ...(flags['--interactive'] ? ['-i'] : []), ...(flags['--workdir'] ? ['-w', flags['--workdir']] : []), ...(flags['--env'] ?? []).flatMap(e => ['-e', e]), container(rec.name), ...rest], { stdio: [flags['--interactive'] ? 'inherit' : 'ignore', 'pipe', 'pipe'] })
    // without --stream, smolvm buffers all stdout, then all stderr, until the command ends
    const out = []; const err = []
    child.stdout.on('data', c => (flags['--stream'] ? process.stdout.write(c) : out.push(c)))
    child.stderr.on('data', c => (flags['--stream'] ? process.stderr.write(c) : err.push(c)))
    let timedOut = false
    const timer = flags['--timeout'] ? setTimeout(() => { timedOut = true; docker(['exec', container(rec.name), 'sh', '-c', 'kill -KILL -1']); child.kill('SIGKILL') }, duration(flags['--timeout'])) : undefined
    child.on('close', code => {
      if (timer) clearTimeout(timer)
      process.stdout.write(Buffer.concat(out)); process.stderr.write(Buffer.concat(err))
      process.exit(timedOut ? 124 : code ?? 1)
    })
    break
  }
  case 'cp': {
    const { flags, rest } = parseFlags(args, { '--mode': 'value', '--uid': 'value', '--gid': 'value' })
    if (rest.length !== 2) die('cp takes SRC and DST, one of them machine:path')
    const [src, dst] = rest
    const m = /^([^:/]+):(.+)$/.exec(dst)
    if (!m) die('only uploads (SRC machine:DST) are supported by this double')
    const rec = load(m[1]) ?? die(`machine '${m[1]}' not found`)
    if (rec.state !== 'running') die(`machine '${rec.name}' is not running. Use 'smolvm machine start --name ${rec.name}' first`)
    if (!fs.statSync(src).isFile()) die(`'${src}' is not a file (machine cp copies single files)`)
    const r = docker(['cp', src, `${container(rec.name)}:${m[2]}`])
    if (r.status !== 0) die(r.stderr.trim())
    if (flags['--uid'] || flags['--gid']) docker(['exec', container(rec.name), 'chown', `${flags['--uid'] ?? 0}:${flags['--gid'] ?? 0}`, m[2]])
    if (flags['--mode']) docker(['exec', container(rec.name), 'chmod', flags['--mode'], m[2]])
    break
  }
  case 'ls': case 'list': {
    const { flags } = parseFlags(args, { '--json': 'bool', '--verbose': 'bool' }, { '-v': '--verbose' })
    const recs = fs.readdirSync(stateDir).filter(f => f.endsWith('.json')).map(f => JSON.parse(fs.readFileSync(path.join(stateDir, f), 'utf8')))
    if (flags['--json']) console.log(JSON.stringify(recs.map(statusJson), null, 2))
    else for (const r of recs) console.log(`${r.name}\t${r.state}\t${r.image}`)
    break
  }
  case 'status': {
    const { flags } = parseFlags(args, { '--name': 'value', '--json': 'bool' }, { '-n': '--name' })
    const rec = load(flags['--name'] ?? 'default') ?? die(`machine '${flags['--name']}' not found`)
    console.log(flags['--json'] ? JSON.stringify(statusJson(rec), null, 2) : `${rec.name}: ${rec.state}`)
    break
  }
  case 'stop': {
    const { flags } = parseFlags(args, { '--name': 'value' }, { '-n': '--name' })
    const rec = load(flags['--name'] ?? 'default') ?? die(`machine '${flags['--name']}' not found`)
    docker(['rm', '-f', container(rec.name)])
    rec.state = 'stopped'; save(rec)
    console.log(`Stopped machine: ${rec.name}`)
    break
  }
  case 'delete': case 'rm': {
    const { flags } = parseFlags(args, { '--name': 'value', '--force': 'bool', '--cascade': 'bool' }, { '-n': '--name', '-f': '--force' })
    if (!flags['--name']) die("the following required arguments were not provided:\n  --name <NAME>")
    const rec = load(flags['--name']) ?? die(`machine '${flags['--name']}' not found`)
    docker(['rm', '-f', container(rec.name)]) // smolvm stops the VM before asking
    if (!flags['--force']) {
      rec.state = 'stopped'; save(rec)
      process.stdout.write(`Delete machine '${rec.name}'? [y/N] `)
      let answer = ''
      try { answer = fs.readFileSync(0, 'utf8') } catch { answer = '' }
      if (!/^y/i.test(answer.trim())) { console.log('Cancelled'); process.exit(0) }
    }
    fs.rmSync(recordPath(rec.name))
    console.log(`Deleted machine: ${rec.name}`)
    break
  }
  default:
    die(`unrecognized subcommand '${sub ?? ''}'`)
}
