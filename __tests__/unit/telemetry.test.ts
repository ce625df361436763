/**
 * The runner's OpenTelemetry export, its pure parts (fast: mutation testing runs them): the
 * settings read from the OTEL_* environment and the otel-* inputs; tool call times from claude's
 * stream; the trace and metrics planned from a run's facts (parents, gen_ai attributes, every
 * value redacted, no prompt text unless asked); the run logs read back, bounded.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { telemetryHeaderSecrets } from '../../src/config/otel-pairs.js'
import { type TelemetryConfig, telemetrySection } from '../../src/config/telemetry-policy.js'
import { runSecrets, readInputs } from '../../src/config/inputs.js'
import { parseStreamLine } from '../../src/transcript/stream-line.js'
import { MAX_TOOL_TIMES, ToolTimeline } from '../../src/transcript/tool-timeline.js'
import { gateDecisions, MAX_DECISIONS, modelRequests } from '../../src/telemetry/run-facts.js'
import fc from 'fast-check'
import { ATTRIBUTE_CAP, CONTENT_CAP, metricPlan, tracePlan } from '../../src/telemetry/trace-plan.js'
import type { RunFacts } from '../../src/telemetry/run-facts.js'
import { ctx, facts, SECRET } from './telemetry-fixture.js'

describe('telemetry settings', () => {
  const section = (env: NodeJS.ProcessEnv, raw: Record<string, string> = {}) => telemetrySection(raw, env)

  it('is off, quietly, without an endpoint, and with OTEL_SDK_DISABLED', () => {
    expect(section({})).toEqual({ off: 'no OTLP endpoint is set', warn: false })
    expect(section({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toMatchObject({ warn: false })
  })

  it('adds v1/<signal> to the base endpoint, takes a signal endpoint as given, and the input wins', () => {
    const s = section({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example:4318/otlp/', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:9/x' })
    expect(s).toMatchObject({
      telemetry: { protocol: 'http/protobuf', tracesUrl: 'https://c.example:4318/otlp/v1/traces', metricsUrl: 'http://m:9/x', serviceName: 'bot-bottle' }
    })
    const i = section({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/t', OTEL_EXPORTER_OTLP_HEADERS: 'k=env-key' }, { 'otel-endpoint': 'http://in:4318' })
    // the input's endpoint wins, and the environment's headers (for its own collector) are not sent there
    expect(i).toMatchObject({ telemetry: { tracesUrl: 'http://in:4318/v1/traces', metricsUrl: 'http://in:4318/v1/metrics', headers: {} } })
    expect(section({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_METRICS_EXPORTER: 'none' })).toEqual({
      telemetry: expect.not.objectContaining({ metricsUrl: expect.anything() })
    })
  })

  it('reads headers, resource attributes and the service name the way the SDK specification writes them', () => {
    const s = section({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=abc%3D123,  dataset = runs ',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=agents,deployment.environment=ci',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json'
    }) as { telemetry: TelemetryConfig }
    expect(s.telemetry).toMatchObject({
      protocol: 'http/json',
      headers: { 'x-honeycomb-team': 'abc=123', dataset: 'runs' },
      resource: { 'service.name': 'agents', 'deployment.environment': 'ci' },
      serviceName: 'agents'
    })
  })

  it('a bad input is an error naming it; what the environment holds for other tools is one warning, never a failed run', () => {
    expect(() => section({}, { 'otel-endpoint': 'ftp://x' })).toThrow(/Input 'otel-endpoint': is not an http\(s\) URL/)
    expect(() => section({}, { 'otel-endpoint': 'http://x', 'otel-headers': 'novalue' })).toThrow(/Input 'otel-headers'/)
    expect(() => section({}, { 'otel-content': 'yes' })).toThrow(/Input 'otel-content'/)
    expect(section({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toEqual({ off: expect.stringContaining('not an http(s) URL'), warn: true })
    expect(section({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual({
      off: expect.stringContaining("Set it to 'http/protobuf'"),
      warn: true
    })
  })

  it("the export headers' values are secrets of the run: masked and redacted", () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otel-token-0123456789,short=abc' }
    expect(telemetryHeaderSecrets(env)).toEqual(['Bearer otel-token-0123456789'])
    const raw = readInputs(n => (n === 'otel-headers' ? 'x-api-key=input-header-secret-42' : ''))
    expect(runSecrets(raw, env)).toEqual(expect.arrayContaining(['Bearer otel-token-0123456789', 'input-header-secret-42']))
  })
})

describe('tool call times from the stream', () => {
  it('a call starts at its tool_use and ends at the result naming its id; only names, ids and times are kept', () => {
    let now = 1000
    const t = new ToolTimeline(() => now)
    const use = (id: string, name: string) =>
      parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', id, name, input: { command: SECRET } }] } }))
    const result = (id: string, error = false) =>
      parseStreamLine(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: id, content: SECRET, is_error: error }] } }))
    t.push(use('a', 'Bash'))
    now = 1500
    t.push(use('b', 'Read'))
    now = 1700
    t.push(result('b', true))
    t.push(result('zzz'))
    now = 2100
    t.push(result('a'))
    expect(t.calls).toEqual([
      { id: 'a', name: 'Bash', startMs: 1000, endMs: 2100, error: false },
      { id: 'b', name: 'Read', startMs: 1500, endMs: 1700, error: true }
    ])
    expect(JSON.stringify(t.calls)).not.toContain(SECRET)
    for (let i = 0; i < MAX_TOOL_TIMES + 50; i++) t.push(use(`x${i}`, 'Bash'))
    expect(t.calls).toHaveLength(MAX_TOOL_TIMES)
  })
})

describe('the trace and metrics planned from a run', () => {
  it('one root, phases under it, model requests and tool calls under claude, decisions as its events', () => {
    const spans = tracePlan(facts(), ctx)
    const byName = (n: string) => spans.find(s => s.name === n)!
    expect(spans.map(s => s.name)).toEqual([
      'bot-bottle run',
      'prepare',
      'claude',
      'chat claude-sonnet-4-5',
      'chat',
      'execute_tool Bash',
      expect.stringMatching(/^execute_tool mcp__evil__\[REDACTED/)
    ])
    expect(spans.filter(s => !s.parent).map(s => s.name)).toEqual(['bot-bottle run'])
    expect(byName('prepare').parent).toBe('run')
    const claude = byName('claude')
    for (const s of spans.slice(3)) expect(s.parent).toBe(claude.key)
    expect(byName('bot-bottle run').attributes).toMatchObject({
      'github.repository': 'o/r',
      'github.run_id': '77',
      'github.run_attempt': '2',
      'bot_bottle.conclusion': 'success',
      'bot_bottle.backend': 'docker',
      'gen_ai.usage.input_tokens': 300
    })
    expect(byName('chat claude-sonnet-4-5')).toMatchObject({
      kind: 'client',
      startMs: facts().model[0]!.startMs,
      endMs: facts().model[0]!.startMs + 900,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 300,
        'gen_ai.usage.output_tokens': 40,
        'gen_ai.usage.cache_read.input_tokens': 100,
        'gen_ai.usage.cache_creation.input_tokens': 50,
        'gen_ai.response.time_to_first_chunk': 0.25,
        'bot_bottle.cost_usd': 0.0123
      }
    })
    expect(byName('chat').error).toBeDefined()
    // an unfinished call ends with claude's phase
    expect(spans.at(-1)).toMatchObject({ endMs: claude.endMs, attributes: { 'bot_bottle.tool.unfinished': true } })
    expect(claude.events.map(e => e.name)).toEqual(['egress decision', 'git decision'])
    expect(claude.events[1]!.attributes).toMatchObject({ 'bot_bottle.verdict': 'blocked', 'bot_bottle.git.ref': 'refs/heads/main' })
    expect(claude.events[0]!.attributes['server.port']).toBe(443)
  })

  it('no secret in any value, no prompt or answer unless asked, and then redacted and capped', () => {
    const plain = JSON.stringify([tracePlan(facts(), ctx), metricPlan(facts(), ctx)])
    expect(plain).not.toContain(SECRET)
    expect(plain).not.toContain('gen_ai.input.messages')
    const asked = tracePlan(facts({ content: { prompt: `fix it ${SECRET}`, result: 'x'.repeat(10_000) } }), ctx)[0]!
    const input = JSON.parse(String(asked.attributes['gen_ai.input.messages']))
    expect(input[0].parts[0].content).toMatch(/^fix it \[REDACTED/)
    expect(String(asked.attributes['gen_ai.output.messages']).length).toBeLessThan(4200)
  })

  it('the root is an error for any conclusion but success', () => {
    expect(tracePlan(facts({ conclusion: 'budget-exceeded' }), ctx)[0]!.error).toBe('budget-exceeded')
    expect(tracePlan(facts(), ctx)[0]!.error).toBeUndefined()
  })

  it('metrics: tokens and cost by model, durations, refusals, the run by conclusion; egress hosts bounded', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ gate: 'egress' as const, timeMs: 1, verdict: 'blocked', subject: `h${i}.example:443`, rule: 'x' }))
    const m = Object.fromEntries(metricPlan(facts({ decisions: many }), ctx).map(p => [p.name, p]))
    expect(m['bot_bottle.tokens']!.points).toEqual(
      expect.arrayContaining([{ value: 300, attributes: { 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.token.type': 'input' } }])
    )
    expect(m['bot_bottle.cost']!.points).toEqual([{ value: 0.0123, attributes: { 'gen_ai.request.model': 'claude-sonnet-4-5' } }])
    expect(m['gen_ai.client.operation.duration']!.points.map(p => p.value)).toEqual([0.9, 0.003])
    expect(m['bot_bottle.runs']!.points).toEqual([{ value: 1, attributes: { 'bot_bottle.conclusion': 'success', 'bot_bottle.backend': 'docker' } }])
    expect(m['bot_bottle.egress.refusals']!.points).toHaveLength(40)
    expect(new Set(m['bot_bottle.egress.refusals']!.points.map(p => p.attributes['server.address'])).size).toBe(21) // 20 hosts + other
  })
})

describe('the run logs read back', () => {
  it('model.jsonl lines become requests with their first byte; every decision comes back, in time order', () => {
    const line = (o: object) => JSON.stringify(o)
    const requests = modelRequests([
      line({
        time: '2026-12-07T10:00:00.000Z',
        method: 'POST',
        path: '/v1/messages',
        decision: 'forwarded',
        status: 200,
        model: 'claude-sonnet-4-5',
        usage: { input_tokens: 10, output_tokens: 5 },
        first_byte_ms: 120,
        duration_ms: 400
      }),
      'not json',
      line({ time: 'never', decision: 'refused' })
    ])
    expect(requests).toEqual([
      expect.objectContaining({
        startMs: Date.parse('2026-12-07T10:00:00.000Z'),
        durationMs: 400,
        firstByteMs: 120,
        call: expect.objectContaining({ model: 'claude-sonnet-4-5' })
      })
    ])
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-tel-'))
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
    fs.writeFileSync(
      path.join(dir, 'egress.jsonl'),
      Array.from({ length: MAX_DECISIONS + 5 }, (_, i) => line({ time: at(i + 1), host: 'h', port: 443, decision: 'blocked', rule: 'r' })).join('\n')
    )
    fs.writeFileSync(
      path.join(dir, 'git.jsonl'),
      line({ time: at(0), service: 'receive-pack', decision: 'blocked', reason: 'protected', ref: 'refs/heads/main' })
    )
    const g = gateDecisions(dir)
    expect(g).toHaveLength(MAX_DECISIONS + 6)
    expect(g[0]).toMatchObject({ gate: 'git', subject: 'refs/heads/main', rule: 'protected' })
    // the trace's events take the first MAX_DECISIONS and count the rest on the root
    const spans = tracePlan(facts({ decisions: g }), ctx)
    expect(spans.find(s => s.name === 'claude')!.events).toHaveLength(MAX_DECISIONS)
    expect(spans[0]!.attributes['bot_bottle.dropped.decisions']).toBe(6)
  })
})

describe('what the agent can do to the trace and the metrics (attacker review)', () => {
  const refused = (i: number) => ({ startMs: 1_760_000_000_000 + i, durationMs: 1, decision: 'refused', status: 403, reason: 'junk', model: `junk-${i}` })
  const billed = (i: number) => ({
    startMs: 1_760_000_010_000 + i,
    durationMs: 100,
    decision: 'forwarded',
    status: 200,
    model: 'claude-sonnet-4-5',
    call: { model: 'claude-sonnet-4-5', tokens: { input: 10_000, output: 100, cacheRead: 0, cacheCreation: 0 }, costUsd: 0.06 }
  })

  it('junk requests filling the span cap first do not empty the metrics: they count every request, the spans the first 1,000', () => {
    const model = [...Array.from({ length: 1_000 }, (_, i) => refused(i)), ...Array.from({ length: 50 }, (_, i) => billed(i))]
    const f = facts({ model })
    const m = Object.fromEntries(metricPlan(f, ctx).map(p => [p.name, p]))
    const sum = (name: string, type?: string) =>
      m[name]!.points.filter(p => !type || p.attributes['gen_ai.token.type'] === type).reduce((n, p) => n + p.value, 0)
    expect(sum('bot_bottle.tokens', 'input')).toBe(500_000)
    expect(sum('bot_bottle.cost')).toBeCloseTo(3, 9)
    const spans = tracePlan(f, ctx)
    expect(spans.filter(s => s.name.startsWith('chat'))).toHaveLength(1_000)
    expect(spans[0]!.attributes['bot_bottle.dropped.model_requests']).toBe(50)
    // and the 1,000 names the agent made up are 20 series and `other`, not 1,000
    expect(new Set(m['gen_ai.client.operation.duration']!.points.map(p => p.attributes['gen_ai.request.model'])).size).toBe(21)
  })

  it('tool calls past the timeline cap are counted on the root', () => {
    const t = new ToolTimeline()
    const blocks = Array.from({ length: MAX_TOOL_TIMES + 7 }, (_, i) => ({ type: 'tool_use', id: `t${i}`, name: 'Bash', input: {} }))
    t.push(parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: blocks } })))
    expect({ kept: t.calls.length, dropped: t.dropped }).toEqual({ kept: MAX_TOOL_TIMES, dropped: 7 })
    expect(tracePlan(facts({ toolsDropped: t.dropped }), ctx)[0]!.attributes['bot_bottle.dropped.tool_calls']).toBe(7)
  })

  it('a secret across the cut of a tool name or id, or a model name, is redacted whole, not shown in part', () => {
    const t = new ToolTimeline()
    const name = `${'n'.repeat(80)}${SECRET}`
    t.push(
      parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', id: `${'i'.repeat(80)}${SECRET}`, name, input: {} }] } }))
    )
    const f = facts({ tools: t.calls, model: [{ ...billed(0), model: `${'m'.repeat(80)}${SECRET}` }] })
    const out = JSON.stringify([tracePlan(f, ctx), metricPlan(f, ctx)])
    expect(out).not.toContain(SECRET.slice(0, 12))
  })

  it("otel-content JSON stays whole and parsable within the exporter's attribute cap, however much it must escape", () => {
    const root = tracePlan(facts({ content: { prompt: '\u0001'.repeat(10), result: '\u0001\u0002"\\'.repeat(5_000) } }), ctx)[0]!
    for (const k of ['gen_ai.input.messages', 'gen_ai.output.messages']) {
      const v = String(root.attributes[k])
      expect(v.length).toBeLessThanOrEqual(ATTRIBUTE_CAP)
      expect(() => JSON.parse(v)).not.toThrow()
    }
  })
})

describe('the plan, for any run the agent can shape (fast-check)', () => {
  // what the agent chooses: model names, tool names and ids, hosts, refs, rules; the secret planted anywhere in them
  const planted = fc
    .tuple(fc.string({ maxLength: 40 }), fc.boolean(), fc.string({ maxLength: 300 }))
    .map(([a, put, b]) => (put ? `${a}${SECRET}${b}` : `${a}${b}`))
  const time = fc.integer({ min: 1_760_000_000_000, max: 1_760_000_100_000 })
  const run = fc.record({
    models: fc.array(fc.record({ model: planted, reason: planted, startMs: time, durationMs: fc.nat(100_000), status: fc.constantFrom(200, 403, 500) }), {
      maxLength: 6
    }),
    tools: fc.array(fc.record({ id: planted, name: planted, startMs: time, endMs: fc.option(time, { nil: undefined }), error: fc.boolean() }), {
      maxLength: 6
    }),
    decisions: fc.array(
      fc.record({
        gate: fc.constantFrom('egress' as const, 'git' as const, 'github' as const),
        timeMs: time,
        verdict: planted,
        subject: planted,
        rule: planted
      }),
      { maxLength: 8 }
    ),
    conclusion: planted,
    content: fc.option(fc.record({ prompt: planted, result: planted }), { nil: undefined })
  })

  it('no secret in any value, every value capped, one root, every parent made before its children', () => {
    fc.assert(
      fc.property(run, r => {
        const f = facts({
          conclusion: r.conclusion,
          content: r.content,
          model: r.models.map(m => ({
            ...m,
            decision: m.status === 403 ? 'refused' : 'forwarded',
            call: { model: m.model, tokens: { input: 1, output: 1, cacheRead: 0, cacheCreation: 0 } }
          })),
          tools: r.tools,
          decisions: r.decisions
        })
        const spans = tracePlan(f, ctx)
        const metrics = metricPlan(f, ctx)
        expect(JSON.stringify([spans, metrics])).not.toContain(SECRET)
        const values = [
          ...spans.flatMap(s => [s.name, s.error ?? '', ...Object.values(s.attributes), ...s.events.flatMap(e => Object.values(e.attributes))]),
          ...metrics.flatMap(m => m.points.flatMap(p => Object.values(p.attributes)))
        ].filter((v): v is string => typeof v === 'string')
        for (const v of values) expect(v.length).toBeLessThanOrEqual(CONTENT_CAP + 200)
        expect(spans.filter(s => !s.parent)).toHaveLength(1)
        const seen = new Set<string>()
        for (const s of spans) {
          if (s.parent) expect(seen.has(s.parent)).toBe(true)
          expect(s.endMs).toBeGreaterThanOrEqual(s.startMs)
          seen.add(s.key)
        }
      }),
      // fewer under mutation testing (Stryker runs it for each of ~300 mutants); 300 in the suite
      { numRuns: process.env['STRYKER_MUTATOR_WORKER'] === undefined ? 300 : 25 }
    )
  })
})

describe('the plan, attribute by attribute (what mutation testing found unchecked)', () => {
  const t0 = 1_760_000_000_000
  const req = (over: Partial<RunFacts['model'][number]>) => ({ startMs: t0 + 3500, durationMs: 10, decision: 'forwarded', ...over })
  const byName = (spans: ReturnType<typeof tracePlan>, name: string) => spans.find(s => s.name === name)!

  it('metric names, kinds, units and descriptions', () => {
    expect(metricPlan(facts(), ctx).map(m => [m.name, m.kind, m.unit, m.description])).toEqual([
      ['gen_ai.client.token.usage', 'histogram', '{token}', 'Tokens per model request'],
      ['gen_ai.client.operation.duration', 'histogram', 's', 'Model request duration'],
      ['bot_bottle.tokens', 'counter', '{token}', 'Tokens by model and type'],
      ['bot_bottle.cost', 'counter', 'USD', 'Cost at list prices by model'],
      ['bot_bottle.egress.refusals', 'counter', '{connection}', 'Connections the egress proxy refused'],
      ['bot_bottle.git.refusals', 'counter', '{request}', 'Requests or pushes the git gate refused'],
      ['bot_bottle.runs', 'counter', '{run}', 'Runs by conclusion']
    ])
  })

  it('refusals: egress blocked only, by host without its port; git blocked and rejected upstream only, by verdict', () => {
    const d = (gate: 'egress' | 'git' | 'github', verdict: string, subject: string) => ({ gate, timeMs: t0 + 4000, verdict, subject, rule: 'r' })
    const decisions = [
      d('egress', 'blocked', 'evil.example:443'),
      d('egress', 'allowed', 'registry.npmjs.org:443'),
      d('git', 'blocked', 'refs/heads/main'),
      d('git', 'rejected-upstream', 'refs/heads/x'),
      d('git', 'pushed', 'refs/heads/y'),
      d('github', 'blocked', 'add_labels 7')
    ]
    const m = Object.fromEntries(metricPlan(facts({ decisions }), ctx).map(p => [p.name, p.points]))
    expect(m['bot_bottle.egress.refusals']).toEqual([{ value: 1, attributes: { 'server.address': 'evil.example' } }])
    expect(m['bot_bottle.git.refusals']).toEqual([
      { value: 1, attributes: { 'bot_bottle.verdict': 'blocked' } },
      { value: 1, attributes: { 'bot_bottle.verdict': 'rejected-upstream' } }
    ])
    const events = byName(tracePlan(facts({ decisions }), ctx), 'claude').events
    expect(events[0]!.attributes).toEqual({
      'bot_bottle.gate': 'egress',
      'bot_bottle.verdict': 'blocked',
      'server.address': 'evil.example',
      'server.port': 443,
      'bot_bottle.rule': 'r'
    })
    expect(events[2]!.attributes).toEqual({
      'bot_bottle.gate': 'git',
      'bot_bottle.verdict': 'blocked',
      'bot_bottle.git.ref': 'refs/heads/main',
      'bot_bottle.rule': 'r'
    })
    expect(events[5]!.attributes).toEqual({
      'bot_bottle.gate': 'github',
      'bot_bottle.verdict': 'blocked',
      'bot_bottle.github.call': 'add_labels 7',
      'bot_bottle.rule': 'r'
    })
  })

  it('a model span is an error when refused or answered 4xx/5xx, with its reason or status; not when answered 2xx', () => {
    const spans = tracePlan(
      facts({
        model: [
          req({ status: 200, model: 'ok-model' }),
          req({ status: 400, model: 'four' }),
          req({ status: 529, model: 'five' }),
          req({ decision: 'refused', status: 403, reason: 'not allowed', model: 'refused' }),
          req({ decision: 'refused', model: 'bare' })
        ]
      }),
      ctx
    )
    expect(byName(spans, 'chat ok-model')).not.toHaveProperty('error')
    expect(byName(spans, 'chat ok-model').attributes['error.type']).toBeUndefined()
    expect(byName(spans, 'chat four')).toMatchObject({ error: 'status 400', attributes: { 'error.type': '400' } })
    expect(byName(spans, 'chat five')).toMatchObject({ error: 'status 529', attributes: { 'error.type': '529', 'http.response.status_code': 529 } })
    expect(byName(spans, 'chat refused')).toMatchObject({ error: 'not allowed', attributes: { 'error.type': 'not allowed', 'bot_bottle.decision': 'refused' } })
    expect(byName(spans, 'chat bare')).toMatchObject({ error: 'status unknown', attributes: { 'error.type': 'refused' } })
    // the priced call's model names the span when the log line named none
    const call = { model: 'from-call', tokens: { input: 1, output: 0, cacheRead: 0, cacheCreation: 0 } }
    expect(tracePlan(facts({ model: [req({ status: 200, call })] }), ctx).some(s => s.name === 'chat from-call')).toBe(true)
  })

  it('gen_ai.provider.name per provider; an unknown one as it is', () => {
    const provider = (p: string) => byName(tracePlan(facts(), { ...ctx, provider: p }), 'chat claude-sonnet-4-5').attributes['gen_ai.provider.name']
    expect([provider('anthropic'), provider('bedrock'), provider('vertex'), provider('other')]).toEqual(['anthropic', 'aws.bedrock', 'gcp.vertex_ai', 'other'])
    const metric = metricPlan(facts(), { ...ctx, provider: 'bedrock' }).find(m => m.name === 'gen_ai.client.operation.duration')!
    expect(metric.points[0]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'http.response.status_code': 200
    })
  })

  it('phase spans say their phase; only claude is the agent; tool spans say their operation, error and whether they finished', () => {
    const spans = tracePlan(
      facts({
        tools: [
          { id: 'a', name: 'Bash', startMs: t0 + 3100, endMs: t0 + 3200, error: true },
          { id: 'b', name: 'Read', startMs: t0 + 3300, endMs: t0 + 3400, error: false }
        ]
      }),
      ctx
    )
    expect(byName(spans, 'prepare').attributes).toEqual({ 'bot_bottle.phase': 'prepare' })
    expect(byName(spans, 'claude').attributes).toEqual({ 'bot_bottle.phase': 'claude', 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'claude' })
    expect(byName(spans, 'execute_tool Bash')).toMatchObject({
      error: 'the tool reported an error',
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Bash', 'gen_ai.tool.call.id': 'a', 'error.type': 'tool_error' }
    })
    const read = byName(spans, 'execute_tool Read')
    expect(read).not.toHaveProperty('error')
    expect(read.attributes).toEqual({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Read', 'gen_ai.tool.call.id': 'b' })
    expect(new Set(spans.map(s => s.key)).size).toBe(spans.length) // every parent reference finds one span
  })

  it('metric points: usage by token type, zero counts left out, a model-less request as (none)', () => {
    const call = { model: 'm', tokens: { input: 5, output: 2, cacheRead: 0, cacheCreation: 3 }, costUsd: 0 }
    const m = Object.fromEntries(
      metricPlan(facts({ model: [req({ status: 200, model: 'm', call }), req({ decision: 'refused' })] }), ctx).map(p => [p.name, p.points])
    )
    const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'm' }
    expect(m['gen_ai.client.token.usage']).toEqual([
      { value: 5, attributes: { ...base, 'gen_ai.token.type': 'input' } },
      { value: 2, attributes: { ...base, 'gen_ai.token.type': 'output' } }
    ])
    expect(m['bot_bottle.tokens']!.map(p => p.attributes['gen_ai.token.type'])).toEqual(['input', 'output', 'cache_creation'])
    expect(m['bot_bottle.cost']).toEqual([])
    expect(m['gen_ai.client.operation.duration']![1]!.attributes).toEqual({ ...base, 'gen_ai.request.model': '(none)' })
  })

  it('values: empty ones left out; a long one cut to its cap with an ellipsis, its start kept; one at the cap whole; past 20,000 characters cut before redaction', () => {
    const root = tracePlan(facts({ place: { ...facts().place, job: '' } }), ctx)[0]!
    expect(Object.keys(root.attributes)).not.toContain('github.job') // (toHaveProperty would read the dot as a path)
    expect(Object.keys(root.attributes)).toContain('github.workflow')
    const name = (n: string) => tracePlan(facts({ tools: [{ id: 'i', name: n, startMs: t0 + 3100, endMs: t0 + 3200 }] }), ctx).at(-1)!.name
    expect(name('x'.repeat(100))).toBe(`execute_tool ${'x'.repeat(100)}`)
    expect(name(`ab${'x'.repeat(150)}`)).toBe(`execute_tool ab${'x'.repeat(97)}…`)
    expect(name(`start${'y'.repeat(30_000)}`)).toBe(`execute_tool start${'y'.repeat(94)}…`)
  })

  it('more than 20 distinct models in the metrics: the rest as other', () => {
    const model = Array.from({ length: 25 }, (_, i) => req({ status: 200, model: `m${i}` }))
    const names = metricPlan(facts({ model }), ctx)
      .find(m => m.name === 'gen_ai.client.operation.duration')!
      .points.map(p => p.attributes['gen_ai.request.model'])
    expect(names.slice(19)).toEqual(['m19', 'other', 'other', 'other', 'other', 'other'])
  })

  it("otel-content: the messages' roles and part type", () => {
    const root = tracePlan(facts({ content: { prompt: 'p', result: 'r' } }), ctx)[0]!
    expect(JSON.parse(String(root.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'p' }] }])
    expect(JSON.parse(String(root.attributes['gen_ai.output.messages']))).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'r' }] }])
  })
})
