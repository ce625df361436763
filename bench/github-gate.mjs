// What the GitHub gate costs a run (issue 27): the built action (main + post, docker backend, warm
// tool cache) on the same scripted 2-turn task, on a pull_request event with a token, alternating
// `github-tools: none` (no gate) and the default tools (the gate started, claude connected to it
// over MCP; no tool called). The difference of the medians is what the gate adds to every run
// that has it by default.
// Usage: npm run build && node bench/github-gate.mjs [rounds]   (default 5)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitHubApiDouble } from '../test/harness/github-api-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage } from '../test/harness/paths.mjs'
import { actionRunner, fmt, harness, median } from './action-run.mjs'

const ROUNDS = Number(process.argv[2] ?? 5)
const TOKEN = 'ghs_benchGitHubGateTokenBBBBBBBBBBBBBBBBBBBB1'
harness(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-gh-gate-'))
fs.chmodSync(work, 0o755)
const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })
const gh = await startGitHubApiDouble({ token: TOKEN, repository: 'acme/widgets' })
const { run } = actionRunner(work, registry.url)
const toolCache = path.join(work, 'tool-cache')
const eventPath = path.join(work, 'event.json')
const sha = c => c.repeat(40)
fs.writeFileSync(
  eventPath,
  JSON.stringify({
    action: 'opened',
    pull_request: { number: 7, head: { sha: sha('b'), repo: { full_name: 'acme/widgets' } }, base: { sha: sha('a'), repo: { full_name: 'acme/widgets' } } },
    repository: { full_name: 'acme/widgets', default_branch: 'main' }
  })
)
const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'acme/widgets', GITHUB_API_URL: gh.url }
const kinds = { 'no gate': { 'github-token': TOKEN, 'github-tools': 'none' }, 'gate (default tools)': { 'github-token': TOKEN } }

const rows = {}
const phaseMs = {}
try {
  await run({ toolCache, env, inputs: kinds['no gate'] }) // warms the tool cache
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of i % 2 ? Object.keys(kinds).reverse() : Object.keys(kinds)) {
      const phases = {}
      const ms = await run({ toolCache, phases, env, inputs: kinds[kind] })
      ;(rows[kind] ??= []).push(ms)
      for (const [p, [v]] of Object.entries(phases)) ((phaseMs[kind] ??= {})[p] ??= []).push(v)
      console.log(`round ${i + 1} ${kind}: ${fmt(ms)} (daemons ${phases.daemons?.[0]} ms, claude ${phases.claude?.[0]} ms)`)
    }
  }
  console.log(`${ROUNDS} rounds, medians:`)
  console.log('| run | whole run (main + post) | daemons | claude |')
  console.log('|---|---|---|---|')
  for (const k of Object.keys(kinds)) console.log(`| ${k} | ${fmt(median(rows[k]))} | ${fmt(median(phaseMs[k].daemons))} | ${fmt(median(phaseMs[k].claude))} |`)
  console.log(`the gate adds: ${fmt(median(rows['gate (default tools)']) - median(rows['no gate']))}`)
} finally {
  await registry.close()
  await gh.close()
  fs.rmSync(work, { recursive: true, force: true })
}
