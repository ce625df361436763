// Redactor throughput and peak memory on a large file, side by side with a plain copy of
// the same file through the same pipeline (the ratio is the redactor's cost).
// Usage: npm run build && node bench/redact.mjs [MiB]   (default 1024 = 1 GiB)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Redactor } from '../lib/transcript/redact.js'

const MIB = Number(process.argv[2] ?? 1024)
const file = path.join(os.tmpdir(), `bb-redact-bench-${MIB}.jsonl`)
const KEY = 'sk-ant-api03-bench0123456789abcdefghijklmnopqrstuvwxyz'
if (!fs.existsSync(file) || fs.statSync(file).size < MIB * 1024 * 1024) {
  // stream-json-like lines; every 50th carries a secret, a token shape or a base64'd key
  const lines = []
  for (let i = 0; i < 1000; i++) {
    const extra =
      i % 50 === 0 ? ` ${KEY}` : i % 50 === 17 ? ' ghp_abcdefghijklmnopqrstuvwxyz0123456789' : i % 50 === 33 ? ` ${Buffer.from(KEY).toString('base64')}` : ''
    lines.push(
      JSON.stringify({
        type: 'user',
        message: {
          content: [
            { type: 'tool_result', tool_use_id: `toolu_${i}`, content: `line ${i} of some ordinary tool output, compiler messages and file listings${extra}` }
          ]
        }
      })
    )
  }
  const block = Buffer.from(`${lines.join('\n')}\n`)
  const fd = fs.openSync(file, 'w')
  for (let written = 0; written < MIB * 1024 * 1024; written += block.length) fs.writeSync(fd, block)
  fs.closeSync(fd)
}
const size = fs.statSync(file).size

async function measure(label, transform) {
  const t0 = performance.now()
  await pipeline(fs.createReadStream(file, { highWaterMark: 64 * 1024 }), transform, fs.createWriteStream('/dev/null'))
  const s = (performance.now() - t0) / 1000
  return { label, s, mibps: size / 1024 / 1024 / s }
}

const copy = await measure('plain copy', new PassThrough())
const rssBefore = process.memoryUsage().rss
const redact = await measure('redactor', new Redactor([KEY]).stream())
const peak = process.resourceUsage().maxRSS * 1024
console.log(`input: ${(size / 1024 / 1024).toFixed(0)} MiB`)
for (const r of [copy, redact]) console.log(`${r.label.padEnd(11)} ${r.s.toFixed(1)} s  ${r.mibps.toFixed(0)} MiB/s`)
console.log(`ratio redactor / copy: ${(redact.s / copy.s).toFixed(1)}x`)
console.log(`peak RSS of the process: ${(peak / 1024 / 1024).toFixed(0)} MiB (RSS before the redactor pass: ${(rssBefore / 1024 / 1024).toFixed(0)} MiB)`)
