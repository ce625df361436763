/**
 * report.html in a real headless browser (Debian's chromium): it loads with no console
 * errors and no network requests, shows the run, pages through 5,000 turns, and renders
 * hostile content as text. Also makes the screenshot the README shows.
 */
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { collectRecords } from '../../src/transcript/collect.js'
import { Redactor } from '../../src/transcript/redact.js'
import type { PhaseRecord } from '../../src/transcript/phase-clock.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, makeWorkspace, ROOT, tempDir } from './helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const SECRET = 'sk-ant-api03-reportsecret-0123456789abcdefghij'

/** A stream-json transcript of `turns` tool turns and a final answer, in claude's shapes. */
function syntheticStream(turns: number): string {
  const lines: string[] = [JSON.stringify({ type: 'system', subtype: 'init', session_id: 'sess-1', model: 'claude-test' })]
  for (let t = 1; t <= turns; t++) {
    const hostile = t === 2 ? "<script>window.__pwned=1</script><img src=x onerror='window.__pwned=2'>" : `step ${t}`
    lines.push(
      JSON.stringify({
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: `Turn ${t}: ${hostile}` },
            { type: 'tool_use', id: `tu${t}`, name: t % 3 ? 'Bash' : 'Edit', input: { command: `echo ${t}` } }
          ],
          usage: { input_tokens: 10, output_tokens: 5 }
        }
      })
    )
    lines.push(
      JSON.stringify({
        type: 'user',
        message: { content: [{ type: 'tool_result', tool_use_id: `tu${t}`, content: t === 3 ? `failed with ${SECRET}` : `out ${t}`, is_error: t === 3 }] }
      })
    )
  }
  lines.push(
    JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'All done.',
      num_turns: turns + 1,
      total_cost_usd: 1.23,
      duration_ms: 4567,
      usage: { input_tokens: 100, output_tokens: 50 }
    })
  )
  return `${lines.join('\n')}\n`
}

async function reportFor(turns: number, name: string, phases?: PhaseRecord): Promise<string> {
  const stateDir = path.join(tempDir('e2e-report'), name)
  fs.mkdirSync(stateDir, { recursive: true })
  fs.writeFileSync(path.join(stateDir, 'stream.jsonl'), syntheticStream(turns))
  fs.writeFileSync(path.join(stateDir, 'system-prompt.txt'), 'Be careful.')
  fs.writeFileSync(path.join(stateDir, 'prompt.txt'), 'Fix the parser')
  fs.writeFileSync(
    path.join(stateDir, 'egress.jsonl'),
    JSON.stringify({ time: '2026-11-25T12:00:00Z', host: 'evil.example', port: 443, method: 'CONNECT', decision: 'blocked', rule: 'not in allowed-hosts' }) +
      '\n'
  )
  const { dir } = await collectRecords(stateDir, new Redactor([SECRET]), { conclusion: 'success', phases })
  return path.join(dir, 'report.html')
}

async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error("chromium missing: run 'bash test/harness/chromium.sh' (apt-get install chromium)")
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
}

