// What the workspace copy costs a whole run (issue 24), as a user sees it: the built action (main
// + post, docker backend) on the same scripted 2-turn task with an empty checkout and with the
// 10,000-file / 200 MB committed tree, alternating, the tool cache warm (claude cached). In a
// run the copy goes in beside claude's own provisioning and the door runs after claude; the
// difference of the two wall times is what the tree's copy in and door out add to the run.
// Usage: npm run build && node bench/workspace-in-run.mjs [rounds]   (default 3)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { claudePackage } from '../test/harness/paths.mjs'
import { actionRunner, fmt, harness, median } from './action-run.mjs'
import { makeWorkTree } from './work-tree.mjs'

const ROUNDS = Number(process.argv[2] ?? 3)
harness(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-ws-in-run-'))
fs.chmodSync(work, 0o755)
const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })
const { run } = actionRunner(work, registry.url)
const toolCache = path.join(work, 'tool-cache')
const owner = { uid: 1001, gid: 1001 }
const tree = makeWorkTree(path.join(work, 'tree'), 10_000, 20_000, true, owner)

const rows = { empty: [], tree: [] }
/** every phase's ms per kind: where the difference goes */
const phaseMs = { empty: {}, tree: {} }
try {
  await run({ toolCache }) // warms the tool cache: claude installed once
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of i % 2 ? ['tree', 'empty'] : ['empty', 'tree']) {
      const phases = {}
      const ms = await run({ toolCache, phases, ws: kind === 'tree' ? tree : undefined })
      rows[kind].push(ms)
      for (const [p, [v]] of Object.entries(phases)) (phaseMs[kind][p] ??= []).push(v)
      console.log(
        `round ${i + 1} ${kind}: ${fmt(ms)} (${Object.entries(phases)
          .map(([p, [v]]) => `${p} ${v} ms`)
          .join(', ')})`
      )
    }
  }
  console.log(`${ROUNDS} rounds, medians:`)
  const names = Object.keys(phaseMs.tree)
  const cell = (k, p) => fmt(median(phaseMs[k][p] ?? [Number.NaN]))
  console.log(`| workspace | whole run (main + post) | ${names.join(' | ')} |`)
  console.log(`|---|---|${names.map(() => '---|').join('')}`)
  for (const k of ['empty', 'tree'])
    console.log(`| ${k === 'empty' ? 'empty checkout' : '10,000 files / 200 MB'} | ${fmt(median(rows[k]))} | ${names.map(p => cell(k, p)).join(' | ')} |`)
  console.log(`extra for the tree: ${fmt(median(rows.tree) - median(rows.empty))}`)
} finally {
  await registry.close()
  fs.rmSync(work, { recursive: true, force: true })
}
