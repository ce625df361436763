// A loopback OTLP/HTTP receiver (the OpenTelemetry Protocol's HTTP transport, as an OpenTelemetry
// Collector's otlphttp receiver speaks it) that decodes what it is sent, in both of OTLP/HTTP's
// encodings, so a test can assert on the spans and metrics a program exported. The protocol is as
// written down in open-telemetry/opentelemetry-proto, recorded from its repository at commit
// ac2c4b5d1f3a6079de62f9afec860158ecc8af09 (docs/specification.md, section "OTLP/HTTP"):
//   POST /v1/traces carries an ExportTraceServiceRequest, POST /v1/metrics an
//   ExportMetricsServiceRequest (opentelemetry/proto/collector/{trace,metrics}/v1/*_service.proto);
//   Content-Type application/x-protobuf is the binary protobuf encoding, application/json the
//   OTLP/JSON one (proto3 JSON mapping with lowerCamelCase keys, trace and span ids as hex, enums as
//   integers, 64-bit integers as decimal strings or numbers, unknown keys ignored);
//   Content-Encoding: gzip is accepted; the body is limited to 64 MiB (413 beyond);
//   success is 200 with the Export*ServiceResponse (partial_success unset: an empty message) in the
//   request's encoding and Content-Type; a failure is a 4xx/5xx whose body is a google.rpc.Status
//   (googleapis google/rpc/status.proto), undecodable data being 400; 429/502/503/504 are the
//   retryable codes a client retries (the `status` option answers one of those, or any other).
// The binary decoder is this file's own (varint, 64-bit, length-delimited, 32-bit and the deprecated
// group wire types; packed and unpacked repeated scalars; unknown fields skipped by their wire type,
// as real protobuf parsers do), driven by SCHEMA below, whose field numbers are the .proto files'.
// Both encodings decode to the same intermediate (the JSON names; bytes as Buffers, 64-bit integers
// as BigInts), which is normalised once, so assertions need not care which encoding a client used.
// Options: `status` answers every well-formed request with that HTTP status instead of 200;
// `delayMs` holds every answer that long; `hang` never answers (until close()).
// What a request carried is in spans()/metrics() whatever the answer was (a retried request shows
// twice, as the client sent it twice). Anything malformed (a method or path OTLP/HTTP has not, an
// unknown content type or encoding, a body that does not decode) is answered as the specification
// says and recorded in `problems`, which tests assert stays empty.
// Not modelled: logs and profiles, partial success answers, Retry-After, gzip-encoded answers,
// HTTP/2, TLS.
import http from 'node:http'
import zlib from 'node:zlib'

const BODY_LIMIT = 64 * 1024 * 1024

/**
 * The messages of opentelemetry-proto the two export requests hold, by field number: [JSON name,
 * type, oneof]. A type ending in [] is a repeated field; `hex` is `bytes` written as hex in OTLP/JSON
 * (trace and span ids; the specification's "JSON Protobuf Encoding" deviations). Field numbers and
 * types are the .proto files' at the commit above; a message is named as in its file.
 */
