/** The OTEL_* environment's `key=value` lists (OpenTelemetry's environment specification), read without the rest of the config. */

/** `k=v,k2=v2` (the OTEL_EXPORTER_OTLP_HEADERS / OTEL_RESOURCE_ATTRIBUTES format, values percent-encoded); undefined when malformed. */
export function parseKeyValues(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  for (const item of text.split(/[,\n]/)) {
    if (!item.trim()) continue
    const eq = item.indexOf('=')
    if (eq <= 0) return undefined
    const key = item.slice(0, eq).trim()
    let value: string
    try {
      value = decodeURIComponent(item.slice(eq + 1).trim())
    } catch {
      return undefined
    }
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return undefined
    out[key] = value
  }
  return out
}

/** The secret values of the export headers the environment names (masked and redacted like the inputs' secrets). */
export function telemetryHeaderSecrets(env: NodeJS.ProcessEnv): string[] {
  const names = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']
  return names.flatMap(n => Object.values(parseKeyValues(env[n] ?? '') ?? {})).filter(v => v.length >= 8)
}
