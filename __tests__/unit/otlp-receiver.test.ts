/**
 * The OTLP/HTTP receiver double, driven by the real OpenTelemetry JS SDK and its OTLP exporters in
 * both encodings (binary protobuf and OTLP/JSON, plain and gzip): what the receiver decodes and
 * normalises is what the SDK was given (names, parent links, attributes of every type, nanosecond
 * times, events, statuses, sums, gauges, histograms), identically for both encodings, with no
 * problems. A `status: 503` answer makes the exporter's export fail, `hang: true` makes it time out,
 * and a body that decodes as no export request is a recorded problem answered 400 with a
 * google.rpc.Status; unknown protobuf fields of every wire type and unknown JSON keys are skipped.
 */
import { context, type HrTime, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { startOtlpReceiver } from '../../test/harness/otlp-receiver.mjs'

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>
type Span = ReturnType<Receiver['spans']>[number]
type Metric = ReturnType<Receiver['metrics']>[number]
type Encoding = 'protobuf' | 'json'
type ExporterOptions = ConstructorParameters<typeof ProtoTraceExporter>[0]

const RESOURCE = { 'service.name': 'bottle-test', 'service.version': '0.1.0' }
const SCOPE = { name: 'otlp-receiver-test', version: '1.2.3' }
// times past 2^53 ns, so a decoder that went through a double would lose them
const PARENT_START: HrTime = [1_700_000_000, 123_456_789]
const CHILD_START: HrTime = [1_700_000_000, 223_456_789]
const EVENT_AT: HrTime = [1_700_000_000, 323_456_789]
const CHILD_END: HrTime = [1_700_000_000, 423_456_789]
const PARENT_END: HrTime = [1_700_000_001, 5]
const ns = ([s, n]: HrTime) => BigInt(s) * 1_000_000_000n + BigInt(n)

const exporterOptions = (url: string, compression: 'none' | 'gzip', extra: object = {}) => ({ url, compression, ...extra }) as unknown as ExporterOptions

function traceExporter(encoding: Encoding, url: string, compression: 'none' | 'gzip' = 'none', extra: object = {}) {
  const o = exporterOptions(`${url}/v1/traces`, compression, extra)
  return encoding === 'protobuf' ? new ProtoTraceExporter(o) : new JsonTraceExporter(o)
}
function metricExporter(encoding: Encoding, url: string, compression: 'none' | 'gzip' = 'none', extra: object = {}) {
  const o = exporterOptions(`${url}/v1/metrics`, compression, extra)
  return encoding === 'protobuf' ? new ProtoMetricExporter(o) : new JsonMetricExporter(o)
}

/** A parent span and a child with an event, through the SDK and its OTLP exporter to the receiver. */
async function sendSpans(encoding: Encoding, url: string, compression: 'none' | 'gzip') {
  const exporter = traceExporter(encoding, url, compression)
  // a SimpleSpanProcessor for one encoding, a BatchSpanProcessor for the other: both as a program would
  const processor = encoding === 'protobuf' ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(RESOURCE), spanProcessors: [processor] })
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version)
  const parent = tracer.startSpan('bottle.run', {
    kind: SpanKind.SERVER,
    startTime: PARENT_START,
    attributes: { 'run.id': 'r-1', 'run.turns': 7, 'run.cost': 0.25, 'run.sandboxed': true, 'run.delta': -3, 'run.tags': ['a', 'b'] }
  })
  const child = tracer.startSpan(
    'bottle.step',
    { kind: SpanKind.CLIENT, startTime: CHILD_START, attributes: { 'step.name': 'clone' } },
    trace.setSpan(context.active(), parent)
  )
  child.addEvent('checkpoint', { 'checkpoint.n': 3, 'checkpoint.note': 'half way' }, EVENT_AT)
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'clone failed' })
  child.end(CHILD_END)
  parent.setStatus({ code: SpanStatusCode.OK })
  parent.end(PARENT_END)
  await provider.forceFlush()
  await provider.shutdown()
}

