/**
 * The runner's OpenTelemetry export through the real SDK to a loopback OTLP receiver that decodes
 * both encodings: the spans arrive with their parents and times, the metrics with their values;
 * a collector that is down, refusing or hanging costs at most the deadline and one problem line.
 */
import http from 'node:http'
import net from 'node:net'
import type { TelemetryConfig } from '../../src/config/telemetry-policy.js'
import { exportRun } from '../../src/telemetry/export.js'
import { metricPlan, tracePlan } from '../../src/telemetry/trace-plan.js'
import { startOtlpReceiver } from '../../test/harness/otlp-receiver.mjs'
import { ctx, facts, SECRET } from './telemetry-fixture.js'

describe('the export, through the real SDK to a loopback collector', () => {
  const config = (url: string, protocol: TelemetryConfig['protocol']): TelemetryConfig => ({
    protocol,
    tracesUrl: `${url}/v1/traces`,
    metricsUrl: `${url}/v1/metrics`,
    headers: { 'x-team': 'abc' },
    serviceName: 'bot-bottle',
    resource: {},
    content: false,
    compression: 'none'
  })

  it.each(['http/protobuf', 'http/json'] as const)('%s: the spans arrive with their parents and times, and the metrics with their values', async protocol => {
    const rx = await startOtlpReceiver()
    try {
      const f = facts()
      const spans = tracePlan(f, ctx)
      const r = await exportRun(config(rx.url, protocol), { 'service.name': 'bot-bottle', 'github.repository': 'o/r' }, spans, metricPlan(f, ctx), 'v1', 2000)
      expect(r.problem).toBeUndefined()
      expect(rx.problems).toEqual([])
      expect(rx.requests.every(q => q.encoding === (protocol === 'http/json' ? 'json' : 'protobuf'))).toBe(true)
      const got = rx.spans()
      expect(got).toHaveLength(spans.length)
      const root = got.find(s => s.name === 'bot-bottle run')!
      expect(root.parentSpanId).toBe('')
      expect(root.resource).toMatchObject({ 'service.name': 'bot-bottle', 'github.repository': 'o/r' })
      expect(root.startTimeUnixNano).toBe(BigInt(f.startMs) * 1_000_000n)
      expect(root.status.code).toBe(0)
      const claude = got.find(s => s.name === 'claude')!
      expect(claude.parentSpanId).toBe(root.spanId)
      const model = got.find(s => s.name === 'chat claude-sonnet-4-5')!
      expect(model.parentSpanId).toBe(claude.spanId)
      expect(model.kind).toBe(3) // CLIENT
      expect(model.attributes['gen_ai.usage.output_tokens']).toBe(40)
      expect(got.find(s => s.name === 'chat')!.status.code).toBe(2) // ERROR
      expect(claude.events.map(e => e.name)).toEqual(['egress decision', 'git decision'])
      expect(new Set(got.map(s => s.traceId)).size).toBe(1)
      const metrics = Object.fromEntries(rx.metrics().map(m => [m.name, m]))
      expect(metrics['bot_bottle.runs']!.points[0]).toMatchObject({ value: 1, attributes: { 'bot_bottle.conclusion': 'success' } })
      // one point per model and status: the forwarded call (0.9 s) and the refused one
      const durations = metrics['gen_ai.client.operation.duration']!.points
      expect(durations.map(p => [p.count, p.sum])).toEqual(
        expect.arrayContaining([
          [1, 0.9],
          [1, 0.003]
        ])
      )
      expect(JSON.stringify(rx.requests)).not.toContain(SECRET)
    } finally {
      await rx.close()
    }
  })

  it('a collector that is down, refusing or hanging costs at most the deadline and one problem line', async () => {
    const closedPort = await new Promise<number>(resolve => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port
        s.close(() => resolve(port))
      })
    })
    const f = facts()
    const send = (url: string) => exportRun(config(url, 'http/protobuf'), {}, tracePlan(f, ctx), metricPlan(f, ctx), 'v1', 1000)
    const down = await send(`http://127.0.0.1:${closedPort}`)
    expect(down.problem).toBeDefined()
    expect(down.ms).toBeLessThan(1500)
    const refusing = await startOtlpReceiver({ status: 400 })
    const hanging = await startOtlpReceiver({ hang: true })
    try {
      const r = await send(refusing.url)
      expect(r.problem).toMatch(/traces|metrics/)
      const started = Date.now()
      const h = await send(hanging.url)
      expect(h.problem).toBeDefined()
      expect(Date.now() - started).toBeLessThan(1500)
    } finally {
      await refusing.close()
      await hanging.close()
    }
  })
})

