// Wall time of one bottle run (the built action, main + post, docker backend, warm tool
// cache) against bare `claude -p` on the host, on the same scripted 3-turn scenario.
// Runs both side by side, alternating, N times each, and prints medians and the ratio.
// Usage: npm run build && node bench/e2e-vs-bare.mjs [N]   (needs the test harness: see README)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bareClaude } from './bare-claude.mjs'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage, GUEST_IMAGE, RELAY_IMAGE } from '../test/harness/paths.mjs'
import { runAction } from '../test/harness/run-action.mjs'

const N = Number(process.argv[2] ?? 5)
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
for (const s of ['dockerd.sh', 'guest-image.sh', 'relay-image.sh', 'claude-package.sh']) execFileSync('bash', [path.join(root, 'test', 'harness', s)], { stdio: 'inherit' })

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-'))
const toolCache = path.join(work, 'tool-cache')
const KEY = 'sk-ant-bench-key'
const scenario = ws => ({
  turns: [
    { tool_use: { name: 'Write', input: { file_path: path.join(ws, 'a.txt'), content: 'a\n' } } },
    { tool_use: { name: 'Bash', input: { command: 'cat a.txt', description: 'read' } } },
    { text: 'done' }
  ]
})
const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })

let n = 0
function workspace() {
  const ws = path.join(work, `ws-${++n}`)
  fs.mkdirSync(ws)
  execFileSync('chown', ['1001:1001', ws])
  return ws
}

async function bottleRun() {
  const ws = workspace()
  const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
  const t0 = performance.now()
  const r = await runAction({
    inputs: { prompt: 'go', 'anthropic-api-key': KEY, 'anthropic-base-url': api.url, 'npm-registry': registry.url, backend: 'docker', image: GUEST_IMAGE, 'relay-image': RELAY_IMAGE, workspace: ws },
    runnerTemp: path.join(work, 'rt'),
    toolCache
  })
  const ms = performance.now() - t0
  await api.close()
  if (r.outputs.conclusion !== 'success') throw new Error(`bottle run failed: ${r.main.stdout}`)
  return ms
}

async function bareRun(binary) {
  const ws = workspace()
  const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
  const ms = await bareClaude(binary, ws, api.url, KEY, work)
  await api.close()
  return ms
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
await bottleRun() // warm-up: fills the tool cache (one download, integrity check, extract)
const binary = path.join(toolCache, 'claude-code', claudePackage().version, 'linux-x64', 'claude')
await bareRun(binary)
const bottle = []
const bare = []
for (let i = 0; i < N; i++) {
  bare.push(await bareRun(binary))
  bottle.push(await bottleRun())
}
await registry.close()
fs.rmSync(work, { recursive: true, force: true })
const fmt = ms => `${(ms / 1000).toFixed(2)} s`
console.log(`runs: ${N} each, alternating, warm tool cache, 3-turn scripted scenario`)
console.log(`bare claude -p (host):                 median ${fmt(median(bare))}  [${bare.map(fmt).join(', ')}]`)
console.log(`bot-bottle main+post (docker backend): median ${fmt(median(bottle))}  [${bottle.map(fmt).join(', ')}]`)
console.log(`ratio bottle / bare: ${(median(bottle) / median(bare)).toFixed(2)}x, overhead ${fmt(median(bottle) - median(bare))}`)