const SCHEMA = {
  // opentelemetry/proto/collector/trace/v1/trace_service.proto
  ExportTraceServiceRequest: { 1: ['resourceSpans', 'ResourceSpans[]'] },
  // opentelemetry/proto/collector/metrics/v1/metrics_service.proto
  ExportMetricsServiceRequest: { 1: ['resourceMetrics', 'ResourceMetrics[]'] },

  // opentelemetry/proto/common/v1/common.proto: AnyValue's `oneof value`, ArrayValue, KeyValueList,
  // KeyValue, InstrumentationScope, EntityRef
  AnyValue: {
    1: ['stringValue', 'string', 'value'],
    2: ['boolValue', 'bool', 'value'],
    3: ['intValue', 'int64', 'value'],
    4: ['doubleValue', 'double', 'value'],
    5: ['arrayValue', 'ArrayValue', 'value'],
    6: ['kvlistValue', 'KeyValueList', 'value'],
    7: ['bytesValue', 'bytes', 'value'],
    8: ['stringValueStrindex', 'int32', 'value']
  },
  ArrayValue: { 1: ['values', 'AnyValue[]'] },
  KeyValueList: { 1: ['values', 'KeyValue[]'] },
  KeyValue: { 1: ['key', 'string'], 2: ['value', 'AnyValue'], 3: ['keyStrindex', 'int32'] },
  InstrumentationScope: { 1: ['name', 'string'], 2: ['version', 'string'], 3: ['attributes', 'KeyValue[]'], 4: ['droppedAttributesCount', 'uint32'] },
  EntityRef: { 1: ['schemaUrl', 'string'], 2: ['type', 'string'], 3: ['idKeys', 'string[]'], 4: ['descriptionKeys', 'string[]'] },

  // opentelemetry/proto/resource/v1/resource.proto: Resource
  Resource: { 1: ['attributes', 'KeyValue[]'], 2: ['droppedAttributesCount', 'uint32'], 3: ['entityRefs', 'EntityRef[]'] },

  // opentelemetry/proto/trace/v1/trace.proto: ResourceSpans, ScopeSpans, Span (trace_id 1 ... flags 16),
  // Span.Event, Span.Link, Status (field 1 reserved; code is the StatusCode enum)
  ResourceSpans: { 1: ['resource', 'Resource'], 2: ['scopeSpans', 'ScopeSpans[]'], 3: ['schemaUrl', 'string'] },
  ScopeSpans: { 1: ['scope', 'InstrumentationScope'], 2: ['spans', 'Span[]'], 3: ['schemaUrl', 'string'] },
  Span: {
    1: ['traceId', 'hex'],
    2: ['spanId', 'hex'],
    3: ['traceState', 'string'],
    4: ['parentSpanId', 'hex'],
    16: ['flags', 'fixed32'],
    5: ['name', 'string'],
    6: ['kind', 'enum'],
    7: ['startTimeUnixNano', 'fixed64'],
    8: ['endTimeUnixNano', 'fixed64'],
    9: ['attributes', 'KeyValue[]'],
    10: ['droppedAttributesCount', 'uint32'],
    11: ['events', 'SpanEvent[]'],
    12: ['droppedEventsCount', 'uint32'],
    13: ['links', 'SpanLink[]'],
    14: ['droppedLinksCount', 'uint32'],
    15: ['status', 'Status']
  },
  SpanEvent: { 1: ['timeUnixNano', 'fixed64'], 2: ['name', 'string'], 3: ['attributes', 'KeyValue[]'], 4: ['droppedAttributesCount', 'uint32'] },
  SpanLink: {
    1: ['traceId', 'hex'],
    2: ['spanId', 'hex'],
    3: ['traceState', 'string'],
    4: ['attributes', 'KeyValue[]'],
    5: ['droppedAttributesCount', 'uint32'],
    6: ['flags', 'fixed32']
  },
  Status: { 2: ['message', 'string'], 3: ['code', 'enum'] },

  // opentelemetry/proto/metrics/v1/metrics.proto: ResourceMetrics, ScopeMetrics, Metric (reserved 4,
  // 6, 8; `oneof data` gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11), Gauge, Sum,
  // Histogram, ExponentialHistogram, Summary, NumberDataPoint (`oneof value` as_double 4, as_int 6),
  // HistogramDataPoint, ExponentialHistogramDataPoint (and its Buckets), SummaryDataPoint (and its
  // ValueAtQuantile), Exemplar
  ResourceMetrics: { 1: ['resource', 'Resource'], 2: ['scopeMetrics', 'ScopeMetrics[]'], 3: ['schemaUrl', 'string'] },
  ScopeMetrics: { 1: ['scope', 'InstrumentationScope'], 2: ['metrics', 'Metric[]'], 3: ['schemaUrl', 'string'] },
  Metric: {
    1: ['name', 'string'],
    2: ['description', 'string'],
    3: ['unit', 'string'],
    5: ['gauge', 'Gauge', 'data'],
    7: ['sum', 'Sum', 'data'],
    9: ['histogram', 'Histogram', 'data'],
    10: ['exponentialHistogram', 'ExponentialHistogram', 'data'],
    11: ['summary', 'Summary', 'data'],
    12: ['metadata', 'KeyValue[]']
  },
  Gauge: { 1: ['dataPoints', 'NumberDataPoint[]'] },
  Sum: { 1: ['dataPoints', 'NumberDataPoint[]'], 2: ['aggregationTemporality', 'enum'], 3: ['isMonotonic', 'bool'] },
  Histogram: { 1: ['dataPoints', 'HistogramDataPoint[]'], 2: ['aggregationTemporality', 'enum'] },
  ExponentialHistogram: { 1: ['dataPoints', 'ExponentialHistogramDataPoint[]'], 2: ['aggregationTemporality', 'enum'] },
  Summary: { 1: ['dataPoints', 'SummaryDataPoint[]'] },
  NumberDataPoint: {
    7: ['attributes', 'KeyValue[]'],
    2: ['startTimeUnixNano', 'fixed64'],
    3: ['timeUnixNano', 'fixed64'],
    4: ['asDouble', 'double', 'value'],
    6: ['asInt', 'sfixed64', 'value'],
    5: ['exemplars', 'Exemplar[]'],
    8: ['flags', 'uint32']
  },
  HistogramDataPoint: {
    9: ['attributes', 'KeyValue[]'],
    2: ['startTimeUnixNano', 'fixed64'],
    3: ['timeUnixNano', 'fixed64'],
    4: ['count', 'fixed64'],
    5: ['sum', 'double'],
    6: ['bucketCounts', 'fixed64[]'],
    7: ['explicitBounds', 'double[]'],
    8: ['exemplars', 'Exemplar[]'],
    10: ['flags', 'uint32'],
    11: ['min', 'double'],
    12: ['max', 'double']
  },
  ExponentialHistogramDataPoint: {
    1: ['attributes', 'KeyValue[]'],
    2: ['startTimeUnixNano', 'fixed64'],
    3: ['timeUnixNano', 'fixed64'],
    4: ['count', 'fixed64'],
    5: ['sum', 'double'],
    6: ['scale', 'sint32'],
    7: ['zeroCount', 'fixed64'],
    8: ['positive', 'Buckets'],
    9: ['negative', 'Buckets'],
    10: ['flags', 'uint32'],
    11: ['exemplars', 'Exemplar[]'],
    12: ['min', 'double'],
    13: ['max', 'double'],
    14: ['zeroThreshold', 'double']
  },
  Buckets: { 1: ['offset', 'sint32'], 2: ['bucketCounts', 'uint64[]'] },
  SummaryDataPoint: {
    7: ['attributes', 'KeyValue[]'],
    2: ['startTimeUnixNano', 'fixed64'],
    3: ['timeUnixNano', 'fixed64'],
    4: ['count', 'fixed64'],
    5: ['sum', 'double'],
    6: ['quantileValues', 'ValueAtQuantile[]'],
    8: ['flags', 'uint32']
  },
  ValueAtQuantile: { 1: ['quantile', 'double'], 2: ['value', 'double'] },
  Exemplar: {
    7: ['filteredAttributes', 'KeyValue[]'],
    2: ['timeUnixNano', 'fixed64'],
    3: ['asDouble', 'double', 'value'],
    6: ['asInt', 'sfixed64', 'value'],
    4: ['spanId', 'hex'],
    5: ['traceId', 'hex']
  }
}

