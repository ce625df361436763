export const id = 569;
export const ids = [569];
export const modules = {

/***/ 27569:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   exportRun: () => (/* binding */ exportRun),
/* harmony export */   loadExporters: () => (/* binding */ loadExporters)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(37067);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(44708);
/* harmony import */ var _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(63914);
/* harmony import */ var _opentelemetry_core__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(24637);
/* harmony import */ var _opentelemetry_otlp_exporter_base__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(66909);
/* harmony import */ var _opentelemetry_resources__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(75647);
/* harmony import */ var _opentelemetry_sdk_metrics__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(89174);
/* harmony import */ var _opentelemetry_sdk_trace_base__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(19644);
/* harmony import */ var _util_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(99661);
/* harmony import */ var _run_facts_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(56260);











/**
 * The OpenTelemetry SDK's side of the export: loaded (with the SDK) only when an endpoint is set,
 * and only by the main step. Spans are made after the fact with the times the run recorded, so
 * nothing of the SDK runs while claude does; the exporters' queues are bounded and every request
 * is cut at the deadline.
 */
/** The instrumentation scope's name and version in every export. */
const SCOPE = 'bot-bottle';
/**
 * Builds `make()`'s exporters blind to the OTEL_EXPORTER_OTLP_* environment: the SDK's constructors
 * read it (headers, endpoints) and merge it under what they are given, so a job set up for one
 * collector would send that collector's key to the one `otel-endpoint` names. What applies was
 * read once, in the config. The constructors are synchronous: nothing else runs meanwhile.
 */
function blindToEnvironment(make) {
    const saved = Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_EXPORTER_OTLP_'));
    for (const [k] of saved)
        delete process.env[k];
    try {
        return make();
    }
    finally {
        for (const [k, v] of saved)
            process.env[k] = v;
    }
}
/**
 * The agents every export request goes through, kept so the deadline can end them: the SDK's own
 * timeout is a socket idle timeout, which a collector sending a byte a second never trips.
 */
class Agents {
    ca;
    made = [];
    constructor(ca) {
        this.ca = ca;
    }
    factory = (protocol) => {
        const agent = protocol === 'http:' ? new node_http__WEBPACK_IMPORTED_MODULE_1__.Agent({ keepAlive: false }) : new node_https__WEBPACK_IMPORTED_MODULE_2__.Agent({ keepAlive: false, ...(this.ca && { ca: this.ca }) });
        this.made.push(agent);
        return agent;
    };
    /** Ends every socket still open (a request still in flight fails; the step goes on). */
    destroy() {
        for (const a of this.made)
            a.destroy();
    }
}
/** The exporter packages of one protocol, loading (each package loaded only for its own protocol; once a process). */
const loading = new Map();
/** Starts loading `protocol`'s exporters (the run's start calls it, so the export at its end does not wait for them). */
function loadExporters(protocol) {
    let modules = loading.get(protocol);
    if (!modules) {
        // the http/json and http/protobuf packages export the same classes
        modules = (protocol === 'http/json'
            ? Promise.all([Promise.all(/* import() */[__webpack_require__.e(438), __webpack_require__.e(4)]).then(__webpack_require__.t.bind(__webpack_require__, 86004, 19)), Promise.all(/* import() */[__webpack_require__.e(438), __webpack_require__.e(816)]).then(__webpack_require__.t.bind(__webpack_require__, 78816, 19))])
            : Promise.all([Promise.all(/* import() */[__webpack_require__.e(438), __webpack_require__.e(358)]).then(__webpack_require__.t.bind(__webpack_require__, 57358, 19)), Promise.all(/* import() */[__webpack_require__.e(438), __webpack_require__.e(458)]).then(__webpack_require__.t.bind(__webpack_require__, 8458, 19))]));
        loading.set(protocol, modules);
    }
    return modules;
}
/** The exporters for the configured protocol. */
async function exporters(cfg, timeoutMillis, agents) {
    const compression = cfg.compression === 'gzip' ? _opentelemetry_otlp_exporter_base__WEBPACK_IMPORTED_MODULE_5__.CompressionAlgorithm.GZIP : _opentelemetry_otlp_exporter_base__WEBPACK_IMPORTED_MODULE_5__.CompressionAlgorithm.NONE;
    const common = { headers: cfg.headers, timeoutMillis, httpAgentOptions: agents.factory, compression };
    const [t, m] = await loadExporters(cfg.protocol);
    return blindToEnvironment(() => ({
        ...(cfg.tracesUrl && { spans: new t.OTLPTraceExporter({ ...common, url: cfg.tracesUrl }) }),
        ...(cfg.metricsUrl && { metrics: new m.OTLPMetricExporter({ ...common, url: cfg.metricsUrl }) })
    }));
}
/** `exporter` with every export's failure noted in `failures`. */
function watched(exporter, signal, failures) {
    const exportOne = exporter.export.bind(exporter);
    exporter.export = (items, done) => exportOne(items, r => {
        if (r.code !== _opentelemetry_core__WEBPACK_IMPORTED_MODULE_6__.ExportResultCode.SUCCESS)
            failures.first ??= `${signal}: ${r.error ? message(r.error) : 'export failed'}`;
        done(r);
    });
    return exporter;
}
/** Makes the planned spans on `provider` with their recorded times, parents before children. */
function makeSpans(provider, plan, version) {
    const tracer = provider.getTracer(SCOPE, version);
    const made = new Map();
    const ended = [];
    for (const p of plan) {
        const parent = p.parent ? made.get(p.parent) : undefined;
        const ctx = parent ? _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.trace.setSpan(_opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.context.active(), parent) : _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.context.active();
        const span = tracer.startSpan(p.name, { kind: p.kind === 'client' ? _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.SpanKind.CLIENT : _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.SpanKind.INTERNAL, startTime: p.startMs, attributes: p.attributes, root: !parent }, ctx);
        for (const e of p.events)
            span.addEvent(e.name, e.attributes, e.timeMs);
        if (p.error !== undefined)
            span.setStatus({ code: _opentelemetry_api__WEBPACK_IMPORTED_MODULE_7__.SpanStatusCode.ERROR, message: p.error });
        made.set(p.key, span);
        ended.push([span, Math.max(p.startMs, p.endMs)]);
    }
    // children end before their parents, as they did
    for (const [span, end] of ended.reverse())
        span.end(end);
}
/** Records the planned metric points on `provider`. */
function recordMetrics(provider, plan, version) {
    const meter = provider.getMeter(SCOPE, version);
    for (const m of plan) {
        if (m.kind === 'counter') {
            const counter = meter.createCounter(m.name, { unit: m.unit, description: m.description });
            for (const p of m.points)
                counter.add(p.value, p.attributes);
        }
        else {
            const histogram = meter.createHistogram(m.name, { unit: m.unit, description: m.description });
            for (const p of m.points)
                histogram.record(p.value, p.attributes);
        }
    }
}
/**
 * Exports the run's spans and metrics, within `deadlineMs` whatever the collector does: a
 * collector that is down, slow or refusing costs at most the deadline and one warning line.
 */
async function exportRun(cfg, resource, spans, metrics, version, deadlineMs) {
    const started = Date.now();
    let timer;
    const deadline = new Promise(resolve => {
        timer = setTimeout(() => resolve(`the collector did not take the export within ${deadlineMs / 1000} s`), deadlineMs);
        timer.unref();
    });
    const agents = new Agents(cfg.caFile ? node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(cfg.caFile) : undefined);
    const work = async () => {
        const ex = await exporters(cfg, deadlineMs, agents);
        const res = (0,_opentelemetry_resources__WEBPACK_IMPORTED_MODULE_8__.resourceFromAttributes)(resource);
        const problems = [];
        const failures = {};
        const flushes = [];
        if (ex.spans) {
            const processor = new _opentelemetry_sdk_trace_base__WEBPACK_IMPORTED_MODULE_9__/* .BatchSpanProcessor */ .J(watched(ex.spans, 'traces', failures), {
                maxQueueSize: spans.length + 1,
                maxExportBatchSize: 512,
                exportTimeoutMillis: deadlineMs,
                scheduledDelayMillis: deadlineMs
            });
            const tp = new _opentelemetry_sdk_trace_base__WEBPACK_IMPORTED_MODULE_9__/* .BasicTracerProvider */ .l({
                resource: res,
                spanProcessors: [processor],
                spanLimits: { eventCountLimit: _run_facts_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_DECISIONS */ .R8, attributeCountLimit: 64, attributeValueLengthLimit: 16_384 }
            });
            makeSpans(tp, spans, version);
            flushes.push(tp.forceFlush().catch((e) => problems.push(`traces: ${message(e)}`)));
        }
        if (ex.metrics) {
            const reader = new _opentelemetry_sdk_metrics__WEBPACK_IMPORTED_MODULE_10__.PeriodicExportingMetricReader({
                exporter: watched(ex.metrics, 'metrics', failures),
                exportIntervalMillis: 3_600_000,
                exportTimeoutMillis: deadlineMs
            });
            const mp = new _opentelemetry_sdk_metrics__WEBPACK_IMPORTED_MODULE_10__.MeterProvider({ resource: res, readers: [reader] });
            recordMetrics(mp, metrics, version);
            flushes.push(mp.forceFlush().catch((e) => problems.push(`metrics: ${message(e)}`)));
        }
        // no shutdown after: the metric reader's would export the same points again (and wait on a hung collector
        // again); what the providers leave are unref'd timers and requests each cut at the deadline
        await Promise.all(flushes);
        if (failures.first && !problems.some(p => p.startsWith(failures.first.split(':')[0])))
            problems.push(failures.first);
        return problems.length ? problems.join('; ') : undefined;
    };
    try {
        const problem = await Promise.race([work().catch((e) => message(e)), deadline]);
        return { ...(problem && { problem }), ms: Date.now() - started };
    }
    finally {
        clearTimeout(timer);
        agents.destroy();
    }
}
/** An error's first line, capped: one warning line. */
function message(e) {
    return (0,_util_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(e).split('\n')[0].slice(0, 300);
}


/***/ })

};
