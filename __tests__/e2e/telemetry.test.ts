/**
 * OpenTelemetry from the runner side, with the real claude in a real bottle and a scripted model:
 * the job's OTEL_* environment names a loopback OTLP receiver that decodes what it gets. The run
 * arrives as one trace (the step, its phases, each model request and tool call under claude)
 * whose figures are the outputs', and as metrics; no secret, header or prompt text is in any
 * attribute; the bottle never sees the endpoint. A collector that is down or hangs changes neither
 * the conclusion nor, past the export deadline, the step's end.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { startOtlpReceiver } from '../../test/harness/otlp-receiver.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-telemetry-e2e-0123456789'
const HEADER_SECRET = 'otel-header-secret-0123456789abcdef'
const PROMPT = 'PROMPT-MARKER-7f3a: list the files'
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

describe('OpenTelemetry export', () => {
  const suite = e2eSuite('e2e-telemetry')

  it('one trace of the run with its phases, model requests and tool calls; figures equal the outputs; nothing secret; the bottle never sees it', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const probe = 'env > bottle-env.txt; cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n" | grep -c OTEL_ >> bottle-env.txt; true'
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: probe, description: 'probe' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    const rx = await startOtlpReceiver()
    try {
      const r = await runAction({
        inputs: { prompt: PROMPT, ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
          OTEL_EXPORTER_OTLP_HEADERS: `x-otel-key=${HEADER_SECRET}`,
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci',
          GITHUB_REPOSITORY: 'octo/widgets',
          GITHUB_WORKFLOW: 'agents'
        }
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })
      expect(log).toMatch(/OpenTelemetry: \d+ spans and \d+ metrics sent to http:\/\/127\.0\.0\.1:\d+ in \d+ ms/)
      expect(rx.problems).toEqual([])
      expect(rx.requests.map(q => q.encoding)).toEqual(expect.arrayContaining(['protobuf']))

      const spans = rx.spans()
      expect(new Set(spans.map(s => s.traceId)).size).toBe(1)
      const root = spans.find(s => s.name === 'bot-bottle run')!
      expect(root.parentSpanId).toBe('')
      expect(spans.filter(s => s.parentSpanId === '')).toHaveLength(1)
      expect(root.resource).toMatchObject({ 'service.name': 'bot-bottle', 'deployment.environment': 'ci', 'github.repository': 'octo/widgets' })
      expect(root.attributes).toMatchObject({
        'github.repository': 'octo/widgets',
        'github.workflow': 'agents',
        'github.run_id': '4242',
        'github.run_attempt': '1',
        'bot_bottle.backend': 'docker',
        'bot_bottle.conclusion': 'success',
        'bot_bottle.cost_usd': Number(r.outputs['cost-usd']),
        'gen_ai.usage.input_tokens': Number(r.outputs['input-tokens']),
        'gen_ai.usage.output_tokens': Number(r.outputs['output-tokens'])
      })
      // the phases the log times, under the root, inside it
      const phases = spans.filter(s => s.parentSpanId === root.spanId).map(s => s.name)
      expect(phases).toEqual(expect.arrayContaining(['resolve backend', 'prepare', 'bottle start', 'provision', 'claude', 'bring back', 'teardown', 'collect']))
      const claude = spans.find(s => s.name === 'claude' && s.parentSpanId === root.spanId)!
      for (const s of spans.filter(x => x.parentSpanId === root.spanId)) {
        expect(s.startTimeUnixNano).toBeGreaterThanOrEqual(root.startTimeUnixNano)
        expect(s.endTimeUnixNano).toBeLessThanOrEqual(root.endTimeUnixNano)
      }
      // two model calls (the tool call, the answer) under claude, with the gen_ai figures; their sums are the outputs
      const chats = spans.filter(s => s.name.startsWith('chat '))
      expect(chats).toHaveLength(2)
      for (const c of chats) {
        expect(c.parentSpanId).toBe(claude.spanId)
        expect(c.kind).toBe(3)
        expect(c.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'http.response.status_code': 200 })
        expect(c.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number))
      }
      const sum = (k: string) => chats.reduce((n, c) => n + Number(c.attributes[k] ?? 0), 0)
      expect(sum('gen_ai.usage.output_tokens')).toBe(Number(r.outputs['output-tokens']))
      expect(sum('gen_ai.usage.input_tokens')).toBe(Number(r.outputs['input-tokens']))
      expect(sum('bot_bottle.cost_usd')).toBeCloseTo(Number(r.outputs['cost-usd']), 9)
      // the tool call, timed between the two model calls, under claude, with its name only
      const tool = spans.find(s => s.name === 'execute_tool Bash')!
      expect(tool.parentSpanId).toBe(claude.spanId)
      expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'Bash', 'gen_ai.operation.name': 'execute_tool' })
      const [first, second] = [...chats].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))
      expect(tool.startTimeUnixNano).toBeGreaterThanOrEqual(first!.startTimeUnixNano)
      expect(tool.endTimeUnixNano).toBeLessThanOrEqual(second!.endTimeUnixNano)

      const metrics = Object.fromEntries(rx.metrics().map(m => [m.name, m]))
      expect(metrics['bot_bottle.runs']!.points).toEqual([
        expect.objectContaining({ value: 1, attributes: { 'bot_bottle.conclusion': 'success', 'bot_bottle.backend': 'docker' } })
      ])
      const tokens = metrics['bot_bottle.tokens']!.points.filter(p => p.attributes['gen_ai.token.type'] === 'output')
      expect(tokens.reduce((n, p) => n + (p.value ?? 0), 0)).toBe(Number(r.outputs['output-tokens']))
      expect(metrics['gen_ai.client.operation.duration']!.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(2)

      // nothing secret, no prompt text, no tool input in anything exported
      const exported = json([spans, rx.metrics()])
      for (const secret of [KEY, HEADER_SECRET, 'PROMPT-MARKER-7f3a', 'bottle-env.txt']) expect(exported).not.toContain(secret)
      expect(log).not.toContain(HEADER_SECRET)
      // the bottle was never given the endpoint: not in claude's environment nor any process's there
      const seen = fs.readFileSync(path.join(ws, 'bottle-env.txt'), 'utf8')
      expect(seen).toContain('PATH=') // the probe ran
      expect(seen).not.toMatch(/OTEL_|otel-header-secret/)
      expect(seen).not.toContain(rx.url.replace('http://', ''))
      expect(seen.trim().split('\n').at(-1)).toBe('0')
    } finally {
      await api.close()
      await rx.close()
    }
  })

  it.each([
    ['down', { down: true }],
    ['hanging', { hang: true }]
  ] as const)('a collector that is %s: the same conclusion, one warning, the step ends within the deadline of the export', async (_what, opts) => {
    const ws = makeWorkspace(path.join(suite.dir, `ws-${_what}`), 1001)
    const api = await startAnthropicDouble({ turns: [{ text: 'done' }] }, { expectedKey: KEY })
    const rx = await startOtlpReceiver('hang' in opts ? { hang: true } : {})
    const url = rx.url
    if ('down' in opts) await rx.close()
    let exitedAt = 0
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, `rt-${_what}`),
        toolCache: suite.toolCache,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: url },
        onMainSpawn: child => child.on('exit', () => (exitedAt = Date.now())),
        skipPost: true
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })
      expect(log.match(/::warning::OpenTelemetry export to/g)).toHaveLength(1)
      expect(log).toContain("The run's outcome is not affected")
      if ('hang' in opts) {
        // the export's first request reached the collector, and the step ended within the deadline (2 s) of it
        expect(rx.requests.length).toBeGreaterThan(0)
        expect(exitedAt - Math.min(...rx.requests.map(q => q.at))).toBeLessThan(2_000 + 700)
      }
    } finally {
      await api.close()
      if ('hang' in opts) await rx.close()
    }
  })
})