describe('report.html in chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', m => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', e => errors.push(String(e)))
    page.on('request', r => requests.push(r.url()))
    const started = Date.now()
    await page.goto(`file://${file}`)
    await page.waitForSelector('#conversation .turn')
    return { page, errors, requests, loadMs: Date.now() - started }
  }

  it('pages through a 5,000-turn run, with no console error and no request but itself', async () => {
    const file = await reportFor(5000, 'big')
    const { page, errors, requests, loadMs } = await open(file)
    expect(errors).toEqual([])
    expect(requests).toEqual([`file://${file}`])
    console.log(`report.html with 5,000 turns loaded in ${loadMs} ms`) // a measure, not a claim: the test's timeout bounds it
    expect(await page.textContent('#stats')).toContain('turns (claude): 5001') // no model proxy log here: claude's own figure, labelled
    expect(await page.textContent('#stats')).toContain('tool calls: 5000')
    expect(await page.textContent('#page')).toMatch(/^page 1 of \d+ \(\d+ entries\)$/)
    expect(await page.locator('#conversation > *').count()).toBe(200)
    await page.click('#next')
    expect(await page.textContent('#page')).toMatch(/^page 2 of/)
    expect(await page.textContent('#conversation')).toMatch(/^turn 67 tokens: 10 in \/ 5 out.*Turn 68: step 68/)
    await page.close()
  }, 120_000)

  it('renders hostile content as text, highlights errors, redacts secrets, shows egress decisions', async () => {
    const file = await reportFor(6, 'small')
    const html = fs.readFileSync(file, 'utf8')
    expect(html).not.toContain(SECRET)
    const { page, errors } = await open(file)
    expect(errors).toEqual([])
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.textContent('#conversation')).toContain('<script>window.__pwned=1</script>')
    expect(await page.locator('#conversation .error').count()).toBe(1)
    expect(await page.textContent('#conversation .error')).toContain('[REDACTED:secret]')
    expect(await page.textContent('#egress')).toContain('evil.example')
    expect(await page.locator('#egress tr.blocked').count()).toBe(1)
    expect(await page.locator('#git').count()).toBe(0) // no git.jsonl: no table
    expect(await page.locator('#phases').count()).toBe(0) // no phases.json: no table
    await page.close()
  }, 60_000)

  it('shows where the time went: each phase, what fell outside them, the two steps total', async () => {
    const file = await reportFor(2, 'phases', {
      phases: [
        { phase: 'bottle start', ms: 640 },
        { phase: 'claude', ms: 900 },
        { phase: 'post', ms: 60 }
      ],
      steps: { main: 1900, post: 200 }
    })
    const { page, errors } = await open(file)
    expect(errors).toEqual([])
    const rows = await page.locator('#phases tr').allTextContents()
    expect(rows).toEqual(['phasems', 'bottle start640', 'claude900', 'post60', '(outside the phases: node start, bundle load)500', 'main + post2100'])
    await page.close()
  }, 60_000)

  it('makes the README screenshot', async () => {
    const file = await reportFor(6, 'shot')
    const { page } = await open(file)
    expect(await page.textContent('#prompt')).toContain('Fix the parser')
    // docs/report.png (the README's picture) is a copy of this screenshot
    await page.screenshot({ path: path.join(ROOT, '.tmp', 'report.png'), fullPage: false })
    await page.close()
  }, 60_000)
})

/**
 * One run, one input-token figure: cache writes and reads count as input (transcript/tokens.ts)
 * in the job summary, the report's header and each turn of the report, whichever of them a
 * user reads. The API double bills every response with cache tokens, as the real API does.
 */
describe('a real run with cache tokens', () => {
  const suite = e2eSuite('e2e-report-cache')
  const KEY = 'sk-ant-api03-report-cache-0123456789abcdef'
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('the job summary and the report header show the same input-token figure, and each turn counts cache tokens the same way', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const usage = { input_tokens: 30, output_tokens: 7, cache_creation_input_tokens: 400, cache_read_input_tokens: 5000 }
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: 'echo hi', description: 'say hi' } } }, { text: 'Said hi.' }], usage },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'say hi', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      expect(r.outputs['conclusion']).toBe('success')
      const perCall = usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens
      expect(r.outputs['input-tokens']).toBe(String(2 * perCall))
      const summaryRow = /^\| tokens \| (\d+) in \/ (\d+) out \|$/m.exec(r.summary)
      expect(summaryRow?.slice(1)).toEqual([String(2 * perCall), r.outputs['output-tokens']])

      const page = await browser.newPage()
      await page.goto(`file://${path.join(r.outputs['transcript-dir']!, 'artifact', 'report.html')}`)
      await page.waitForSelector('#conversation .turn')
      const header = /tokens \(model proxy\): (\d+) in \/ (\d+) out/.exec((await page.textContent('#stats')) ?? '')
      expect(header?.slice(1)).toEqual(summaryRow?.slice(1))
      // each turn's line counts the cache tokens claude's message carried, like the totals
      const turnInputs = [...((await page.textContent('#conversation')) ?? '').matchAll(/turn \d+ tokens: (\d+) in/g)].map(m => Number(m[1]))
      expect(turnInputs.length).toBeGreaterThanOrEqual(2)
      expect(new Set(turnInputs)).toEqual(new Set([perCall]))
      await page.close()
      // claude's own result, read by the run's parser, agrees with the host's count: no discrepancy noted
      const figures = JSON.parse(fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'figures.json'), 'utf8')) as {
        claude?: { inputTokens: number }
        discrepancies: string[]
      }
      expect(figures.claude?.inputTokens).toBe(2 * perCall)
      expect(figures.discrepancies.filter(d => d.includes('input tokens'))).toEqual([])
    } finally {
      await api.close()
    }
  }, 240_000)
})
