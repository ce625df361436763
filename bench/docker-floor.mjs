// Bare claude vs the hand-made docker floor vs the action, side by side, on one scripted 2-turn
// task (Write, then a final text) against the loopback Messages API double, warm caches.
//   bare   = the claude binary run directly on the host
//   floor  = the same container work done by hand with the docker CLI, one command after the
//            other as a person would type them: an internal network without the host, a relay
//            container (default bridge + network connect), the bottle (`docker run -d`), `docker
//            exec` of the same claude binary (mounted from the tool cache), `docker rm -f` of both,
//            `docker network rm`. A loopback TCP forwarder on the bridge gateway stands where the
//            action's model proxy stands (one hop, no checks).
//   action = the built action, main + post, docker backend, default relay wiring, all walls on.
// Each round runs the three in that order; N rounds (default 7); medians and ratios.
// The action's per-phase medians come from phases.json in each run's state dir.
// BB_BEFORE_DIST=<a copy of an earlier dist/> adds that build as a fourth column, run in the same rounds.
// Usage: npm run build && node bench/docker-floor.mjs [N]
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { bareClaude, CLAUDE_FLAGS } from './bare-claude.mjs'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage, GUEST_IMAGE, RELAY_IMAGE } from '../test/harness/paths.mjs'
import { actionRunner, fmt, harness, KEY, median, scenario } from './action-run.mjs'

const N = Number(process.argv[2] ?? 7)
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
harness(root)
// the action's own relay program, so the floor's relay does the same work
const RELAY_SCRIPT = /RELAY_SCRIPT = `([\s\S]*?)`/.exec(fs.readFileSync(path.join(root, 'src/backend/docker/relay.ts'), 'utf8'))[1].trim()

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-floor-'))
fs.chmodSync(work, 0o755)
const toolCache = path.join(work, 'tool-cache')
const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })

const { workspace, run } = actionRunner(work, registry.url)

/** Runs a command without blocking this process (the API double must keep answering). */
function sh(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd })
    let err = ''
    child.stderr.on('data', c => {
      err += c
    })
    child.on('error', reject)
    child.on('close', code => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited ${code}: ${err}`))))
  })
}

const actionRun = (phases, dist) => run({ toolCache, phases, dist })

async function bareRun(binary) {
  const ws = workspace()
  const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
  const ms = await bareClaude(binary, ws, api.url, KEY, work)
  await api.close()
  return ms
}

/** The model proxy's place: the bridge gateway, piped to the double on loopback. */
async function forwarder(bindHost, port) {
  const server = net.createServer(c => {
    const u = net.connect(port, '127.0.0.1')
    c.pipe(u).pipe(c)
    c.on('error', () => u.destroy())
    u.on('error', () => c.destroy())
  })
  await new Promise(resolve => server.listen(0, bindHost, resolve))
  return server
}

async function floorRun(binaryDir, bridge) {
  const ws = workspace()
  const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
  const fwd = await forwarder(bridge, Number(new URL(api.url).port))
  const port = fwd.address().port
  const name = `bb-floor-${process.pid}-${path.basename(ws)}`
  const t0 = performance.now()
  await sh('docker', ['network', 'create', '--internal', '--opt', 'com.docker.network.bridge.inhibit_ipv4=true', `${name}-net`])
  await sh('docker', [
    'run',
    '--detach',
    '--name',
    `${name}-relay`,
    '--network',
    'bridge',
    '--add-host',
    'host.docker.internal:host-gateway',
    '--user',
    '65534:65534',
    '--cap-drop',
    'ALL',
    '--read-only',
    RELAY_IMAGE,
    'node',
    '-e',
    RELAY_SCRIPT,
    'host.docker.internal',
    String(port)
  ])
  await sh('docker', ['network', 'connect', '--alias', 'bot-bottle-gateway', `${name}-net`, `${name}-relay`])
  await sh('docker', [
    'run',
    '--detach',
    '--name',
    name,
    '--network',
    `${name}-net`,
    '--user',
    '1001:1001',
    '--cap-drop',
    'ALL',
    '--tmpfs',
    '/home/bottle:rw,exec,uid=1001,gid=1001,mode=0700',
    '--mount',
    `type=bind,source=${ws},target=${ws}`,
    '--mount',
    `type=bind,source=${binaryDir},target=/opt/claude,readonly`,
    '--entrypoint',
    'sh',
    GUEST_IMAGE,
    '-c',
    'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'
  ])
  await sh(
    'docker',
    [
      'exec',
      '--workdir',
      ws,
      '-e',
      'HOME=/home/bottle',
      '-e',
      'CLAUDE_CONFIG_DIR=/home/bottle/.claude',
      '-e',
      `ANTHROPIC_BASE_URL=http://bot-bottle-gateway:${port}`,
      '-e',
      `ANTHROPIC_API_KEY=${KEY}`,
      '-e',
      'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1',
      '-e',
      'DISABLE_AUTOUPDATER=1',
      name,
      '/opt/claude/claude',
      ...CLAUDE_FLAGS
    ],
    { stdout: 'pipe' }
  )
  await sh('docker', ['rm', '--force', name, `${name}-relay`])
  await sh('docker', ['network', 'rm', `${name}-net`])
  const ms = performance.now() - t0
  fwd.close()
  await api.close()
  if (!fs.existsSync(path.join(ws, 'a.txt'))) throw new Error('the floor run did not write a.txt')
  return ms
}

await actionRun() // warm-up: fills the tool cache (one download, integrity check, extract)
const binary = path.join(toolCache, 'claude-code', claudePackage().version, 'linux-x64', 'claude')
const bridge = /^[^/]+/.exec(
  execFileSync('docker', ['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', 'bridge'], { encoding: 'utf8' }).trim()
)[0]
await bareRun(binary)
await floorRun(path.dirname(binary), bridge)
const bare = []
const floor = []
const action = []
const beforeDist = process.env.BB_BEFORE_DIST
const before = []
const phases = {}
for (let i = 0; i < N; i++) {
  bare.push(await bareRun(binary))
  floor.push(await floorRun(path.dirname(binary), bridge))
  action.push(await actionRun(phases))
  if (beforeDist) before.push(await actionRun(undefined, beforeDist))
}
await registry.close()
fs.rmSync(work, { recursive: true, force: true })
console.log(`rounds: ${N} (bare, floor, action in turn), warm caches, 2-turn scripted task`)
console.log(`bare claude -p (host):             median ${fmt(median(bare))}  [${bare.map(fmt).join(', ')}]`)
console.log(`docker floor (by hand, CLI):       median ${fmt(median(floor))}  [${floor.map(fmt).join(', ')}]`)
console.log(`bot-bottle main+post (docker):     median ${fmt(median(action))}  [${action.map(fmt).join(', ')}]`)
if (beforeDist)
  console.log(
    `action, build ${beforeDist}: median ${fmt(median(before))}  [${before.map(fmt).join(', ')}]; / floor ${(median(before) / median(floor)).toFixed(2)}x, overhead ${fmt(median(before) - median(bare))}`
  )
console.log(`action / floor: ${(median(action) / median(floor)).toFixed(2)}x (${fmt(median(action) - median(floor))} above the floor)`)
console.log(
  `action / bare:  ${(median(action) / median(bare)).toFixed(2)}x, overhead ${fmt(median(action) - median(bare))}; floor / bare ${(median(floor) / median(bare)).toFixed(2)}x`
)
if (Object.keys(phases).length)
  console.log(
    `action phases (medians): ${Object.entries(phases)
      .map(([p, ms]) => `${p} ${Math.round(median(ms))} ms`)
      .join(', ')}`
  )