/** A counter, a gauge and a histogram, through a PeriodicExportingMetricReader flushed once; shut down by the returned function. */
async function sendMetrics(encoding: Encoding, url: string, compression: 'none' | 'gzip') {
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter(encoding, url, compression), exportIntervalMillis: 60_000 })
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] })
  const meter = provider.getMeter(SCOPE.name, SCOPE.version)
  const runs = meter.createCounter('bottle.runs', { description: 'runs started', unit: '{run}' })
  runs.add(2, { outcome: 'ok' })
  runs.add(1, { outcome: 'ok' })
  runs.add(5, { outcome: 'failed' })
  const queue = meter.createGauge('bottle.queue', { description: 'queued runs', valueType: ValueType.INT })
  queue.record(-4, { queue: 'main' })
  const duration = meter.createHistogram('bottle.duration', { description: 'run time', unit: 's', advice: { explicitBucketBoundaries: [1, 10, 100] } })
  for (const v of [0.5, 3, 20]) duration.record(v, { phase: 'run' })
  await reader.forceFlush()
  return () => provider.shutdown()
}

const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name))

/** Spans with their random ids replaced by what they mean (a parent link by the parent's name). */
function meaning(spans: Span[]) {
  const named = new Map(spans.map(s => [s.spanId, s.name]))
  return byName(spans).map(({ traceId, spanId, parentSpanId, ...rest }) => ({
    ...rest,
    sameTrace: traceId === spans[0]?.traceId,
    parent: parentSpanId === '' ? '' : (named.get(parentSpanId) ?? `? ${parentSpanId}`)
  }))
}

const results = new Map<string, { spans: Span[]; metrics: Metric[] }>()

describe.each([
  ['protobuf', 'none'],
  ['json', 'none'],
  ['protobuf', 'gzip'],
  ['json', 'gzip']
] as const)('the SDK exporting OTLP/HTTP %s (compression %s)', (encoding, compression) => {
  let receiver: Receiver
  let spans: Span[]
  let metrics: Metric[]

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    await sendSpans(encoding, receiver.url, compression)
    const shutdown = await sendMetrics(encoding, receiver.url, compression)
    spans = receiver.spans()
    metrics = receiver.metrics()
    await shutdown() // exports once more (cumulative); after the snapshot
    results.set(`${encoding}/${compression}`, { spans, metrics })
  })
  afterAll(() => receiver.close())

  it('records every request in its encoding, with no problems', () => {
    expect(receiver.problems).toEqual([])
    const contentType = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json'
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2)
    for (const r of receiver.requests) {
      expect(r).toEqual({
        path: expect.stringMatching(/^\/v1\/(traces|metrics)$/),
        contentType,
        contentEncoding: compression === 'gzip' ? 'gzip' : '',
        encoding,
        bytes: expect.any(Number),
        at: expect.any(Number)
      })
      expect(r.bytes).toBeGreaterThan(0)
    }
    expect(new Set(receiver.requests.map(r => r.path))).toEqual(new Set(['/v1/traces', '/v1/metrics']))
  })

  it('decodes the parent span and its child as made', () => {
    expect(spans).toHaveLength(2)
    const parent = spans.find(s => s.name === 'bottle.run')!
    const child = spans.find(s => s.name === 'bottle.step')!
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(parent.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(child.traceId).toBe(parent.traceId)
    expect(child.parentSpanId).toBe(parent.spanId)
    expect(parent).toEqual({
      traceId: parent.traceId,
      spanId: parent.spanId,
      parentSpanId: '',
      name: 'bottle.run',
      kind: 2, // SPAN_KIND_SERVER
      startTimeUnixNano: ns(PARENT_START),
      endTimeUnixNano: ns(PARENT_END),
      attributes: { 'run.id': 'r-1', 'run.turns': 7, 'run.cost': 0.25, 'run.sandboxed': true, 'run.delta': -3, 'run.tags': ['a', 'b'] },
      events: [],
      status: { code: 1, message: '' },
      resource: RESOURCE,
      scope: SCOPE
    })
    expect(child).toEqual({
      traceId: parent.traceId,
      spanId: child.spanId,
      parentSpanId: parent.spanId,
      name: 'bottle.step',
      kind: 3, // SPAN_KIND_CLIENT
      startTimeUnixNano: ns(CHILD_START),
      endTimeUnixNano: ns(CHILD_END),
      attributes: { 'step.name': 'clone' },
      events: [{ name: 'checkpoint', timeUnixNano: ns(EVENT_AT), attributes: { 'checkpoint.n': 3, 'checkpoint.note': 'half way' } }],
      status: { code: 2, message: 'clone failed' },
      resource: RESOURCE,
      scope: SCOPE
    })
    expect(typeof child.startTimeUnixNano).toBe('bigint')
  })

  it('decodes the counter, the gauge and the histogram as recorded', () => {
    const sortPoints = (m: Metric) => ({ ...m, points: [...m.points].sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes))) })
    expect(byName(metrics).map(sortPoints)).toEqual([
      {
        name: 'bottle.duration',
        description: 'run time',
        unit: 's',
        kind: 'histogram',
        resource: RESOURCE,
        scope: SCOPE,
        points: [{ attributes: { phase: 'run' }, count: 3, sum: 23.5, bucketCounts: [1, 1, 1, 0], explicitBounds: [1, 10, 100] }]
      },
      {
        name: 'bottle.queue',
        description: 'queued runs',
        unit: '',
        kind: 'gauge',
        resource: RESOURCE,
        scope: SCOPE,
        points: [{ attributes: { queue: 'main' }, value: -4 }]
      },
      {
        name: 'bottle.runs',
        description: 'runs started',
        unit: '{run}',
        kind: 'sum',
        monotonic: true,
        resource: RESOURCE,
        scope: SCOPE,
        points: [
          { attributes: { outcome: 'failed' }, value: 5 },
          { attributes: { outcome: 'ok' }, value: 3 }
        ]
      }
    ])
  })
})