/** The request message each OTLP/HTTP path carries (specification.md, "OTLP/HTTP Request"). */
const PATHS = { '/v1/traces': 'ExportTraceServiceRequest', '/v1/metrics': 'ExportMetricsServiceRequest' }

/** The wire type each scalar type is written with (protobuf's encoding: VARINT 0, I64 1, LEN 2, I32 5). */
const WIRE = {
  int32: 0,
  int64: 0,
  uint32: 0,
  uint64: 0,
  sint32: 0,
  bool: 0,
  enum: 0,
  fixed64: 1,
  sfixed64: 1,
  double: 1,
  string: 2,
  bytes: 2,
  hex: 2,
  fixed32: 5
}

/** A field's spec: its JSON name, scalar or message type, whether repeated, its oneof. */
function fieldOf([name, type, oneof]) {
  const repeated = type.endsWith('[]')
  const base = repeated ? type.slice(0, -2) : type
  return { name, type: base, repeated, oneof, message: base in SCHEMA }
}

const byNumber = {}
const byJsonName = {}
for (const [message, fields] of Object.entries(SCHEMA)) {
  byNumber[message] = new Map(Object.entries(fields).map(([n, f]) => [Number(n), fieldOf(f)]))
  byJsonName[message] = new Map([...byNumber[message].values()].map(f => [f.name, f]))
}

