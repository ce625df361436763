import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { TelemetryConfig } from '../config/telemetry-policy.js'
import { errorMessage } from '../util/errors.js'
import type { MetricPlan, SpanPlan } from './trace-plan.js'
import { MAX_DECISIONS } from './run-facts.js'

/**
 * The OpenTelemetry SDK's side of the export: loaded (with the SDK) only when an endpoint is set,
 * and only by the main step. Spans are made after the fact with the times the run recorded, so
 * nothing of the SDK runs while claude does; the exporters' queues are bounded and every request
 * is cut at the deadline.
 */

/** The instrumentation scope's name and version in every export. */
const SCOPE = 'bot-bottle'

/**
 * Builds `make()`'s exporters blind to the OTEL_EXPORTER_OTLP_* environment: the SDK's constructors
 * read it (headers, endpoints) and merge it under what they are given, so a job set up for one
 * collector would send that collector's key to the one `otel-endpoint` names. What applies was
 * read once, in the config. The constructors are synchronous: nothing else runs meanwhile.
 */
function blindToEnvironment<T>(make: () => T): T {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_EXPORTER_OTLP_'))
  for (const [k] of saved) delete process.env[k]
  try {
    return make()
  } finally {
    for (const [k, v] of saved) process.env[k] = v
  }
}

/**
 * The agents every export request goes through, kept so the deadline can end them: the SDK's own
 * timeout is a socket idle timeout, which a collector sending a byte a second never trips.
 */
class Agents {
  private readonly made: http.Agent[] = []
  constructor(private readonly ca?: Buffer) {}

  readonly factory = (protocol: string): http.Agent => {
    const agent = protocol === 'http:' ? new http.Agent({ keepAlive: false }) : new https.Agent({ keepAlive: false, ...(this.ca && { ca: this.ca }) })
    this.made.push(agent)
    return agent
  }

  /** Ends every socket still open (a request still in flight fails; the step goes on). */
  destroy(): void {
    for (const a of this.made) a.destroy()
  }
}

/** The exporter packages of one protocol, loading (each package loaded only for its own protocol; once a process). */
const loading = new Map<TelemetryConfig['protocol'], Promise<ExporterModules>>()
type ExporterModules = readonly [typeof import('@opentelemetry/exporter-trace-otlp-proto'), typeof import('@opentelemetry/exporter-metrics-otlp-proto')]

