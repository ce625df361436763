// What the workspace .git guard adds to every run: snapshot before and restore after, on a
// checkout of N files (a node_modules-like tree, ignored), side by side with git's own walk of
// the same tree (`git status --ignored --untracked-files=all`, which also visits ignored files).
// Usage: npm run build && node bench/git-guard.mjs [files]   (default 200000)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { restoreWorkspaceGit, snapshotWorkspaceGit } from '../lib/bottle/git-guard.js'

const FILES = Number(process.argv[2] ?? 200_000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-guard-bench-'))
const ws = path.join(dir, 'ws')
const PER_DIR = 500
for (let d = 0; d < Math.ceil(FILES / PER_DIR); d++) {
  const sub = path.join(ws, 'node_modules', `p${d}`, 'lib')
  fs.mkdirSync(sub, { recursive: true })
  for (let f = 0; f < PER_DIR && d * PER_DIR + f < FILES; f++) fs.writeFileSync(path.join(sub, `f${f}.js`), '')
}
execFileSync('git', ['init', '-q', ws])
fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules/\n')

const time = fn => {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}
const rows = []
for (let i = 0; i < 5; i++) {
  let ref
  const snapshot = time(() => (ref = snapshotWorkspaceGit(ws, path.join(dir, `snap-${i}`))))
  const restore = time(() => restoreWorkspaceGit(ref))
  const status = time(() => execFileSync('git', ['-C', ws, 'status', '--porcelain', '--ignored', '--untracked-files=all'], { stdio: 'ignore' }))
  rows.push({ snapshot, restore, status })
}
const median = k => rows.map(r => r[k]).sort((a, b) => a - b)[2]
const [s, r, g] = [median('snapshot'), median('restore'), median('status')]
console.log(
  `files ${FILES}: snapshot ${s.toFixed(0)} ms, restore ${r.toFixed(0)} ms, git's walk ${g.toFixed(0)} ms; guard (both) / git's walk = ${((s + r) / g).toFixed(2)}x (median of 5)`
)
fs.rmSync(dir, { recursive: true, force: true })