// ---- the binary protobuf wire format ----

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A base-128 varint at r.pos, as a BigInt (at most 10 bytes). */
function readVarint(r) {
  let v = 0n
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (r.pos >= r.end) throw new Error(`truncated varint at byte ${r.pos}`)
    const b = r.buf[r.pos++]
    v |= BigInt(b & 0x7f) << shift
    if (b < 0x80) return BigInt.asUintN(64, v)
  }
  throw new Error(`varint longer than 10 bytes at byte ${r.pos}`)
}

/** n bytes at r.pos, as a view of the buffer. */
function take(r, n) {
  if (n < 0 || r.pos + n > r.end) throw new Error(`field of ${n} bytes at byte ${r.pos} runs past its message's end (${r.end})`)
  const out = r.buf.subarray(r.pos, r.pos + n)
  r.pos += n
  return out
}

/** Steps over a field of wire type `wt` whose tag has been read (an unknown field, kept by no one). */
function skipField(r, wt, field) {
  if (wt === 0) readVarint(r)
  else if (wt === 1) take(r, 8)
  else if (wt === 2) take(r, Number(readVarint(r)))
  else if (wt === 5) take(r, 4)
  else if (wt === 3) {
    // a (deprecated) group: fields up to its END_GROUP tag of the same number
    for (;;) {
      const tag = Number(readVarint(r))
      if ((tag & 7) === 4) {
        if (tag >>> 3 !== field) throw new Error(`group ${field} ended by END_GROUP of ${tag >>> 3}`)
        return
      }
      skipField(r, tag & 7, tag >>> 3)
    }
  } else throw new Error(`wire type ${wt} of field ${field} ${wt === 4 ? 'ends a group never started' : 'is no wire type'}`)
}

/** A scalar of `type` read at r.pos with its wire type (the caller checked it matches). */
function readScalar(r, type) {
  switch (type) {
    case 'int32':
    case 'enum':
      return Number(BigInt.asIntN(32, readVarint(r)))
    case 'uint32':
      return Number(BigInt.asUintN(32, readVarint(r)))
    case 'int64':
      return BigInt.asIntN(64, readVarint(r))
    case 'uint64':
      return readVarint(r)
    case 'sint32': {
      const n = Number(BigInt.asUintN(32, readVarint(r)))
      return (n >>> 1) ^ -(n & 1)
    }
    case 'bool':
      return readVarint(r) !== 0n
    case 'fixed64':
      return take(r, 8).readBigUInt64LE(0)
    case 'sfixed64':
      return take(r, 8).readBigInt64LE(0)
    case 'double':
      return take(r, 8).readDoubleLE(0)
    case 'fixed32':
      return take(r, 4).readUInt32LE(0)
    case 'string':
      try {
        return utf8.decode(take(r, Number(readVarint(r))))
      } catch (e) {
        throw e instanceof TypeError ? new Error(`string at byte ${r.pos} is not UTF-8`) : e
      }
    case 'bytes':
    case 'hex':
      return Buffer.from(take(r, Number(readVarint(r))))
  }
  throw new Error(`no scalar type ${type}`)
}

