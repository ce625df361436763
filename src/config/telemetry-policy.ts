import { InputError } from '../util/errors.js'
import { booleanField } from './fields.js'
import type { RawInputs } from './inputs.js'
import { parseKeyValues } from './otel-pairs.js'

/**
 * Where the runner exports the run's traces and metrics (OpenTelemetry, OTLP over HTTP), read
 * from the standard OTEL_* variables (the SDK's environment specification) or the `otel-*`
 * inputs, which win. The bottle is never given any of it.
 */
export interface TelemetryConfig {
  protocol: 'http/protobuf' | 'http/json'
  /** full URLs (a signal's own endpoint as given, else the base + /v1/traces, /v1/metrics); absent: that signal is not exported */
  tracesUrl?: string
  metricsUrl?: string
  /** sent with every export (OTEL_EXPORTER_OTLP_HEADERS / otel-headers): often a vendor's API key, redacted like a secret */
  headers: Record<string, string>
  /** OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES' service.name, else bot-bottle */
  serviceName: string
  /** OTEL_RESOURCE_ATTRIBUTES */
  resource: Record<string, string>
  /** `otel-content`: the prompt and claude's final answer as span attributes (redacted); off by default */
  content: boolean
  /** OTEL_EXPORTER_OTLP_COMPRESSION */
  compression: 'gzip' | 'none'
  /** OTEL_EXPORTER_OTLP_CERTIFICATE: a PEM file of the CA the collector's certificate is checked against */
  caFile?: string
}

/** What the environment says, when it says something to act on: telemetry, or one warning why not. */
export type TelemetrySetting = { telemetry: TelemetryConfig } | { off: string; warn: boolean }

const PROTOCOLS = ['http/protobuf', 'http/json'] as const

function httpUrl(text: string): URL | undefined {
  try {
    const u = new URL(text)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined
  } catch {
    return undefined
  }
}

/** The base endpoint's URL for one signal, per the specification: the path `v1/<signal>` added to the base's. */
function signalUrl(base: URL, signal: 'traces' | 'metrics'): string {
  const u = new URL(base.href)
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/${signal}`
  return u.href
}

/**
 * The telemetry setting of this run. Inputs are the user's: a bad one is an InputError. The
 * environment may be set for other tools of the job: what this action cannot use there is one
 * warning and no export, never a failed run.
 */
export function telemetrySection(raw: Partial<RawInputs>, env: NodeJS.ProcessEnv): TelemetrySetting {
  const content = booleanField(raw, 'otel-content')
  const inputEndpoint = raw['otel-endpoint']?.trim() ?? ''
  const inputHeaders = raw['otel-headers'] ?? ''
  if (inputEndpoint && !httpUrl(inputEndpoint))
    throw new InputError('otel-endpoint', 'is not an http(s) URL', "Give the collector's OTLP/HTTP base URL, e.g. 'https://otel.example.com:4318'")
  // the environment's headers go only to the environment's collector: a key set up for one vendor never goes to the input's endpoint
  const headers = parseKeyValues(inputHeaders || (inputEndpoint ? '' : (env['OTEL_EXPORTER_OTLP_HEADERS'] ?? '')))
  if (!headers && inputHeaders) throw new InputError('otel-headers', 'is not a list of key=value pairs', "Write 'name=value' pairs, comma or line separated")
  if (!inputEndpoint && env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return { off: 'OTEL_SDK_DISABLED is true', warn: false }

  const signals = { traces: undefined as string | undefined, metrics: undefined as string | undefined }
  const problems: string[] = []
  const base = inputEndpoint || env['OTEL_EXPORTER_OTLP_ENDPOINT'] || ''
  for (const signal of ['traces', 'metrics'] as const) {
    const upper = signal.toUpperCase()
    if (env[`OTEL_${upper}_EXPORTER`]?.trim().toLowerCase() === 'none') continue
    const own = inputEndpoint ? '' : (env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`] ?? '')
    if (own) {
      if (httpUrl(own)) signals[signal] = own
      else problems.push(`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT is not an http(s) URL`)
    } else if (base) {
      const u = httpUrl(base)
      if (u) signals[signal] = signalUrl(u, signal)
      else problems.push('OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL')
    }
  }
  if (problems.length) return { off: `${[...new Set(problems)].join('; ')}: no telemetry is exported`, warn: true }
  if (!signals.traces && !signals.metrics) return { off: 'no OTLP endpoint is set', warn: false }
  if (!headers) return { off: 'OTEL_EXPORTER_OTLP_HEADERS is not a list of key=value pairs: no telemetry is exported', warn: true }

  const protocol = (env['OTEL_EXPORTER_OTLP_PROTOCOL'] || 'http/protobuf').trim()
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    return {
      off:
        `OTEL_EXPORTER_OTLP_PROTOCOL is ${JSON.stringify(protocol.slice(0, 30))}: this action exports over http/protobuf or http/json only, ` +
        "so no telemetry is exported. Set it to 'http/protobuf' and point the endpoint at the collector's OTLP/HTTP port (4318)",
      warn: true
    }
  }
  const resource = parseKeyValues(env['OTEL_RESOURCE_ATTRIBUTES'] ?? '') ?? {}
  const caFile = env['OTEL_EXPORTER_OTLP_CERTIFICATE']?.trim()
  return {
    telemetry: {
      protocol: protocol as TelemetryConfig['protocol'],
      ...(signals.traces && { tracesUrl: signals.traces }),
      ...(signals.metrics && { metricsUrl: signals.metrics }),
      headers,
      serviceName: env['OTEL_SERVICE_NAME']?.trim() || resource['service.name'] || 'bot-bottle',
      resource,
      content,
      compression: env['OTEL_EXPORTER_OTLP_COMPRESSION']?.trim().toLowerCase() === 'gzip' ? 'gzip' : 'none',
      ...(caFile && { caFile })
    }
  }
}
