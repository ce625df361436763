// How soon report.html of a long run is usable in Chromium (the browser the report test uses,
// Debian's /usr/bin/chromium through playwright-core): a run of N turns (default 5,000), each a
// text, a Bash call and a 40-line output, through collectRecords as the post step makes it.
// Per load, from navigation start: the page's script done (DOMContentLoaded), first contentful
// paint, and "interactive": a click on "next" has rendered page 2 (measured in the page).
// Usage: npm run build && node bench/report-chromium.mjs [turns] [loads]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { collectRecords } from '../lib/transcript/collect.js'
import { Redactor } from '../lib/transcript/redact.js'
import { writeSyntheticStream } from './synthetic-stream.mjs'

const TURNS = Number(process.argv[2] ?? 5000)
const LOADS = Number(process.argv[3] ?? 5)
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-report-'))
writeSyntheticStream(path.join(stateDir, 'stream.jsonl'), TURNS)
const { dir } = await collectRecords(stateDir, new Redactor(['sk-ant-never-seen']), { conclusion: 'success' })
const file = path.join(dir, 'report.html')

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
})
const rows = []
for (let i = 0; i < LOADS; i++) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
  await page.goto(`file://${file}`, { waitUntil: 'domcontentloaded' })
  const m = await page.evaluate(
    () =>
      new Promise(resolve => {
        // the click is queued behind whatever the page still does on its main thread
        const nav = performance.getEntriesByType('navigation')[0]
        const info = document.getElementById('page')
        const seen = new MutationObserver(() => {
          if (!/^page 2 of/.test(info.textContent)) return
          seen.disconnect()
          const fcp = performance.getEntriesByName('first-contentful-paint')[0]
          resolve({ dcl: nav.domContentLoadedEventEnd, fcp: fcp ? fcp.startTime : NaN, interactive: performance.now() })
        })
        seen.observe(info, { childList: true, characterData: true, subtree: true })
        document.getElementById('next').click()
      })
  )
  rows.push(m)
  await page.close()
}
await browser.close()
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = v => `${Math.round(v)} ms`
console.log(`report.html: ${TURNS} turns, ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MiB; ${LOADS} loads in one chromium`)
console.log(`script done (DOMContentLoaded): median ${ms(median(rows.map(r => r.dcl)))}  [${rows.map(r => ms(r.dcl)).join(', ')}]`)
console.log(`first contentful paint:         median ${ms(median(rows.map(r => r.fcp)))}`)
console.log(`interactive (next → page 2):    median ${ms(median(rows.map(r => r.interactive)))}  [${rows.map(r => ms(r.interactive)).join(', ')}]`)
fs.rmSync(stateDir, { recursive: true, force: true })