/** Sets (or appends, for a repeated field) a decoded value; a oneof keeps only its last member set. */
function assign(out, message, f, value) {
  if (f.oneof) for (const other of byNumber[message].values()) if (other.oneof === f.oneof && other.name !== f.name) delete out[other.name]
  if (f.repeated) (out[f.name] ??= []).push(value)
  else out[f.name] = value
}

/**
 * Decodes `message` from buf[start, end) into `out` (a message field seen again merges into what is
 * there, as protobuf does). Unknown fields are skipped by wire type; a known field with another
 * wire type than its own is malformed.
 */
function decodeProtobuf(buf, message, start = 0, end = buf.length, out = {}) {
  const r = { buf, pos: start, end }
  while (r.pos < end) {
    const at = r.pos
    const tag = readVarint(r)
    const number = Number(tag >> 3n)
    const wt = Number(tag & 7n)
    if (number === 0 || number > 536870911) throw new Error(`${message}: field number ${number} at byte ${at}`)
    const f = byNumber[message].get(number)
    if (!f) {
      skipField(r, wt, number)
      continue
    }
    if (f.message) {
      if (wt !== 2) throw new Error(`${message}.${f.name}: wire type ${wt}, not 2 (a message)`)
      const len = Number(readVarint(r))
      const from = r.pos
      take(r, len)
      const into = !f.repeated && typeof out[f.name] === 'object' ? out[f.name] : {}
      assign(out, message, f, decodeProtobuf(buf, f.type, from, from + len, into))
    } else if (f.repeated && wt === 2 && WIRE[f.type] !== 2) {
      // a packed run of scalars (proto3's default for repeated numbers)
      const len = Number(readVarint(r))
      const inner = { buf, pos: r.pos, end: r.pos + len }
      take(r, len)
      out[f.name] ??= []
      while (inner.pos < inner.end) assign(out, message, f, readScalar(inner, f.type))
    } else {
      if (wt !== WIRE[f.type]) throw new Error(`${message}.${f.name}: wire type ${wt}, not ${WIRE[f.type]} (${f.type})`)
      assign(out, message, f, readScalar(r, f.type))
    }
  }
  if (r.pos !== end) throw new Error(`${message}: ran ${r.pos - end} bytes past its end`)
  return out
}

// ---- OTLP/JSON ----

const isInteger = v => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))

/** A JSON value of scalar `type` as the binary decoder would give it; throws on a wrong one. */
function jsonScalar(v, type, where) {
  const bad = what => new Error(`${where}: ${JSON.stringify(v)} is not ${what}`)
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw bad('a string')
      return v
    case 'bool':
      if (typeof v !== 'boolean') throw bad('a boolean')
      return v
    case 'enum':
      // OTLP/JSON: enum values MUST be integers, names MUST NOT be used
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad('an integer enum value')
      return v
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
      if (!isInteger(v)) throw bad('an integer')
      return Number(v)
    case 'int64':
    case 'uint64':
    case 'fixed64':
    case 'sfixed64':
      // 64-bit integers: decimal strings, or numbers (either accepted)
      if (!isInteger(v)) throw bad('a 64-bit integer (a number or a decimal string)')
      return BigInt(v)
    case 'double':
      if (typeof v === 'number') return v
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v)
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
      throw bad('a number')
    case 'bytes':
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw bad('base64')
      return Buffer.from(v, 'base64')
    case 'hex':
      if (typeof v !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(v)) throw bad('hex')
      return Buffer.from(v, 'hex')
  }
  throw new Error(`no scalar type ${type}`)
}

