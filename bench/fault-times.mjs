// How fast a run ends when it must: a rejected key, an unreachable API, a cancellation (the
// runner's SIGINT, then SIGTERM 7.5 s later) until nothing of the run is left on the engine, and
// what reaping a SIGKILLed run's leftovers adds to the next run's start (next run with leftovers
// vs without, side by side). N rounds each, medians.
// Usage: npm run build && node bench/fault-times.mjs [N]   (needs the test harness: see README)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage, GUEST_IMAGE, RELAY_IMAGE } from '../test/harness/paths.mjs'
import { runAction } from '../test/harness/run-action.mjs'

const N = Number(process.argv[2] ?? 3)
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
for (const s of ['dockerd.sh', 'guest-image.sh', 'relay-image.sh', 'claude-package.sh'])
  execFileSync('bash', [path.join(root, 'test', 'harness', s)], { stdio: 'inherit' })

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-faults-'))
const toolCache = path.join(work, 'tool-cache')
const KEY = 'sk-ant-api03-bench-faults-0123456789'
const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })
let n = 0
function workspace() {
  const ws = path.join(work, `ws-${++n}`)
  fs.mkdirSync(ws)
  execFileSync('chown', ['1001:1001', ws])
  return ws
}
const inputs = (api, extra = {}) => ({
  prompt: 'go',
  'anthropic-api-key': KEY,
  'anthropic-base-url': api.url,
  'npm-registry': registry.url,
  backend: 'docker',
  image: GUEST_IMAGE,
  'relay-image': RELAY_IMAGE,
  workspace: workspace(),
  ...extra
})
const leftovers = slug =>
  execFileSync('sh', ['-c', `docker ps -aq --filter label=bot-bottle.run=${slug}; docker network ls -q --filter label=bot-bottle.run=${slug}`], {
    encoding: 'utf8'
  })
    .split('\n')
    .filter(Boolean)
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rt = () => path.join(work, `rt-${++n}`)
const slugIn = dir => fs.readdirSync(path.join(dir, 'bot-bottle'))[0]

/** Calls act(child) once claude's first request reached the API double. */
function midRun(api, act) {
  return child => {
    const poll = setInterval(() => {
      if (api.conversation().length > 0) {
        clearInterval(poll)
        act(child)
      }
    }, 20)
    child.once('exit', () => clearInterval(poll))
  }
}

// warm the tool cache
{
  const api = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
  await runAction({ inputs: inputs(api), runnerTemp: rt(), toolCache })
  await api.close()
}

const closedPort = await new Promise(resolve => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})

const rows = {
  'rejected key (401): main step': [],
  'unreachable API: main step': [],
  'cancel: SIGINT to engine clean': [],
  'next run start, nothing to reap': [],
  'next run start, reaping a killed run': []
}
for (let i = 0; i < N; i++) {
  {
    const api = await startAnthropicDouble({ turns: [{ text: 'never' }] }, { expectedKey: 'sk-ant-api03-another-key-0123456789' })
    const t0 = performance.now()
    const r = await runAction({ inputs: inputs(api), runnerTemp: rt(), toolCache, skipPost: true })
    rows['rejected key (401): main step'].push(performance.now() - t0)
    if (r.outputs.conclusion !== 'auth-error') throw new Error(`expected auth-error: ${r.main.stdout}`)
    await api.close()
  }
  {
    const t0 = performance.now()
    const r = await runAction({ inputs: inputs({ url: `http://127.0.0.1:${closedPort}` }), runnerTemp: rt(), toolCache, skipPost: true })
    rows['unreachable API: main step'].push(performance.now() - t0)
    if (r.outputs.conclusion !== 'api-unreachable') throw new Error(`expected api-unreachable: ${r.main.stdout}`)
  }
  {
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    const dir = rt()
    let sent = 0
    let clean = 0
    const r = await runAction({
      inputs: inputs(api),
      runnerTemp: dir,
      toolCache,
      skipPost: true,
      onMainSpawn: midRun(api, child => {
        sent = performance.now()
        const slug = slugIn(dir)
        child.kill('SIGINT')
        setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 7_500).unref()
        const poll = setInterval(() => {
          if (leftovers(slug).length === 0) {
            clean = performance.now()
            clearInterval(poll)
          }
        }, 50)
        setTimeout(() => clearInterval(poll), 30_000).unref()
      })
    })
    if (r.outputs.conclusion !== 'cancelled' || !clean) throw new Error(`cancel did not end clean: ${r.main.stdout}`)
    rows['cancel: SIGINT to engine clean'].push(clean - sent)
    await api.close()
  }
  for (const reap of [false, true]) {
    if (reap) {
      const hang = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
      await runAction({ inputs: inputs(hang), runnerTemp: rt(), toolCache, skipPost: true, onMainSpawn: midRun(hang, child => child.kill('SIGKILL')) })
      await hang.close()
    }
    const api = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    const t0 = performance.now()
    const r = await runAction({ inputs: inputs(api), runnerTemp: rt(), toolCache, skipPost: true })
    rows[`next run start, ${reap ? 'reaping a killed run' : 'nothing to reap'}`].push(performance.now() - t0)
    if (reap !== r.main.stdout.includes('Reaped what run')) throw new Error(`reaping not as expected: ${r.main.stdout}`)
    await api.close()
  }
}
await registry.close()
console.log(`\n| measure (median of ${N}) | seconds |\n|---|---|`)
for (const [k, v] of Object.entries(rows)) console.log(`| ${k} | ${(median(v) / 1000).toFixed(2)} |`)
fs.rmSync(work, { recursive: true, force: true })