describe('collectors that misbehave on purpose (attacker review)', () => {
  const f = facts()
  const cfg = (url: string, over: Partial<TelemetryConfig> = {}): TelemetryConfig => ({
    protocol: 'http/protobuf',
    tracesUrl: `${url}/v1/traces`,
    metricsUrl: `${url}/v1/metrics`,
    headers: {},
    serviceName: 'bot-bottle',
    resource: {},
    content: false,
    compression: 'none',
    ...over
  })
  /** A collector on loopback doing `answer` with each request; it records headers and when each connection closed. */
  async function collector(answer: (res: http.ServerResponse) => void) {
    const seen: { headers: http.IncomingHttpHeaders; closedAt?: number }[] = []
    const server = http.createServer((req, res) => {
      const entry: { headers: http.IncomingHttpHeaders; closedAt?: number } = { headers: req.headers }
      seen.push(entry)
      req.socket.on('close', () => (entry.closedAt = Date.now()))
      req.resume()
      answer(res)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
    return { url, seen, close: () => new Promise<void>(resolve => (server.closeAllConnections(), server.close(() => resolve()))) }
  }

  it('a collector that drips a byte a second (never idle): the export ends at the deadline and its connections are closed', async () => {
    const drip = await collector(res => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' })
      const t = setInterval(() => res.write('x'), 200)
      res.on('close', () => clearInterval(t))
    })
    try {
      const started = Date.now()
      const r = await exportRun(cfg(drip.url), {}, tracePlan(f, ctx), metricPlan(f, ctx), 'v1', 1000)
      const ended = Date.now()
      expect(r.problem).toBeDefined()
      expect(ended - started).toBeLessThan(1500)
      await new Promise(resolve => setTimeout(resolve, 300))
      expect(drip.seen.length).toBeGreaterThan(0)
      // every connection the export opened was closed by the runner right after the deadline (a dripping one would live on)
      for (const c of drip.seen) expect(c.closedAt ?? Number.POSITIVE_INFINITY).toBeLessThan(ended + 300)
    } finally {
      await drip.close()
    }
  })

  it("the environment's export headers never go to the collector the input names", async () => {
    const ok = await collector(res => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' })
      res.end()
    })
    const saved = { ...process.env }
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-vendor-a-key=VENDOR_A_SECRET_123'
    process.env['OTEL_EXPORTER_OTLP_TRACES_HEADERS'] = 'authorization=Bearer TRACES_ONLY_SECRET'
    try {
      const r = await exportRun(cfg(ok.url, { headers: { 'x-self-hosted': 'mine12345' } }), {}, tracePlan(f, ctx), metricPlan(f, ctx), 'v1', 2000)
      expect(r.problem).toBeUndefined()
      expect(ok.seen).toHaveLength(2)
      for (const c of ok.seen) {
        expect(c.headers['x-self-hosted']).toBe('mine12345')
        expect(JSON.stringify(c.headers)).not.toMatch(/VENDOR_A_SECRET_123|TRACES_ONLY_SECRET/)
      }
      // and the environment is as it was
      expect(process.env['OTEL_EXPORTER_OTLP_HEADERS']).toBe('x-vendor-a-key=VENDOR_A_SECRET_123')
    } finally {
      process.env = saved
      await ok.close()
    }
  })
})
