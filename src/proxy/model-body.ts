/**
 * What a Messages request may ask Anthropic's side to do. With the org's key, a request can make
 * the API reach hosts no allow-list names (MCP servers, web fetch, code execution containers with
 * network), or read org data (Files API, containers) — an exit around the egress proxy. This module
 * refuses those features; everything else claude sends passes.
 *
 * Recorded from the real binary (claude 2.1.332, `claude -p … --output-format stream-json --verbose
 * --dangerously-skip-permissions`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1, API key and OAuth token,
 * a text turn and a Bash tool turn, against a loopback recorder; a request is in
 * __tests__/fixtures/claude-messages-request.json):
 *   anthropic-beta: claude-code-20250219, [oauth-2025-04-20,] interleaved-thinking-2025-05-14,
 *     context-management-2025-06-27, per-turn-control-2026-07-01, mid-conversation-tool-changes-2026-07-01,
 *     thinking-token-count-2026-05-13, advanced-tool-use-2025-11-20, effort-2025-11-24,
 *     thinking-display-updates-2026-08-18[, extended-cache-ttl-2025-04-11]
 *   body keys: model, messages, system, tools, metadata, max_tokens, thinking, context_management,
 *     output_config, stream
 *   tools: custom only (name, description, input_schema; one with defer_loading); content blocks
 *     text, tool_use, tool_result. The binary also holds the server tools web_search_20250305
 *     (its WebSearch tool) and advisor_20260301, which stay allowed.
 *
 * Betas are a deny-list by capability prefix, not an allow-list: claude adds betas in most releases
 * and an allow-list would break every new version, while a new remote-reach capability also needs
 * a body feature (a tool type, a server list, a file reference), which the body rules refuse by shape.
 * web_search stays allowed: Anthropic runs the search against its own index and returns results; it
 * fetches no address the agent names (web_fetch does, and is refused).
 */

/** `anthropic-beta` prefixes of capabilities that reach remote hosts or org data. */
export const REFUSED_BETA_PREFIXES: readonly string[] = [
  'mcp-client-', // mcp_servers: Anthropic connects to any MCP URL
  'mcp-servers-',
  'mcp-tunnels-',
  'files-api-', // org files by file_id
  'code-execution-', // a container on Anthropic's side, with files and network
  'web-fetch-', // Anthropic fetches any URL
  'skills-', // skills run in the code execution container
  'managed-agents-', // agents with their own toolset and environment
  'environments-',
  'ccr-' // Claude Code remote sessions
]

/** Top-level body keys claude never sends that hand Anthropic a remote or a store. */
const REFUSED_KEYS: ReadonlyMap<string, string> = new Map([
  ['mcp_servers', 'mcp_servers makes the API connect to MCP servers no allow-list names'],
  ['container', 'container reuses a code execution container (files, network) on the API side']
])

/** Server tool types (`type` of an entry in `tools`) that fetch, run code or connect on the API side. */
function refusedToolType(type: string): boolean {
  return /fetch|code_execution/.test(type) || type.startsWith('mcp') || type.startsWith('agent_toolset') || type.startsWith('multiagent')
}

/** `source.type` values that make the API read something other than the request itself. */
const REFUSED_SOURCES: ReadonlyMap<string, string> = new Map([
  ['file', 'a file_id source reads org files through the Files API'],
  ['url', 'a url source makes the API fetch that address']
])

export type BodyVerdict = { ok: true } | { ok: false; reason: string }

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The refused betas among an `anthropic-beta` header (comma-separated; repeated headers arrive joined). */
export function refusedBetas(header: string | string[] | undefined): string[] {
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(b => b.trim().toLowerCase())
  return values.filter(b => REFUSED_BETA_PREFIXES.some(p => b.startsWith(p)))
}

/** The first refused content block anywhere under `root` (messages, system, nested tool_result content). */
function refusedBlock(root: unknown): string | undefined {
  const stack: unknown[] = [root] // iterative: a hostile body can nest deeper than the call stack
  while (stack.length) {
    const v = stack.pop()
    if (Array.isArray(v)) stack.push(...v)
    else if (isObject(v)) {
      if (v.type === 'container_upload') return 'a container_upload block puts an org file into a code execution container'
      const source = v.source
      const why = isObject(source) && typeof source.type === 'string' ? REFUSED_SOURCES.get(source.type) : undefined
      if (why) return `content source type ${String((source as Record<string, unknown>).type)}: ${why}`
      for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x)
    }
  }
  return undefined
}

/** Vets one parsed Messages (or count_tokens) request body and its `anthropic-beta` header. */
export function vetMessagesRequest(body: unknown, betaHeader: string | string[] | undefined): BodyVerdict {
  const refuse = (reason: string): BodyVerdict => ({ ok: false, reason })
  if (!isObject(body)) return refuse('body is not a JSON object')
  // Bedrock takes the betas in the body (`anthropic_beta`, as claude's Bedrock mode sends them), the others in the header
  const inBody = Array.isArray(body.anthropic_beta) ? body.anthropic_beta.map(String) : []
  const betas = refusedBetas([...(Array.isArray(betaHeader) ? betaHeader : betaHeader ? [betaHeader] : []), ...inBody])
  if (betas.length) return refuse(`anthropic-beta ${betas.join(', ').slice(0, 200)}: enables remote reach or org data on the API side`)
  if (body.anthropic_beta !== undefined && !Array.isArray(body.anthropic_beta)) return refuse('anthropic_beta is not an array')
  for (const key of Object.keys(body)) {
    const why = REFUSED_KEYS.get(key)
    if (why) return refuse(`${key}: ${why}`)
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return refuse('tools is not an array')
    for (const tool of body.tools) {
      const type = isObject(tool) ? tool.type : undefined
      if (typeof type === 'string' && refusedToolType(type.toLowerCase()))
        return refuse(`server tool ${type.slice(0, 60)}: it fetches, runs code or connects on the API side`)
    }
  }
  const block = refusedBlock([body.messages, body.system])
  return block ? refuse(block) : { ok: true }
}
