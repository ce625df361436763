// Size and time of publishing a 1,000-turn run's record (redact + report.html + zip upload to
// the loopback results-service double), the way the post step does it.
// Usage: npm run build && node bench/artifact-upload.mjs [turns]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { uploadArtifact } from '../lib/artifact/upload.js'
import { collectRecords } from '../lib/transcript/collect.js'
import { Redactor } from '../lib/transcript/redact.js'
import { writeSyntheticStream } from './synthetic-stream.mjs'
import { makeRuntimeToken, startArtifactServiceDouble } from '../test/harness/artifact-service-double.mjs'

const TURNS = Number(process.argv[2] ?? 1000)
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-artifact-'))
writeSyntheticStream(path.join(stateDir, 'stream.jsonl'), TURNS)
fs.mkdirSync(path.join(stateDir, 'claude-config', 'projects', 'p'), { recursive: true })
fs.copyFileSync(path.join(stateDir, 'stream.jsonl'), path.join(stateDir, 'claude-config', 'projects', 'p', 's.jsonl'))
fs.writeFileSync(path.join(stateDir, 'outputs.json'), '{"conclusion":"success"}')

const service = await startArtifactServiceDouble()
Object.assign(process.env, { ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(), ACTIONS_RESULTS_URL: service.url })
const t0 = performance.now()
const collected = await collectRecords(stateDir, new Redactor(['sk-ant-api03-benchbenchbenchbench']), { conclusion: 'success', prompt: 'p' })
const t1 = performance.now()
const up = await uploadArtifact(collected.files, collected.dir, { when: 'always', name: 'bench', jobSummary: false })
const t2 = performance.now()
await service.close()
const raw = collected.files.reduce((n, f) => n + fs.statSync(f).size, 0)
console.log(
  `${TURNS} turns: records ${(raw / 1024 / 1024).toFixed(1)} MiB (report.html ${(fs.statSync(path.join(collected.dir, 'report.html')).size / 1024 / 1024).toFixed(1)} MiB), zip ${(up.size / 1024 / 1024).toFixed(2)} MiB`
)
console.log(`redact + report: ${(t1 - t0).toFixed(0)} ms, upload: ${(t2 - t1).toFixed(0)} ms`)
fs.rmSync(stateDir, { recursive: true, force: true })