/** Starts loading `protocol`'s exporters (the run's start calls it, so the export at its end does not wait for them). */
export function loadExporters(protocol: TelemetryConfig['protocol']): Promise<ExporterModules> {
  let modules = loading.get(protocol)
  if (!modules) {
    // the http/json and http/protobuf packages export the same classes
    modules = (
      protocol === 'http/json'
        ? Promise.all([import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/exporter-metrics-otlp-http')])
        : Promise.all([import('@opentelemetry/exporter-trace-otlp-proto'), import('@opentelemetry/exporter-metrics-otlp-proto')])
    ) as Promise<ExporterModules>
    loading.set(protocol, modules)
  }
  return modules
}

/** The exporters for the configured protocol. */
async function exporters(cfg: TelemetryConfig, timeoutMillis: number, agents: Agents): Promise<{ spans?: SpanExporter; metrics?: PushMetricExporter }> {
  const compression = cfg.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE
  const common = { headers: cfg.headers, timeoutMillis, httpAgentOptions: agents.factory, compression }
  const [t, m] = await loadExporters(cfg.protocol)
  return blindToEnvironment(() => ({
    ...(cfg.tracesUrl && { spans: new t.OTLPTraceExporter({ ...common, url: cfg.tracesUrl }) }),
    ...(cfg.metricsUrl && { metrics: new m.OTLPMetricExporter({ ...common, url: cfg.metricsUrl }) })
  }))
}

/** A failure an exporter reported (the metric reader only hands it to the global error handler): the first, in words. */
interface Failures {
  first?: string
}

/** `exporter` with every export's failure noted in `failures`. */
function watched<T extends SpanExporter | PushMetricExporter>(exporter: T, signal: string, failures: Failures): T {
  const exportOne = exporter.export.bind(exporter) as (items: unknown, done: (r: ExportResult) => void) => void
  ;(exporter as { export: typeof exportOne }).export = (items, done) =>
    exportOne(items, r => {
      if (r.code !== ExportResultCode.SUCCESS) failures.first ??= `${signal}: ${r.error ? message(r.error) : 'export failed'}`
      done(r)
    })
  return exporter
}

/** Makes the planned spans on `provider` with their recorded times, parents before children. */
function makeSpans(provider: BasicTracerProvider, plan: readonly SpanPlan[], version: string): void {
  const tracer = provider.getTracer(SCOPE, version)
  const made = new Map<string, Span>()
  const ended: [Span, number][] = []
  for (const p of plan) {
    const parent = p.parent ? made.get(p.parent) : undefined
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active()
    const span = tracer.startSpan(
      p.name,
      { kind: p.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: p.startMs, attributes: p.attributes, root: !parent },
      ctx
    )
    for (const e of p.events) span.addEvent(e.name, e.attributes, e.timeMs)
    if (p.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: p.error })
    made.set(p.key, span)
    ended.push([span, Math.max(p.startMs, p.endMs)])
  }
  // children end before their parents, as they did
  for (const [span, end] of ended.reverse()) span.end(end)
}

/** Records the planned metric points on `provider`. */
function recordMetrics(provider: MeterProvider, plan: readonly MetricPlan[], version: string): void {
  const meter = provider.getMeter(SCOPE, version)
  for (const m of plan) {
    if (m.kind === 'counter') {
      const counter = meter.createCounter(m.name, { unit: m.unit, description: m.description })
      for (const p of m.points) counter.add(p.value, p.attributes)
    } else {
      const histogram = meter.createHistogram(m.name, { unit: m.unit, description: m.description })
      for (const p of m.points) histogram.record(p.value, p.attributes)
    }
  }
}

export interface ExportOutcome {
  /** one line for the log when something went wrong (the first failure, or the deadline), else undefined */
  problem?: string
  ms: number
}

/**
 * Exports the run's spans and metrics, within `deadlineMs` whatever the collector does: a
 * collector that is down, slow or refusing costs at most the deadline and one warning line.
 */
export async function exportRun(
  cfg: TelemetryConfig,
  resource: Record<string, string>,
  spans: readonly SpanPlan[],
  metrics: readonly MetricPlan[],
  version: string,
  deadlineMs: number
): Promise<ExportOutcome> {
  const started = Date.now()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<string>(resolve => {
    timer = setTimeout(() => resolve(`the collector did not take the export within ${deadlineMs / 1000} s`), deadlineMs)
    timer.unref()
  })
  const agents = new Agents(cfg.caFile ? fs.readFileSync(cfg.caFile) : undefined)
  const work = async (): Promise<string | undefined> => {
    const ex = await exporters(cfg, deadlineMs, agents)
    const res = resourceFromAttributes(resource)
    const problems: string[] = []
    const failures: Failures = {}
    const flushes: Promise<unknown>[] = []
    if (ex.spans) {
      const processor = new BatchSpanProcessor(watched(ex.spans, 'traces', failures), {
        maxQueueSize: spans.length + 1,
        maxExportBatchSize: 512,
        exportTimeoutMillis: deadlineMs,
        scheduledDelayMillis: deadlineMs
      })
      const tp = new BasicTracerProvider({
        resource: res,
        spanProcessors: [processor],
        spanLimits: { eventCountLimit: MAX_DECISIONS, attributeCountLimit: 64, attributeValueLengthLimit: 16_384 }
      })
      makeSpans(tp, spans, version)
      flushes.push(tp.forceFlush().catch((e: unknown) => problems.push(`traces: ${message(e)}`)))
    }
    if (ex.metrics) {
      const reader = new PeriodicExportingMetricReader({
        exporter: watched(ex.metrics, 'metrics', failures),
        exportIntervalMillis: 3_600_000,
        exportTimeoutMillis: deadlineMs
      })
      const mp = new MeterProvider({ resource: res, readers: [reader] })
      recordMetrics(mp, metrics, version)
      flushes.push(mp.forceFlush().catch((e: unknown) => problems.push(`metrics: ${message(e)}`)))
    }
    // no shutdown after: the metric reader's would export the same points again (and wait on a hung collector
    // again); what the providers leave are unref'd timers and requests each cut at the deadline
    await Promise.all(flushes)
    if (failures.first && !problems.some(p => p.startsWith(failures.first!.split(':')[0]!))) problems.push(failures.first)
    return problems.length ? problems.join('; ') : undefined
  }
  try {
    const problem = await Promise.race([work().catch((e: unknown) => message(e)), deadline])
    return { ...(problem && { problem }), ms: Date.now() - started }
  } finally {
    clearTimeout(timer)
    agents.destroy()
  }
}

/** An error's first line, capped: one warning line. */
function message(e: unknown): string {
  return errorMessage(e).split('\n')[0]!.slice(0, 300)
}
