// A cold runner: nothing in the tool cache, the claude package (186 MB for linux-x64 2.1.332)
// fetched from the npm registry double paced to MIB_PER_S (default 50 MiB/s, a fast runner's
// network). Per round, side by side: the installer alone into an empty cache (download,
// integrity check, extract: the longest download), the action (main + post) with an empty tool
// cache, and, with BB_BEFORE_DIST=<an earlier dist/>, that build the same way.
// The images stay on the engine: there is no registry here to pull them from (see docs/benchmarks.md).
// Usage: npm run build && node bench/cold-start.mjs [rounds] [MiB/s]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { installClaude } from '../lib/install/claude.js'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage } from '../test/harness/paths.mjs'
import { actionRunner, fmt, harness, median } from './action-run.mjs'

const ROUNDS = Number(process.argv[2] ?? 3)
const RATE = Number(process.argv[3] ?? 50)
harness(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cold-'))
fs.chmodSync(work, 0o755)
const pkg = claudePackage()
const registry = await startNpmRegistryDouble({ packages: [pkg], bytesPerSecond: RATE * 1024 * 1024 })
const { run } = actionRunner(work, registry.url)
const beforeDist = process.env.BB_BEFORE_DIST
let caches = 0
/** An empty tool cache, removed after `act` (each holds ~200 MB once filled). */
async function withEmptyCache(act) {
  const toolCache = path.join(work, `tc-${++caches}`)
  try {
    return await act(toolCache)
  } finally {
    fs.rmSync(toolCache, { recursive: true, force: true })
  }
}

const alone = []
const after = []
const before = []
let progress = []
for (let i = 0; i < ROUNDS; i++) {
  alone.push(
    await withEmptyCache(async toolCache => {
      Object.assign(process.env, { RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: path.join(work, 'rt-install') })
      fs.mkdirSync(process.env.RUNNER_TEMP, { recursive: true })
      const t0 = performance.now()
      await installClaude(registry.url, pkg.version, 'linux-x64')
      return performance.now() - t0
    })
  )
  after.push(await withEmptyCache(toolCache => run({ toolCache, log: out => (progress = out.split('\n').filter(l => /Downloading|Pulling|Pulled/.test(l))) })))
  if (beforeDist) before.push(await withEmptyCache(toolCache => run({ toolCache, dist: beforeDist })))
}
await registry.close()
fs.rmSync(work, { recursive: true, force: true })
console.log(`cold rounds: ${ROUNDS}, claude package ${(fs.statSync(pkg.tarballPath).size / 1024 / 1024).toFixed(0)} MiB at ${RATE} MiB/s, images present`)
console.log(`installer alone (download + integrity + extract): median ${fmt(median(alone))}  [${alone.map(fmt).join(', ')}]`)
console.log(
  `action main+post, empty tool cache:             median ${fmt(median(after))}  [${after.map(fmt).join(', ')}]; above the installer alone ${fmt(median(after) - median(alone))}`
)
if (beforeDist)
  console.log(
    `action, build ${beforeDist}:  median ${fmt(median(before))}  [${before.map(fmt).join(', ')}]; above the installer alone ${fmt(median(before) - median(alone))}`
  )
console.log(`progress lines of the last run:\n  ${progress.join('\n  ')}`)
