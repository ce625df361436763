/**
 * Spending caps and structured output with the real claude in a real bottle: the model proxy
 * stops a run mid-task once `max-cost-usd` is reached (the API double reports usage with cache
 * tokens, priced at the table's Opus 5.5 rates: claude's default model), and `json-schema` turns
 * the final answer into a validated `structured-output`, or concludes `invalid-output`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-caps-e2e-0123456789abcdef'
const errorLines = (log: string) => log.split('\n').filter(l => l.startsWith('::error::'))

describe('spending caps and structured output', () => {
  const suite = e2eSuite('e2e-caps')
  const modelLog = (tdir: string) =>
    fs
      .readFileSync(path.join(tdir, 'model.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as Record<string, unknown>)

  it('max-cost-usd stops claude mid-task: the request after the cap gets a 402, claude ends, the record is kept', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'budget'), 1001)
    // each response: 1000 in, 2000 cache write, 10000 cache read, 500 out = $0.026 at Opus 5.5 list prices
    const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000 }
    const step = { tool_use: { name: 'Bash', input: { command: 'echo step >> steps.txt', description: 'one step' } } }
    const api = await startAnthropicDouble({ turns: [...Array(8).fill(step), { text: 'All eight steps done.' }], usage }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'do the steps', 'max-cost-usd': '0.07', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-budget'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      const tdir = r.outputs['transcript-dir']!
      const rows = modelLog(tdir)
      const forwarded = rows.filter(d => d['decision'] === 'forwarded' && d['usage'])
      const refusals = rows.filter(d => d['reason'] === 'budget exceeded')
      // three responses cost $0.078 ≥ $0.07: the fourth request is refused and never reaches the API
      expect(forwarded).toHaveLength(3)
      expect(api.requests.filter(q => q.path.startsWith('/v1/messages'))).toHaveLength(3)
      expect(refusals.map(d => d['status'])).toEqual([402]) // claude asked once more, then stopped
      expect(r.outputs['conclusion']).toBe('budget-exceeded')
      expect(errorLines(log)).toEqual([
        "::error::claude run concluded 'budget-exceeded': max-cost-usd (0.07) reached: the model API responses relayed so far cost $0.078000 at list prices (40500 tokens); the model proxy refused further requests. Raise the cap or narrow the task"
      ])
      expect(fs.readFileSync(path.join(ws, 'steps.txt'), 'utf8')).toBe('step\nstep\nstep\n') // stopped mid-task: 3 of 8 steps
      // outputs from the host's count (cache tokens are input), cost at list prices
      expect(r.outputs).toMatchObject({ 'cost-usd': '0.078', 'input-tokens': String(3 * 13000), 'output-tokens': '1500', 'num-turns': '3' })
      // claude ended by itself on the 402 (its result line says so), well before the grace period's SIGTERM
      const result = fs
        .readFileSync(path.join(tdir, 'stream.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as Record<string, unknown>)
        .find(m => m['type'] === 'result')
      expect(String(result?.['result'])).toMatch(/^API Error: 402 .*max-cost-usd \(0\.07\) reached/)
      const capReachedAt = Date.parse(String(refusals[0]!['time']))
      const claudeStoppedAt = fs.statSync(path.join(tdir, 'stream.jsonl')).mtimeMs
      const stopMs = claudeStoppedAt - capReachedAt
      console.log(`cap reached (first 402) → claude's last output: ${Math.round(stopMs)} ms`)
      expect(stopMs).toBeLessThan(5_000)
      // the record is still published: figures, the refusal in model.jsonl, the report
      const artifact = path.join(tdir, 'artifact')
      for (const f of ['stream.jsonl', 'model.jsonl', 'figures.json', 'report.html', 'outputs.json']) expect(fs.existsSync(path.join(artifact, f))).toBe(true)
      expect(r.summary).toContain('budget-exceeded')
      expect(leftovers(slugOf(tdir))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('near the cap, claude is told to finish: a model that heeds the note reports, and its final answer is the result (measured)', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'budget-note'), 1001)
    // the same turns and prices as above: $0.026 a turn under a $0.07 cap. After two turns $0.018 is left, less than a
    // turn: the proxy adds its note to the third request, and the model (this double) answers it as a model told to
    // finish would, with its report instead of the next step
    const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000 }
    const step = { tool_use: { name: 'Bash', input: { command: 'echo step >> steps.txt', description: 'one step' } } }
    const REPORT = 'Stopped early to stay within the budget: 2 of 8 steps done (steps.txt has two lines); steps 3 to 8 are left.'
    const noted = (body: { messages?: unknown[] }) => JSON.stringify(body.messages?.at(-1) ?? '').includes('budget nearly spent: finish and report')
    const api = await startAnthropicDouble(
      { turns: [...Array(8).fill(step), { text: 'All eight steps done.' }], usage, respond: body => (noted(body) ? { text: REPORT, usage } : undefined) },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'do the steps', 'max-cost-usd': '0.07', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-budget-note'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      const rows = modelLog(r.outputs['transcript-dir']!)
      const survived = r.outputs['result'] === REPORT ? REPORT.length : 0
      console.log(
        `final answer kept: ${survived} of ${REPORT.length} characters (result begins ${JSON.stringify(String(r.outputs['result']).slice(0, 40))}); ` +
          `conclusion ${r.outputs['conclusion']}, cost $${r.outputs['cost-usd']} under a $0.07 cap`
      )
      expect(rows.filter(d => d['note']).map(d => d['note'])).toEqual(['budget nearly spent: finish and report'])
      expect(log).toMatch(/Model proxy: budget nearly spent: finish and report \(\$0\.0180 of max-cost-usd 0\.07 is left, a turn costs about \$0\.0260\)/)
      expect(fs.readFileSync(path.join(ws, 'steps.txt'), 'utf8')).toBe('step\nstep\n')
      // the final answer survives whole: it is the result, and the run ends by itself (no request was refused)
      expect(r.outputs['result']).toBe(REPORT)
      expect(r.outputs['conclusion']).toBe('success')
      expect(rows.filter(d => d['reason'] === 'budget exceeded')).toEqual([])
      expect(r.outputs['cost-usd']).toBe('0.078') // three turns: the overshoot is the one turn the note went with
      expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
    }
  })

  const VERDICT = {
    type: 'object',
    properties: { verdict: { enum: ['approve', 'request-changes'] }, reasons: { type: 'array', items: { type: 'string' } } },
    required: ['verdict'],
    additionalProperties: false
  }

  it('json-schema (a file in the checkout): claude fills the schema through its --json-schema, and structured-output holds the validated answer', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'schema-ok'), 1001)
    fs.writeFileSync(path.join(ws, 'verdict.schema.json'), JSON.stringify(VERDICT, null, 2))
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'StructuredOutput', input: { verdict: 'approve', reasons: ['tests pass', 'small diff'] } } }, { text: 'Reviewed.' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'review the PR', 'json-schema': 'verdict.schema.json', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-schema-ok'),
        toolCache: suite.toolCache
      })
      expect({ code: r.main.code, errors: errorLines(visibleLog(r.main.stdout)) }).toEqual({ code: 0, errors: [] })
      expect(r.outputs['conclusion']).toBe('success')
      expect(r.outputs['structured-output']).toBe('{"verdict":"approve","reasons":["tests pass","small diff"]}')
      // claude was given the schema as its StructuredOutput tool (its --json-schema flag)
      const tool = (api.conversation()[0]!.body.tools as { name: string; input_schema: unknown }[]).find(t => t.name === 'StructuredOutput')
      expect(tool?.input_schema).toEqual(VERDICT)
    } finally {
      await api.close()
    }
  })

  it('json-schema (inline): an answer that is not JSON concludes invalid-output, naming why; structured-output stays empty', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'schema-bad'), 1001)
    // the model never calls StructuredOutput: claude asks once more, then gives up with prose as its result
    const api = await startAnthropicDouble({ turns: [{ text: 'Looks fine to me.' }, { text: 'Still fine, really.' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'review the PR', 'json-schema': JSON.stringify(VERDICT), ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-schema-bad'),
        toolCache: suite.toolCache
      })
      expect(r.main.code).not.toBe(0)
      expect(r.outputs['conclusion']).toBe('invalid-output')
      expect(r.outputs['structured-output']).toBe('')
      expect(errorLines(visibleLog(r.main.stdout))).toEqual([
        `::error::claude run concluded 'invalid-output': the final answer is not JSON (it begins ${JSON.stringify(r.outputs['result'])})`
      ])
      expect(r.outputs['result']).toBe('Still fine, really.')
    } finally {
      await api.close()
    }
  })
})
