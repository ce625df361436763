import * as core from '@actions/core'
import type { TelemetryConfig, TelemetrySetting } from '../config/telemetry-policy.js'
import { errorMessage } from '../util/errors.js'
import { readRunLogs, type RunFacts } from './run-facts.js'
import { metricPlan, type PlanContext, tracePlan } from './trace-plan.js'

/**
 * The run's OpenTelemetry export, as the main step drives it: the SDK starts loading when claude
 * starts (so the export at the end costs only its own requests) and only when an endpoint is set;
 * at the end the trace and metrics are built from what the run recorded and sent, within
 * EXPORT_DEADLINE_MS. Nothing of it reaches the bottle.
 */

/** The longest the export may hold up the end of the step, whatever the collector does. */
export const EXPORT_DEADLINE_MS = 2_000

type ExportModule = typeof import('./export.js')

/** What the run's start knows that the trace needs: the `provider` input, and the prompt (exported only with otel-content). */
export interface TelemetryStart {
  provider: string
  prompt: string
}

export class RunTelemetry {
  private sdk?: Promise<ExportModule | undefined>

  constructor(
    readonly config: TelemetryConfig,
    private readonly start: TelemetryStart
  ) {}

  /**
   * Starts loading the SDK and the configured protocol's exporters (about 50 ms of CPU): main calls
   * it when claude starts, when the runner mostly waits, rather than while the bottle starts and the
   * engine and the workspace copy want both cores. Once; `send` calls it too (a run that ended early).
   */
  preload(): Promise<ExportModule | undefined> {
    this.sdk ??= import('./export.js')
      .then(async sdk => {
        await sdk.loadExporters(this.config.protocol)
        return sdk
      })
      .catch((err: unknown) => {
        core.warning(`OpenTelemetry: the SDK could not be loaded (${errorMessage(err)}): nothing is exported`)
        return undefined
      })
    return this.sdk
  }

  /** Sends the run; a problem is one warning, never a failed step. */
  async send(
    facts: Omit<RunFacts, 'model' | 'decisions' | 'content'>,
    answer: string,
    stateDir: string,
    redact: (t: string) => string,
    env: NodeJS.ProcessEnv
  ): Promise<void> {
    const ctx: PlanContext = { redact, provider: this.start.provider }
    try {
      const sdk = await this.preload()
      if (!sdk) return
      const content = this.config.content ? { content: { prompt: this.start.prompt, result: answer } } : {}
      const all: RunFacts = { ...facts, ...content, ...readRunLogs(stateDir) }
      const spans = tracePlan(all, ctx)
      const metrics = metricPlan(all, ctx)
      const result = await sdk.exportRun(this.config, this.resource(all, ctx, env), spans, metrics, env['GITHUB_ACTION_REF'] || 'unknown', EXPORT_DEADLINE_MS)
      const where = new URL(this.config.tracesUrl ?? this.config.metricsUrl ?? 'http://unknown').origin
      if (result.problem) core.warning(`OpenTelemetry export to ${where}: ${ctx.redact(result.problem)}. The run's outcome is not affected`)
      else core.info(`OpenTelemetry: ${spans.length} spans and ${metrics.length} metrics sent to ${where} in ${result.ms} ms`)
    } catch (err) {
      core.warning(`OpenTelemetry export failed: ${ctx.redact(errorMessage(err))}. The run's outcome is not affected`)
    }
  }

  /** The resource: OTEL_RESOURCE_ATTRIBUTES, the service, and the workflow's coordinates (so metrics can be cut by them). */
  private resource(f: RunFacts, ctx: PlanContext, env: NodeJS.ProcessEnv): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(this.config.resource)) out[k] = ctx.redact(v)
    out['service.name'] = ctx.redact(this.config.serviceName)
    out['service.version'] = env['GITHUB_ACTION_REF'] || 'unknown'
    const place: Record<string, string> = {
      'github.repository': f.place.repository,
      'github.workflow': f.place.workflow,
      'github.job': f.place.job,
      'github.run_id': f.place.runId,
      'github.run_attempt': f.place.runAttempt
    }
    for (const [k, v] of Object.entries(place)) if (v) out[k] = ctx.redact(v)
    return out
  }
}

/** The run's telemetry when an endpoint is set (its SDK loads at `preload`, when claude starts); else undefined, with one line saying why when it matters. */
export function startTelemetry(setting: TelemetrySetting, start: TelemetryStart): RunTelemetry | undefined {
  if ('telemetry' in setting) return new RunTelemetry(setting.telemetry, start)
  if (setting.warn) core.warning(`OpenTelemetry: ${setting.off}`)
  return undefined
}
