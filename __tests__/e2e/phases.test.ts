/**
 * Where a run's time goes, as a user sees it: one log line per phase, the table in the job
 * summary and in report.html, and phases.json in the state dir (what the benchmarks read),
 * all adding up to no more than the two steps' wall time.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { PHASES } from '../../src/transcript/phase-clock.js'
import { e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-phases-0123456789abcdef'

/** `| phase | ms | share |` rows of the summary's table, by phase. */
function summaryTable(summary: string): Map<string, number> {
  const start = summary.indexOf('**Where the time went**')
  expect(start).toBeGreaterThanOrEqual(0)
  const rows = new Map<string, number>()
  for (const line of summary.slice(start).split('\n').slice(4)) {
    const m = /^\| (.+?) \| \**(\d+)\** \|/.exec(line)
    if (!m) break
    rows.set(m[1]!.replace(/\*/g, ''), Number(m[2]))
  }
  return rows
}

describe('phase timings', () => {
  const suite = e2eSuite('e2e-phases')

  it('logs each phase, and the summary, report and phases.json add up within the steps wall time', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Write', input: { file_path: path.join(ws, 'a.txt'), content: 'a\n' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const started = performance.now()
      const { main, post, outputs, summary } = await runAction({
        inputs: { prompt: 'Write a.txt', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      const wallMs = performance.now() - started // both node processes, as the runner sees them, and this test's own spawning
      expect(outputs['conclusion']).toBe('success')

      // one line per phase: main's ten (bring back among them), then the post step's
      const logged = (text: string) => [...visibleLog(text).matchAll(/⏱ ([a-z ]+): (\d+) ms$/gm)].map(m => m[1])
      expect(logged(main.stdout).sort()).toEqual(PHASES.filter(p => p !== 'post').sort())
      expect(logged(post.stdout)).toEqual(['post'])

      // the job summary's table: every phase, their sum within the wall time, the steps' total too
      const table = summaryTable(summary)
      expect([...table.keys()].filter(k => (PHASES as readonly string[]).includes(k)).sort()).toEqual([...PHASES].sort())
      const phaseSum = PHASES.reduce((sum, p) => sum + table.get(p)!, 0)
      const total = table.get('main + post')!
      expect(phaseSum).toBeGreaterThan(0)
      expect(phaseSum).toBeLessThanOrEqual(total)
      expect(total).toBeLessThanOrEqual(wallMs)
      expect(table.get('claude')!).toBeGreaterThan(0)
      expect(table.get('bottle start')!).toBeGreaterThan(0)

      // the machine-readable copy, final (the post step's whole time)
      const tdir = outputs['transcript-dir']!
      const record = JSON.parse(fs.readFileSync(path.join(tdir, 'phases.json'), 'utf8')) as {
        phases: { phase: string; ms: number }[]
        steps: { main: number; post: number }
      }
      expect(record.phases.map(p => p.phase).sort()).toEqual([...PHASES].sort())
      expect(record.phases.reduce((s, p) => s + p.ms, 0)).toBeLessThanOrEqual(record.steps.main + record.steps.post)
      expect(record.steps.main + record.steps.post).toBeLessThanOrEqual(wallMs)
      for (const p of PHASES.filter(p => p !== 'post')) expect(record.phases.find(r => r.phase === p)!.ms).toBe(table.get(p))

      // report.html carries the same table in its data
      const html = fs.readFileSync(path.join(tdir, 'artifact', 'report.html'), 'utf8')
      expect(html).toContain('<section id="phases"><h2>Where the time went (ms)</h2></section>')
      const data = JSON.parse(/<script type="application\/json" id="data">(.*?)<\/script>/s.exec(html)![1]!) as { phases: { phases: { phase: string }[] } }
      expect(data.phases.phases.map(p => p.phase).sort()).toEqual([...PHASES].sort())
      expect(leftovers(slugOf(tdir))).toEqual([])
    } finally {
      await api.close()
    }
  })
})