it('normalises every encoding and compression to the same spans and metrics', () => {
  const [first, ...rest] = [...results.values()]
  expect(results.size).toBe(4)
  for (const r of rest) {
    expect(meaning(r.spans)).toEqual(meaning(first!.spans))
    expect(byName(r.metrics)).toEqual(byName(first!.metrics))
  }
  expect(meaning(first!.spans).map(s => [s.name, s.parent, s.sameTrace])).toEqual([
    ['bottle.run', '', true],
    ['bottle.step', 'bottle.run', true]
  ])
})

/** One finished span, made by the SDK, to hand an exporter directly. */
function oneSpan() {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] })
  provider.getTracer('t').startSpan('lonely').end()
  return memory.getFinishedSpans()
}

describe.each(['protobuf', 'json'] as const)('failures the SDK sees (%s)', encoding => {
  it('a 503 answer fails the span export (no retry inside a 300 ms timeout)', async () => {
    const receiver = await startOtlpReceiver({ status: 503 })
    try {
      const exporter = traceExporter(encoding, receiver.url, 'none', { timeoutMillis: 300 })
      const result = await new Promise<ExportResult>(r => exporter.export(oneSpan(), r))
      expect(result.code).toBe(ExportResultCode.FAILED)
      // the SDK's first retry backs off 1 s +- 20%, past the 300 ms timeout: one request only
      expect(receiver.requests).toHaveLength(1)
      expect(receiver.spans().map(s => s.name)).toEqual(['lonely'])
      expect(receiver.problems).toEqual([])
      await exporter.shutdown()
    } finally {
      await receiver.close()
    }
  })

  it('a 503 answer fails the metric export while forceFlush itself resolves', async () => {
    const receiver = await startOtlpReceiver({ status: 503 })
    try {
      const otlp = metricExporter(encoding, receiver.url, 'none', { timeoutMillis: 300 })
      const seen: ExportResult[] = []
      const recording: PushMetricExporter = {
        export: (m, done) => otlp.export(m, r => (seen.push(r), done(r))),
        forceFlush: () => otlp.forceFlush(),
        shutdown: () => otlp.shutdown(),
        selectAggregationTemporality: k => otlp.selectAggregationTemporality(k)
      }
      const reader = new PeriodicExportingMetricReader({ exporter: recording, exportIntervalMillis: 60_000, exportTimeoutMillis: 1_000 })
      const provider = new MeterProvider({ readers: [reader] })
      provider.getMeter('t').createCounter('c').add(1)
      await expect(reader.forceFlush()).resolves.toBeUndefined()
      expect(seen.map(r => r.code)).toEqual([ExportResultCode.FAILED])
      expect(receiver.metrics().map(m => m.name)).toEqual(['c'])
      await provider.shutdown().catch(() => undefined)
    } finally {
      await receiver.close()
    }
  })

  it('a receiver that never answers fails the export at the exporter timeout, and close() ends it', async () => {
    const receiver = await startOtlpReceiver({ hang: true })
    try {
      const exporter = traceExporter(encoding, receiver.url, 'none', { timeoutMillis: 300 })
      const started = Date.now()
      const result = await new Promise<ExportResult>(r => exporter.export(oneSpan(), r))
      const took = Date.now() - started
      expect(result.code).toBe(ExportResultCode.FAILED)
      expect(took).toBeGreaterThanOrEqual(250)
      expect(took).toBeLessThan(1_000)
      expect(receiver.requests).toHaveLength(1)
      await exporter.shutdown()
    } finally {
      const closing = Date.now()
      await receiver.close()
      expect(Date.now() - closing).toBeLessThan(500)
    }
  })
})

