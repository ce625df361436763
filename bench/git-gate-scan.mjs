// The git gate's content rules on a large push: the same commit (N MiB of new source-like text
// in 200 files, plus one of random bytes) pushed by real git straight to the upstream (real
// `git http-backend` on loopback) and through the gate with its content rules (default protected
// paths, the redactor's detectors with one run secret), side by side. The gate's own figures
// come from git.jsonl: bytes of new objects scanned and the time the content check took.
// Usage: npm run build && node bench/git-gate-scan.mjs [MiB]   (default 90: under the 100 MiB default limit)
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitGate } from '../lib/gitgate/git-gate.js'
import { parsePushPolicy } from '../lib/config/git-policy.js'
import { Redactor } from '../lib/transcript/redact.js'
import { startSeededGitHttpDouble } from '../test/harness/git-http-double.mjs'

const MIB = Number(process.argv[2] ?? 90)
const TOKEN = 'ghs_benchGateTokenJJJJJJJJJJJJJJJJJJJJJJJJ9'
const KEY = 'sk-ant-api03-bench-gate-0123456789abcdefghij'
const SECRET = 'bench0123456789abcdef0123456789'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-gate-bench-'))
const env = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: dir,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@x',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@x'
}
// async: the double and the gate serve from this process
const git = (cwd, ...args) =>
  new Promise((resolve, reject) => {
    const p = spawn('git', ['-C', cwd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    p.stderr.on('data', c => (err += c))
    p.on('close', code => (code === 0 ? resolve() : reject(new Error(`git ${args[0]}: ${err}`))))
  })

const double = await startSeededGitHttpDouble({ dir, token: TOKEN })
// a second upstream repository, the same as the first, for the direct push
execFileSync('git', ['clone', '-q', '--bare', path.join(dir, 'srv', 'acme', 'widgets.git'), path.join(dir, 'srv', 'acme', 'direct.git')])
const gate = await startGitGate({
  secret: SECRET,
  upstream: new URL(`${double.url}/acme/widgets.git`),
  authHeader: { name: 'authorization', value: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}` },
  policy: parsePushPolicy('bench/**', 'false'),
  bindHost: '127.0.0.1',
  logFile: path.join(dir, 'git.jsonl'),
  scratchDir: path.join(dir, 'scratch'),
  redactor: new Redactor([KEY])
})
const clone = path.join(dir, 'clone')
await git(dir, 'clone', '-q', `http://127.0.0.1:${gate.port}${gate.guestPath}`, clone)
await git(clone, 'config', `http.${double.url}/.extraheader`, `AUTHORIZATION: basic ${double.basic}`)

// source-like text: varied lines (so it does not compress to nothing), 200 files
const FILES = 200
const perFile = Math.floor(((MIB - 8) * 1024 * 1024) / FILES)
for (let f = 0; f < FILES; f++) {
  const lines = []
  for (let size = 0, i = 0; size < perFile; i++) {
    const line = `  const value_${f}_${i} = compute(${i}, "${crypto.randomBytes(12).toString('base64')}") // step ${i} of file ${f}`
    lines.push(line)
    size += line.length + 1
  }
  fs.mkdirSync(path.join(clone, 'src', `m${f % 20}`), { recursive: true })
  fs.writeFileSync(path.join(clone, 'src', `m${f % 20}`, `f${f}.ts`), `${lines.join('\n')}\n`)
}
fs.writeFileSync(path.join(clone, 'assets.bin'), crypto.randomBytes(8 * 1024 * 1024))
await git(clone, 'add', '-A')
await git(clone, 'commit', '-qm', 'large')
const raw = Number(execFileSync('git', ['-C', clone, 'cat-file', '-s', 'HEAD:assets.bin'])) + FILES * perFile

const time = async fn => {
  const t = performance.now()
  await fn()
  return (performance.now() - t) / 1000
}
const direct = await time(() => git(clone, 'push', '-q', `${double.url}/acme/direct.git`, 'HEAD:refs/heads/bench/direct'))
const gated = await time(() => git(clone, 'push', '-q', 'origin', 'HEAD:refs/heads/bench/gated'))
await gate.close()
await double.close()
const d = fs
  .readFileSync(path.join(dir, 'git.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map(l => JSON.parse(l))
  .find(x => x.ref === 'refs/heads/bench/gated')
fs.rmSync(dir, { recursive: true, force: true })
if (d?.decision !== 'pushed') throw new Error(`the gated push was not pushed: ${JSON.stringify(d)}`)
const mib = n => n / 1024 / 1024
console.log(`new content: ${mib(raw).toFixed(0)} MiB; pack on the wire: ${mib(d.bytes_up).toFixed(0)} MiB`)
console.log(`push straight to the upstream   ${direct.toFixed(1)} s`)
console.log(`push through the gate           ${gated.toFixed(1)} s  (${(gated / direct).toFixed(2)}x)`)
console.log(
  `  content check after indexing (rev-list, diff-tree, scan): ${(d.scan_ms / 1000).toFixed(1)} s for ${mib(d.scanned_bytes).toFixed(0)} MiB = ${(mib(d.scanned_bytes) / (d.scan_ms / 1000)).toFixed(0)} MiB/s`
)
