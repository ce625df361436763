import { type GateDecision, MAX_DECISIONS, MAX_MODEL_SPANS, type ModelRequest, type RunFacts } from './run-facts.js'

/**
 * The run's trace and metrics as plain data, before any SDK is loaded: one root span for the
 * step, a span per phase, a span per model request (the OpenTelemetry gen_ai conventions,
 * semantic-conventions 1.45) and per tool call under the `claude` phase, the gates' decisions as
 * events there. Every string value passes the run's redactor and a length cap: hosts, refs,
 * models and tool names are the agent's choice.
 */

export type AttrValue = string | number | boolean
export type Attrs = Record<string, AttrValue>

export interface SpanPlan {
  key: string
  /** the parent's key; none: the root */
  parent?: string
  name: string
  kind: 'internal' | 'client'
  startMs: number
  endMs: number
  attributes: Attrs
  events: { name: string; timeMs: number; attributes: Attrs }[]
  /** status ERROR with this message; none: unset */
  error?: string
}

export interface MetricPoint {
  value: number
  attributes: Attrs
}

export interface MetricPlan {
  name: string
  kind: 'counter' | 'histogram'
  unit: string
  description: string
  points: MetricPoint[]
}

/** gen_ai.provider.name by the action's `provider` input (semantic conventions' well-known values). */
export const GEN_AI_PROVIDER: Readonly<Record<string, string>> = { anthropic: 'anthropic', bedrock: 'aws.bedrock', vertex: 'gcp.vertex_ai' }

const NAME_CAP = 200
/** the most characters of the prompt or the answer a span carries (otel-content) */
export const CONTENT_CAP = 4096
/** the longest attribute value the exporter sends (export.ts): a longer one would be cut mid-escape */
export const ATTRIBUTE_CAP = 16_384
/** distinct hosts (and models) a metric names; the rest count as `other` (the agent picks them: no unbounded series) */
export const MAX_SERIES = 20
/** what of a value is redacted before the cut: enough for any whole secret (a private key block is 16 KiB at most) */
const REDACT_SPAN = 20_000

type Redact = (text: string) => string

/** A string value as it may leave the runner: redacted, then cut (a secret is taken out before anything of it is cut). */
function safe(redact: Redact, value: string, cap = NAME_CAP): string {
  const clean = redact(value.length > cap + REDACT_SPAN ? value.slice(0, cap + REDACT_SPAN) : value)
  return clean.length > cap ? `${clean.slice(0, cap - 1)}…` : clean
}

/** `redact` remembering its answers: the agent can repeat one long value thousands of times. */
function remembered(redact: Redact): Redact {
  const known = new Map<string, string>()
  return text => {
    let clean = known.get(text)
    if (clean === undefined) {
      clean = redact(text)
      if (known.size < 10_000) known.set(text, clean)
    }
    return clean
  }
}

/** A name as a metric attribute: the first MAX_SERIES distinct ones as they are (redacted), the rest `other`. */
class Series {
  private readonly seen = new Map<string, string>()
  constructor(private readonly redact: Redact) {}
  name(raw: string): string {
    const known = this.seen.get(raw)
    if (known !== undefined) return known
    if (this.seen.size >= MAX_SERIES) return 'other'
    const clean = safe(this.redact, raw, 100)
    this.seen.set(raw, clean)
    return clean
  }
}

/** gen_ai messages JSON holding `text` (redacted and cut), within the attribute cap however much escaping it needs. */
function messages(redact: Redact, role: string, text: string): string {
  let cap = CONTENT_CAP
  for (;;) {
    const json = JSON.stringify([{ role, parts: [{ type: 'text', content: safe(redact, text, cap) }] }])
    if (json.length <= ATTRIBUTE_CAP || cap < 64) return json.slice(0, ATTRIBUTE_CAP)
    cap = Math.floor(cap / 2)
  }
}

function attrs(redact: Redact, raw: Record<string, AttrValue | undefined>): Attrs {
  const out: Attrs = {}
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === '') continue
    out[k] = typeof v === 'string' ? safe(redact, v) : v
  }
  return out
}

export interface PlanContext {
  redact: Redact
  /** the `provider` input: anthropic, bedrock or vertex */
  provider: string
}