/** An OTLP/JSON object as `message`, to the binary decoder's shape; unknown keys are ignored, null is the default. */
function decodeJson(obj, message, where = message) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${where}: not an object`)
  const out = {}
  const oneofs = new Map()
  for (const [key, v] of Object.entries(obj)) {
    const f = byJsonName[message].get(key)
    if (!f || v === null) continue
    if (f.oneof) {
      if (oneofs.has(f.oneof)) throw new Error(`${where}: both ${oneofs.get(f.oneof)} and ${key} of oneof ${f.oneof}`)
      oneofs.set(f.oneof, key)
    }
    const one = (x, w) => (f.message ? decodeJson(x, f.type, w) : jsonScalar(x, f.type, w))
    if (f.repeated) {
      if (!Array.isArray(v)) throw new Error(`${where}.${key}: not an array`)
      out[key] = v.map((x, i) => one(x, `${where}.${key}[${i}]`))
    } else out[key] = one(v, `${where}.${key}`)
  }
  return out
}

// ---- one shape for both ----

/**
 * @typedef {string | number | boolean | Buffer | AttributeValue[] | { [key: string]: AttributeValue } | undefined} AttributeValue
 * @typedef {{ [key: string]: AttributeValue }} Attributes
 * @typedef {{ name: string, version: string }} Scope
 * @typedef {{ traceId: string, spanId: string, parentSpanId: string, name: string, kind: number, startTimeUnixNano: bigint,
 *   endTimeUnixNano: bigint, attributes: Attributes, events: { name: string, timeUnixNano: bigint, attributes: Attributes }[],
 *   status: { code: number, message: string }, resource: Attributes, scope: Scope }} OtlpSpan
 * @typedef {{ attributes: Attributes, value?: number, count?: number, sum?: number, bucketCounts?: number[], explicitBounds?: number[] }} OtlpPoint
 * @typedef {{ name: string, description: string, unit: string, kind: 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary' | undefined,
 *   monotonic?: boolean, resource: Attributes, scope: Scope, points: OtlpPoint[] }} OtlpMetric
 */

const num = v => (typeof v === 'bigint' ? Number(v) : v)
const hex = b => (b ? Buffer.from(b).toString('hex') : '')

/** An AnyValue as a plain value: string, boolean, number (int64 as Number), array, object (kvlist), Buffer (bytes). */
function anyValue(v) {
  if (!v) return undefined
  if ('stringValue' in v) return v.stringValue
  if ('boolValue' in v) return v.boolValue
  if ('intValue' in v) return num(v.intValue)
  if ('doubleValue' in v) return v.doubleValue
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(anyValue)
  if ('kvlistValue' in v) return attributes(v.kvlistValue.values)
  if ('bytesValue' in v) return v.bytesValue
  return undefined
}

/** KeyValue[] as { key: value }. */
function attributes(kvs) {
  return Object.fromEntries((kvs ?? []).map(kv => [kv.key ?? '', anyValue(kv.value)]))
}

const scopeOf = s => ({ name: s?.name ?? '', version: s?.version ?? '' })

/** Every span of an ExportTraceServiceRequest, normalised. @returns {OtlpSpan[]} */
function spansOf(request) {
  const out = []
  for (const rs of request.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          startTimeUnixNano: s.startTimeUnixNano ?? 0n,
          endTimeUnixNano: s.endTimeUnixNano ?? 0n,
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map(e => ({ name: e.name ?? '', timeUnixNano: e.timeUnixNano ?? 0n, attributes: attributes(e.attributes) })),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          resource: attributes(rs.resource?.attributes),
          scope: scopeOf(ss.scope)
        })
  return out
}

/**
 * What is wrong with a span's ids (trace.proto: a trace id is 16 bytes, a span id 8, neither all
 * zeros; parent_span_id is empty for a root span). They decode either way; a client sending such is broken.
 */
function idProblems(s) {
  const out = []
  const valid = (id, bytes) => id.length === bytes * 2 && !/^0+$/.test(id)
  if (!valid(s.traceId, 16)) out.push(`trace id ${JSON.stringify(s.traceId)} is not 16 bytes, not all zero`)
  if (!valid(s.spanId, 8)) out.push(`span id ${JSON.stringify(s.spanId)} is not 8 bytes, not all zero`)
  if (s.parentSpanId !== '' && !valid(s.parentSpanId, 8)) out.push(`parent span id ${JSON.stringify(s.parentSpanId)} is neither empty nor 8 bytes`)
  return out
}

/** A data point, by the metric's kind. */
function pointOf(kind, p) {
  /** @type {OtlpPoint} */
  const point = { attributes: attributes(p.attributes) }
  if (kind === 'sum' || kind === 'gauge') point.value = 'asDouble' in p ? p.asDouble : 'asInt' in p ? num(p.asInt) : undefined
  else {
    point.count = num(p.count ?? 0n)
    if ('sum' in p) point.sum = p.sum
    if (kind === 'histogram') {
      point.bucketCounts = (p.bucketCounts ?? []).map(num)
      point.explicitBounds = p.explicitBounds ?? []
    }
  }
  return point
}

const KINDS = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary']

/** Every metric of an ExportMetricsServiceRequest, normalised. @returns {OtlpMetric[]} */
function metricsOf(request) {
  const out = []
  for (const rm of request.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        const kind = KINDS.find(k => k in m)
        out.push({
          name: m.name ?? '',
          description: m.description ?? '',
          unit: m.unit ?? '',
          kind,
          ...(kind === 'sum' ? { monotonic: m.sum.isMonotonic ?? false } : {}),
          resource: attributes(rm.resource?.attributes),
          scope: scopeOf(sm.scope),
          points: kind ? (m[kind].dataPoints ?? []).map(p => pointOf(kind, p)) : []
        })
      }
  return out
}

// ---- the HTTP side ----

/** google.rpc.Code for an HTTP status, by the HTTP mappings in googleapis google/rpc/code.proto. */
const RPC_CODES = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 413: 8, 429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4 }

/** A google.rpc.Status (google/rpc/status.proto: int32 code = 1, string message = 2) in `encoding`. */
function statusBody(encoding, httpStatus, message) {
  const code = RPC_CODES[httpStatus] ?? 2 // UNKNOWN
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }))
  const text = Buffer.from(message)
  return Buffer.concat([Buffer.from([0x08]), varintBytes(code), Buffer.from([0x12]), varintBytes(text.length), text])
}

function varintBytes(n) {
  const out = []
  for (let v = BigInt.asUintN(64, BigInt(n)); ; v >>= 7n) {
    if (v < 0x80n) return Buffer.from([...out, Number(v)])
    out.push(Number(v & 0x7fn) | 0x80)
  }
}

const MEDIA = { 'application/x-protobuf': 'protobuf', 'application/json': 'json' }
const CONTENT_TYPE = { protobuf: 'application/x-protobuf', json: 'application/json' }

/**
 * Starts the receiver on 127.0.0.1 (an ephemeral port).
 * @param {{ status?: number, delayMs?: number, hang?: boolean }} [opts]
 */
export async function startOtlpReceiver(opts = {}) {
  /** @type {{ path: string, contentType: string, contentEncoding: string, encoding: 'protobuf' | 'json', bytes: number, at: number }[]} */
  const requests = []
  /** @type {string[]} */
  const problems = []
  /** @type {OtlpSpan[]} */
  const spans = []
  /** @type {OtlpMetric[]} */
  const metrics = []
  const held = new Set()
  const timers = new Set()

  /** What one request is answered: [HTTP status, body] in `encoding`. */
  async function answer(req, encoding, record) {
    const { path } = record
    const refuse = (status, why) => (problems.push(`${req.method} ${path}: ${why}`), [status, statusBody(encoding, status, why)])
    // the whole body first, to the bound
    const chunks = []
    let size = 0
    for await (const chunk of req) if ((size += chunk.length) <= BODY_LIMIT) chunks.push(chunk)
    record.bytes = size
    if (req.method !== 'POST') return refuse(405, `OTLP/HTTP takes POST, not ${req.method}`)
    const message = PATHS[path]
    if (!message) return refuse(404, `no OTLP/HTTP path ${path} (this receiver takes ${Object.keys(PATHS).join(', ')})`)
    if (!encoding) return refuse(415, `content-type ${JSON.stringify(record.contentType)} is neither application/x-protobuf nor application/json`)
    if (size > BODY_LIMIT) return refuse(413, `body over ${BODY_LIMIT} bytes`)
    let body = Buffer.concat(chunks)
    const ce = record.contentEncoding.toLowerCase()
    if (ce === 'gzip') {
      try {
        body = zlib.gunzipSync(body, { maxOutputLength: BODY_LIMIT })
      } catch (e) {
        return refuse(e?.code === 'ERR_BUFFER_TOO_LARGE' ? 413 : 400, `gzip body does not inflate: ${e?.message ?? e}`)
      }
    } else if (ce !== '' && ce !== 'identity') return refuse(415, `content-encoding ${ce} (OTLP/HTTP has gzip)`)
    let decoded
    try {
      decoded = encoding === 'protobuf' ? decodeProtobuf(body, message) : decodeJson(JSON.parse(body.toString('utf8')), message)
    } catch (e) {
      return refuse(400, `${encoding} body is no ${message}: ${e?.message ?? e}`)
    }
    if (message === 'ExportTraceServiceRequest') {
      const got = spansOf(decoded)
      for (const s of got) for (const why of idProblems(s)) problems.push(`${req.method} ${path}: span ${JSON.stringify(s.name)}: ${why}`)
      spans.push(...got)
    } else metrics.push(...metricsOf(decoded))
    if (opts.status && opts.status !== 200) return [opts.status, statusBody(encoding, opts.status, `the receiver answers ${opts.status} (test option)`)]
    // Export*ServiceResponse with partial_success unset: an empty message
    return [200, encoding === 'json' ? Buffer.from('{}') : Buffer.alloc(0)]
  }

  async function handle(req, res) {
    const contentType = String(req.headers['content-type'] ?? '')
    const encoding = MEDIA[contentType.split(';')[0].trim().toLowerCase()]
    const path = new URL(req.url ?? '/', 'http://receiver').pathname
    const record = { path, contentType, contentEncoding: String(req.headers['content-encoding'] ?? ''), encoding, bytes: 0, at: Date.now() }
    requests.push(record)
    const [status, body] = await answer(req, encoding, record)
    const send = () => {
      if (res.destroyed) return
      res.writeHead(status, { 'content-type': CONTENT_TYPE[encoding ?? 'protobuf'], 'content-length': String(body.length) })
      res.end(body)
    }
    if (opts.hang) {
      held.add(res)
      res.on('close', () => held.delete(res))
    } else if (opts.delayMs) {
      const t = setTimeout(() => (timers.delete(t), send()), opts.delayMs)
      timers.add(t)
    } else send()
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      problems.push(`${req.method} ${req.url}: the receiver failed: ${e?.stack ?? e}`)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${server.address().port}`

  const receiver = {
    url,
    requests,
    problems,
    /** Every span received so far, normalised. */
    spans: () => [...spans],
    /** Every metric received so far, normalised. */
    metrics: () => [...metrics],
    /**
     * Resolves once pred(receiver) holds (polled every 10 ms); rejects after timeoutMs saying what was received.
     * @param {(r: typeof receiver) => unknown} pred
     */
    waitFor: (pred, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs
        const poll = () => {
          let ok
          try {
            ok = pred(receiver)
          } catch (e) {
            return reject(e)
          }
          if (ok) return resolve(undefined)
          if (Date.now() >= deadline)
            return reject(
              new Error(
                `otlp receiver: ${pred.toString()} did not hold within ${timeoutMs} ms (${requests.length} requests: ${requests.map(q => q.path).join(', ') || 'none'}; ${spans.length} spans, ${metrics.length} metrics; problems: ${problems.join('; ') || 'none'})`
              )
            )
          setTimeout(poll, 10)
        }
        poll()
      }),
    /** Stops listening; ends held and delayed answers' connections. */
    close: () =>
      new Promise(r => {
        for (const t of timers) clearTimeout(t)
        timers.clear()
        for (const res of held) res.destroy()
        server.closeAllConnections()
        server.close(() => r(undefined))
      })
  }
  return receiver
}
