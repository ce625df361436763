// Mutation testing of the security modules: `npm run mutate [module…] [-- --concurrency 2] [--force]`.
// Runs StrykerJS (stryker.config.mjs) once per module, then prints each module's score and
// every mutant that survived, with its line, so it can be killed or listed as equivalent.
// Exits 1 when a module scores under GOAL. Reports: .tmp/mutation/<module>.html and .json.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { DEFAULT_MODULES, MODULES } from '../stryker.config.mjs'

const GOAL = 90

function parseArgs(argv) {
  const names = []
  let concurrency = 1
  let force = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--force') force = true
    else if (a === '--concurrency') concurrency = Number(argv[++i])
    else if (a.startsWith('--concurrency=')) concurrency = Number(a.slice('--concurrency='.length))
    else if (a.startsWith('-')) throw new Error(`mutate: unknown option ${a} (--concurrency N, --force)`)
    else names.push(a)
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 2) {
    throw new Error('mutate: --concurrency must be 1 or 2 (the machine is shared)')
  }
  for (const n of names) if (!MODULES[n]) throw new Error(`mutate: no module '${n}' (known: ${Object.keys(MODULES).join(', ')})`)
  return { names: names.length ? names : DEFAULT_MODULES, concurrency, force }
}

/** Counts by status and the survivors of one module's JSON report. */
function summarise(name) {
  const report = JSON.parse(fs.readFileSync(path.join('.tmp', 'mutation', `${name}.json`), 'utf8'))
  const file = report.files[MODULES[name].file]
  const source = file.source.split('\n')
  const count = {}
  for (const m of file.mutants) count[m.status] = (count[m.status] ?? 0) + 1
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0)
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0)
  const survivors = file.mutants
    .filter(m => m.status === 'Survived' || m.status === 'NoCoverage')
    .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)
    .map(m => {
      const { start, end } = m.location
      const original =
        start.line === end.line ? source[start.line - 1].slice(start.column - 1, end.column - 1) : `${source[start.line - 1].slice(start.column - 1)}…`
      return `  ${MODULES[name].file}:${start.line}:${start.column} ${m.status} ${m.mutatorName}: ${clip(original)} -> ${clip(m.replacement ?? '')}`
    })
  return { name, count, score: valid ? (100 * detected) / valid : 100, survivors }
}

const clip = s => {
  const one = s.replace(/\s+/g, ' ')
  return one.length > 100 ? `${one.slice(0, 97)}...` : one
}

const { names, concurrency, force } = parseArgs(process.argv.slice(2))
const results = []
for (const name of names) {
  console.log(`\n=== mutate ${name} (${MODULES[name].file}) ===`)
  const args = ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', 'stryker.config.mjs', ...(force ? ['--force'] : [])]
  const run = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, MUTATE_MODULE: name, MUTATE_CONCURRENCY: String(concurrency) } })
  if (run.status !== 0) {
    console.error(`mutate: stryker failed on ${name} (exit ${run.status ?? run.signal})`)
    process.exit(1)
  }
  results.push(summarise(name))
}

console.log('\nmodule            killed timeout survived no-cover compile-err  score')
for (const r of results) {
  const c = r.count
  const cols = [c.Killed, c.Timeout, c.Survived, c.NoCoverage, c.CompileError].map(n => String(n ?? 0).padStart(8))
  console.log(`${r.name.padEnd(16)}${cols.join('')}  ${r.score.toFixed(1).padStart(5)}%`)
}
for (const r of results.filter(r => r.survivors.length)) console.log(`\nsurvivors in ${r.name}:\n${r.survivors.join('\n')}`)
const low = results.filter(r => r.score < GOAL)
if (low.length) {
  console.error(`\nmutate: under ${GOAL}%: ${low.map(r => `${r.name} ${r.score.toFixed(1)}%`).join(', ')}`)
  process.exit(1)
}