function rootSpan(f: RunFacts, { redact }: PlanContext): SpanPlan {
  const p = f.place
  const root: SpanPlan = {
    key: 'run',
    name: 'bot-bottle run',
    kind: 'internal',
    startMs: f.startMs,
    endMs: f.endMs,
    attributes: attrs(redact, {
      'github.repository': p.repository,
      'github.workflow': p.workflow,
      'github.job': p.job,
      'github.run_id': p.runId,
      'github.run_attempt': p.runAttempt,
      'github.event_name': p.eventName,
      'cicd.pipeline.name': p.workflow,
      'cicd.pipeline.run.id': p.runId,
      'bot_bottle.backend': f.backend,
      'bot_bottle.conclusion': f.conclusion,
      'bot_bottle.cost_usd': f.costUsd,
      'bot_bottle.num_turns': f.numTurns,
      'gen_ai.usage.input_tokens': f.inputTokens,
      'gen_ai.usage.output_tokens': f.outputTokens,
      'bot_bottle.dropped.model_requests': Math.max(0, f.model.length - MAX_MODEL_SPANS) || undefined,
      'bot_bottle.dropped.decisions': Math.max(0, f.decisions.length - MAX_DECISIONS) || undefined,
      'bot_bottle.dropped.tool_calls': f.toolsDropped || undefined
    }),
    events: []
  }
  if (f.content) {
    root.attributes['gen_ai.input.messages'] = messages(redact, 'user', f.content.prompt)
    root.attributes['gen_ai.output.messages'] = messages(redact, 'assistant', f.content.result)
  }
  if (f.conclusion !== 'success') root.error = safe(redact, f.conclusion)
  return root
}

function modelSpan(r: ModelRequest, i: number, parent: string, { redact, provider }: PlanContext): SpanPlan {
  // the logged model whole (the priced call's is cut before redaction)
  const model = r.model ?? r.call?.model
  const failed = r.decision !== 'forwarded' || (r.status ?? 0) >= 400
  const t = r.call?.tokens
  return {
    key: `model-${i}`,
    parent,
    name: model ? `chat ${safe(redact, model, 100)}` : 'chat',
    kind: 'client',
    startMs: r.startMs,
    endMs: r.startMs + r.durationMs,
    attributes: attrs(redact, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': GEN_AI_PROVIDER[provider] ?? provider,
      'gen_ai.request.model': model,
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': t?.input,
      'gen_ai.usage.output_tokens': t?.output,
      'gen_ai.usage.cache_read.input_tokens': t?.cacheRead,
      'gen_ai.usage.cache_creation.input_tokens': t?.cacheCreation,
      'gen_ai.response.time_to_first_chunk': r.firstByteMs !== undefined ? r.firstByteMs / 1000 : undefined,
      'bot_bottle.cost_usd': r.call?.costUsd,
      'bot_bottle.decision': r.decision,
      'http.response.status_code': r.status,
      'error.type': failed ? (r.reason ?? String(r.status ?? 'refused')) : undefined
    }),
    events: [],
    ...(failed && { error: safe(redact, r.reason ?? `status ${r.status ?? 'unknown'}`) })
  }
}

/** A decision as an event: what it was about and what the gate said, never a body. */
function decisionEvent(d: GateDecision, redact: Redact): SpanPlan['events'][number] {
  const about: Record<string, AttrValue | undefined> = {}
  if (d.gate === 'egress') {
    const colon = d.subject.lastIndexOf(':')
    about['server.address'] = d.subject.slice(0, colon)
    about['server.port'] = Number(d.subject.slice(colon + 1)) || undefined
  } else if (d.gate === 'git') about['bot_bottle.git.ref'] = d.subject
  else about['bot_bottle.github.call'] = d.subject
  return {
    name: `${d.gate} decision`,
    timeMs: d.timeMs,
    attributes: attrs(redact, { 'bot_bottle.gate': d.gate, 'bot_bottle.verdict': d.verdict, ...about, 'bot_bottle.rule': d.rule })
  }
}