it('answers `status` with a google.rpc.Status in the request encoding, and `delayMs` late', async () => {
  const receiver = await startOtlpReceiver({ status: 503, delayMs: 150 })
  try {
    const started = Date.now()
    const proto = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array() })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect([proto.status, proto.headers.get('content-type')]).toEqual([503, 'application/x-protobuf'])
    const body = Buffer.from(await proto.arrayBuffer())
    // google.rpc.Status: code (field 1) UNAVAILABLE = 14, message (field 2)
    expect([...body.subarray(0, 3)]).toEqual([0x08, 14, 0x12])
    expect(body.subarray(4, 4 + body[3]!).toString()).toMatch(/503/)
    const json = await fetch(`${receiver.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect([json.status, json.headers.get('content-type'), await json.json()]).toEqual([
      503,
      'application/json',
      { code: 14, message: expect.stringMatching(/503/) }
    ])
    expect(receiver.problems).toEqual([])
  } finally {
    await receiver.close()
  }
})

describe('the receiver on its own', () => {
  let receiver: Receiver
  beforeEach(async () => {
    receiver = await startOtlpReceiver()
  })
  afterEach(() => receiver.close())

  const post = (path: string, contentType: string, body: Uint8Array | string) =>
    fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body })

  it('answers a garbage protobuf body 400 with a google.rpc.Status, and records the problem', async () => {
    const res = await post('/v1/traces', 'application/x-protobuf', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/x-protobuf')
    const body = Buffer.from(await res.arrayBuffer())
    // google.rpc.Status: field 1 (code) varint INVALID_ARGUMENT = 3, field 2 (message) a string
    expect([...body.subarray(0, 3)]).toEqual([0x08, 0x03, 0x12])
    expect(body.subarray(4).toString()).toMatch(/protobuf body is no ExportTraceServiceRequest: varint longer than 10 bytes/)
    expect(receiver.problems).toEqual([expect.stringMatching(/^POST \/v1\/traces: protobuf body is no ExportTraceServiceRequest/)])
    expect(receiver.spans()).toEqual([])
  })

  it('answers garbage JSON 400 with a JSON google.rpc.Status, and records the problem', async () => {
    const res = await post('/v1/metrics', 'application/json', '{"resourceMetrics": [nope')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual({ code: 3, message: expect.stringMatching(/^json body is no ExportMetricsServiceRequest/) })
    expect(receiver.problems).toHaveLength(1)
  })

  it('refuses what OTLP/HTTP is not: another path, another content type, an enum by name', async () => {
    expect((await post('/v1/logs', 'application/x-protobuf', new Uint8Array())).status).toBe(404)
    expect((await post('/v1/traces', 'text/plain', 'hello')).status).toBe(415)
    const named = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', kind: 'SPAN_KIND_SERVER' }] }] }]
    }
    expect((await post('/v1/traces', 'application/json', JSON.stringify(named))).status).toBe(400)
    expect(receiver.problems).toEqual([
      expect.stringMatching(/^POST \/v1\/logs: no OTLP\/HTTP path/),
      expect.stringMatching(/^POST \/v1\/traces: content-type "text\/plain"/),
      expect.stringMatching(/kind: "SPAN_KIND_SERVER" is not an integer enum value/)
    ])
  })

  it('answers an empty export 200 with an empty Export*ServiceResponse in the request encoding', async () => {
    const proto = await post('/v1/traces', 'application/x-protobuf', new Uint8Array())
    expect([proto.status, proto.headers.get('content-type'), (await proto.arrayBuffer()).byteLength]).toEqual([200, 'application/x-protobuf', 0])
    const json = await post('/v1/metrics', 'application/json', '{}')
    expect([json.status, json.headers.get('content-type'), await json.json()]).toEqual([200, 'application/json', {}])
    expect(receiver.problems).toEqual([])
  })

  it('skips unknown protobuf fields of every wire type, as protobuf parsers do', async () => {
    const varint = (n: number) => {
      const out: number[] = []
      for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80)
      return [...out, n]
    }
    const tag = (field: number, wt: number) => varint(field * 8 + wt)
    const len = (field: number, bytes: number[]) => [...tag(field, 2), ...varint(bytes.length), ...bytes]
    const fixed64 = (n: bigint) => {
      const b = Buffer.alloc(8)
      b.writeBigUInt64LE(n)
      return [...b]
    }
    const traceId = Array.from({ length: 16 }, (_, i) => i + 1)
    const spanId = Array.from({ length: 8 }, (_, i) => 0xa0 + i)
    const span = [
      ...len(1, traceId),
      ...tag(99, 0), // unknown varint
      ...varint(300),
      ...len(2, spanId),
      ...tag(100, 5), // unknown fixed32
      1,
      2,
      3,
      4,
      ...len(101, [...Buffer.from('unknown')]), // unknown length-delimited
      ...tag(102, 3), // unknown group holding a varint and a nested group
      ...tag(1, 0),
      5,
      ...tag(2, 3),
      ...tag(2, 4),
      ...tag(102, 4),
      ...tag(103, 1), // unknown fixed64
      ...fixed64(7n),
      ...len(5, [...Buffer.from('hand-made')]),
      ...tag(7, 1),
      ...fixed64(1_700_000_000_123_456_789n),
      ...len(9, [...len(1, [...Buffer.from('n')]), ...len(2, [...tag(3, 0), ...Array(9).fill(0xff), 0x01])]) // int_value -1: ten bytes of two's complement
    ]
    const request = len(1, len(2, len(2, span)))
    const res = await post('/v1/traces', 'application/x-protobuf', new Uint8Array(request))
    expect(res.status).toBe(200)
    expect(receiver.problems).toEqual([])
    expect(receiver.spans()).toEqual([
      {
        traceId: '0102030405060708090a0b0c0d0e0f10',
        spanId: 'a0a1a2a3a4a5a6a7',
        parentSpanId: '',
        name: 'hand-made',
        kind: 0,
        startTimeUnixNano: 1_700_000_000_123_456_789n,
        endTimeUnixNano: 0n,
        attributes: { n: -1 },
        events: [],
        status: { code: 0, message: '' },
        resource: {},
        scope: { name: '', version: '' }
      }
    ])
  })

  it('ignores unknown JSON keys, reads hex ids in any case and 64-bit integers as strings or numbers', async () => {
    const body = {
      resourceSpans: [
        {
          futureField: { anything: 1 },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  name: 'from json',
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: 1544712661000000000,
                  attributes: [
                    { key: 'big', value: { intValue: '42' } },
                    { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } }
                  ],
                  somethingNew: true
                }
              ]
            }
          ]
        }
      ]
    }
    expect((await post('/v1/traces', 'application/json', JSON.stringify(body))).status).toBe(200)
    expect(receiver.problems).toEqual([])
    expect(receiver.spans()).toEqual([
      expect.objectContaining({
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        startTimeUnixNano: 1544712660000000000n,
        endTimeUnixNano: 1544712661000000000n,
        attributes: { big: 42, nested: { k: false } }
      })
    ])
  })

  it('waitFor resolves once its predicate holds and rejects, saying what it saw, when it never does', async () => {
    const later = receiver.waitFor(r => r.requests.length > 0, 2_000)
    await post('/v1/traces', 'application/x-protobuf', new Uint8Array())
    await expect(later).resolves.toBeUndefined()
    await expect(receiver.waitFor(r => r.spans().length > 0, 50)).rejects.toThrow(
      /did not hold within 50 ms \(1 requests: \/v1\/traces; 0 spans, 0 metrics; problems: none\)/
    )
  })
})
