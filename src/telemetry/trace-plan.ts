import type { GateDecision, ModelRequest, RunFacts } from './run-facts.js'

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
/** distinct hosts the egress refusal counter names; the rest count as `other` (the agent picks hosts: no unbounded series) */
const MAX_HOST_SERIES = 20

type Redact = (text: string) => string

/** A string value as it may leave the runner: redacted, then cut (a secret is taken out before anything of it is cut). */
function safe(redact: Redact, value: string, cap = NAME_CAP): string {
  const clean = redact(value)
  return clean.length > cap ? `${clean.slice(0, cap - 1)}…` : clean
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
      'bot_bottle.dropped.model_requests': f.dropped.model || undefined,
      'bot_bottle.dropped.decisions': f.dropped.decisions || undefined
    }),
    events: []
  }
  if (f.content) {
    const message = (role: string, text: string) => JSON.stringify([{ role, parts: [{ type: 'text', content: safe(redact, text, CONTENT_CAP) }] }])
    root.attributes['gen_ai.input.messages'] = message('user', f.content.prompt)
    root.attributes['gen_ai.output.messages'] = message('assistant', f.content.result)
  }
  if (f.conclusion !== 'success') root.error = safe(redact, f.conclusion)
  return root
}

function modelSpan(r: ModelRequest, i: number, parent: string, { redact, provider }: PlanContext): SpanPlan {
  const model = r.call?.model ?? r.model
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
export function tracePlan(f: RunFacts, ctx: PlanContext): SpanPlan[] {
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
  f.model.forEach((r, i) => {
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
  agent.events = f.decisions.map(d => decisionEvent(d, redact))
  return spans
}

/** The run's metrics: tokens and cost by model, request durations, refusals, the run by conclusion. */
export function metricPlan(f: RunFacts, { redact, provider }: PlanContext): MetricPlan[] {
  const providerName = GEN_AI_PROVIDER[provider] ?? provider
  const tokens: MetricPoint[] = []
  const usage: MetricPoint[] = []
  const cost: MetricPoint[] = []
  const durations: MetricPoint[] = []
  for (const r of f.model) {
    const model = safe(redact, r.call?.model ?? r.model ?? '(none)', 100)
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
  const hosts = new Set<string>()
  const egress: MetricPoint[] = []
  const git: MetricPoint[] = []
  for (const d of f.decisions) {
    if (d.gate === 'egress' && d.verdict === 'blocked') {
      let host = safe(redact, d.subject.slice(0, d.subject.lastIndexOf(':')), 100)
      if (!hosts.has(host) && hosts.size >= MAX_HOST_SERIES) host = 'other'
      else hosts.add(host)
      egress.push({ value: 1, attributes: { 'server.address': host } })
    } else if (d.gate === 'git' && (d.verdict === 'blocked' || d.verdict === 'rejected-upstream'))
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