/** The run's spans: the root first, then each parent before its children. */
export function tracePlan(f: RunFacts, context: PlanContext): SpanPlan[] {
  const ctx = { ...context, redact: remembered(context.redact) }
  const { redact } = ctx
  const root = rootSpan(f, ctx)
  const spans: SpanPlan[] = [root]
  let claude: SpanPlan | undefined
  for (const p of f.phases) {
    if (p.at === undefined) continue
    const span: SpanPlan = {
      key: `phase-${p.phase}`,
      parent: root.key,
      name: p.phase,
      kind: 'internal',
      startMs: p.at,
      endMs: p.at + p.ms,
      attributes: { 'bot_bottle.phase': p.phase },
      events: []
    }
    if (p.phase === 'claude') {
      claude = span
      Object.assign(span.attributes, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'claude' })
    }
    spans.push(span)
  }
  const agent = claude ?? root
  f.model.slice(0, MAX_MODEL_SPANS).forEach((r, i) => {
    spans.push(modelSpan(r, i, agent.key, ctx))
  })
  f.tools.forEach((t, i) => {
    const unfinished = t.endMs === undefined
    spans.push({
      key: `tool-${i}`,
      parent: agent.key,
      name: `execute_tool ${safe(redact, t.name, 100)}`,
      kind: 'internal',
      startMs: t.startMs,
      endMs: Math.max(t.startMs, t.endMs ?? agent.endMs),
      attributes: attrs(redact, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': t.name,
        'gen_ai.tool.call.id': t.id,
        'error.type': t.error ? 'tool_error' : undefined,
        'bot_bottle.tool.unfinished': unfinished || undefined
      }),
      events: [],
      ...(t.error && { error: 'the tool reported an error' })
    })
  })
  agent.events = f.decisions.slice(0, MAX_DECISIONS).map(d => decisionEvent(d, redact))
  return spans
}

/** The run's metrics: tokens and cost by model, request durations, refusals, the run by conclusion. */
export function metricPlan(f: RunFacts, context: PlanContext): MetricPlan[] {
  const redact = remembered(context.redact)
  const providerName = GEN_AI_PROVIDER[context.provider] ?? context.provider
  const models = new Series(redact)
  const tokens: MetricPoint[] = []
  const usage: MetricPoint[] = []
  const cost: MetricPoint[] = []
  const durations: MetricPoint[] = []
  for (const r of f.model) {
    const model = models.name(r.model ?? r.call?.model ?? '(none)')
    const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': providerName, 'gen_ai.request.model': model }
    durations.push({ value: r.durationMs / 1000, attributes: { ...base, ...(r.status !== undefined && { 'http.response.status_code': r.status }) } })
    if (!r.call) continue
    const t = r.call.tokens
    usage.push(
      { value: t.input, attributes: { ...base, 'gen_ai.token.type': 'input' } },
      { value: t.output, attributes: { ...base, 'gen_ai.token.type': 'output' } }
    )
    for (const [type, value] of [
      ['input', t.input],
      ['output', t.output],
      ['cache_read', t.cacheRead],
      ['cache_creation', t.cacheCreation]
    ] as const)
      if (value) tokens.push({ value, attributes: { 'gen_ai.request.model': model, 'gen_ai.token.type': type } })
    if (r.call.costUsd) cost.push({ value: r.call.costUsd, attributes: { 'gen_ai.request.model': model } })
  }
  const hosts = new Series(redact)
  const egress: MetricPoint[] = []
  const git: MetricPoint[] = []
  for (const d of f.decisions) {
    if (d.gate === 'egress' && d.verdict === 'blocked')
      egress.push({ value: 1, attributes: { 'server.address': hosts.name(d.subject.slice(0, d.subject.lastIndexOf(':'))) } })
    else if (d.gate === 'git' && (d.verdict === 'blocked' || d.verdict === 'rejected-upstream'))
      git.push({ value: 1, attributes: { 'bot_bottle.verdict': d.verdict } })
  }
  const run = { 'bot_bottle.conclusion': safe(redact, f.conclusion), 'bot_bottle.backend': f.backend }
  return [
    { name: 'gen_ai.client.token.usage', kind: 'histogram', unit: '{token}', description: 'Tokens per model request', points: usage },
    { name: 'gen_ai.client.operation.duration', kind: 'histogram', unit: 's', description: 'Model request duration', points: durations },
    { name: 'bot_bottle.tokens', kind: 'counter', unit: '{token}', description: 'Tokens by model and type', points: tokens },
    { name: 'bot_bottle.cost', kind: 'counter', unit: 'USD', description: 'Cost at list prices by model', points: cost },
    { name: 'bot_bottle.egress.refusals', kind: 'counter', unit: '{connection}', description: 'Connections the egress proxy refused', points: egress },
    { name: 'bot_bottle.git.refusals', kind: 'counter', unit: '{request}', description: 'Requests or pushes the git gate refused', points: git },
    { name: 'bot_bottle.runs', kind: 'counter', unit: '{run}', description: 'Runs by conclusion', points: [{ value: 1, attributes: run }] }
  ]
}
