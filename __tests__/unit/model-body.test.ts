/**
 * The Messages body and beta vetting on its own (vetMessagesRequest, refusedBetas): every refused
 * beta prefix and every refused tool type is named here, one by one, with what a real request
 * carries beside it; a request claude really sent passes untouched. Expected values are written
 * out, never taken from the module's own lists.
 */
import fs from 'node:fs'
import path from 'node:path'
import { refusedBetas, vetMessagesRequest } from '../../src/proxy/model-body.js'

const fixture = JSON.parse(
  fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'claude-messages-request.json'), 'utf8')
) as { headers: { 'anthropic-beta': string }; body: Record<string, unknown> & { tools: object[]; messages: { role: string; content: unknown }[] } }
const CLAUDE_BETAS = fixture.headers['anthropic-beta']

/** claude's real body with `change` applied to a copy */
const body = (change: (b: typeof fixture.body) => void = () => undefined) => {
  const b = structuredClone(fixture.body)
  change(b)
  return b
}
const withTool = (tool: object) => body(b => void b.tools.push(tool))
const userSays = (...content: object[]) => body(b => void b.messages.push({ role: 'user', content }))
const refused = (reason: string) => ({ ok: false, reason })
const BETA_REASON = (b: string) => `anthropic-beta ${b}: enables remote reach or org data on the API side`
const TOOL_REASON = (t: string) => `server tool ${t}: it fetches, runs code or connects on the API side`

describe('vetMessagesRequest: what claude sends passes', () => {
  it('passes the body and betas claude 2.1.332 really sent, and its server tools web_search and advisor', () => {
    expect(vetMessagesRequest(body(), CLAUDE_BETAS)).toEqual({ ok: true })
    expect(vetMessagesRequest(body(), CLAUDE_BETAS.split(','))).toEqual({ ok: true })
    expect(vetMessagesRequest(body(), undefined)).toEqual({ ok: true })
    expect(vetMessagesRequest(withTool({ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }), CLAUDE_BETAS)).toEqual({ ok: true })
    expect(vetMessagesRequest(withTool({ type: 'advisor_20260301', name: 'advisor' }), CLAUDE_BETAS)).toEqual({ ok: true })
  })

  it.each([
    'bash_20250124',
    'text_editor_20250728',
    'memory_20250818',
    'custom',
    'tool_search_tool_regex_20251119',
    'x_mcp_toolset', // mcp only as a prefix
    'my_agent_toolset',
    'not_multiagent'
  ])('passes a tool of type %s', type => {
    expect(vetMessagesRequest(withTool({ type, name: 't' }), CLAUDE_BETAS)).toEqual({ ok: true })
  })

  it('passes content that reads only the request itself: base64 and text sources, a source without a string type, no source', () => {
    const ok = userSays(
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' } },
      { type: 'document', source: { type: 7 } },
      { type: 'document', source: 'url' },
      { type: 'text', text: 'file url container_upload', cache_control: null }
    )
    expect(vetMessagesRequest(ok, CLAUDE_BETAS)).toEqual({ ok: true })
    expect(vetMessagesRequest({ messages: 'text', system: 'a string system prompt', tools: [null, 7, 'web_fetch', { type: 3 }] }, '')).toEqual({ ok: true })
    expect(vetMessagesRequest({}, '')).toEqual({ ok: true })
  })

  it('passes betas that merely contain a refused prefix later in their name', () => {
    for (const b of [
      'x-mcp-client-1',
      'beta-files-api-2',
      'no-code-execution-',
      'a-web-fetch-1',
      'my-skills-1',
      'un-managed-agents-1',
      'no-environments-',
      'xccr-1'
    ]) {
      expect(vetMessagesRequest(body(), `${CLAUDE_BETAS},${b}`)).toEqual({ ok: true })
    }
  })
})

describe('vetMessagesRequest: every refused beta prefix, by name', () => {
  it.each([
    'mcp-client-2025-04-04',
    'mcp-client-2025-11-20',
    'mcp-servers-2026-01-01',
    'mcp-tunnels-2026-02-01',
    'files-api-2025-04-14',
    'code-execution-2025-08-25',
    'code-execution-2025-05-22',
    'web-fetch-2025-09-10',
    'skills-2025-10-02',
    'managed-agents-2026-04-01',
    'environments-2026-04-01',
    'ccr-2026-01-01'
  ])('refuses %s in the header, beside claude’s own betas', beta => {
    expect(vetMessagesRequest(body(), `${CLAUDE_BETAS},${beta}`)).toEqual(refused(BETA_REASON(beta)))
    expect(vetMessagesRequest(body(), [CLAUDE_BETAS, beta])).toEqual(refused(BETA_REASON(beta)))
    // Bedrock: the betas travel in the body
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = ['claude-code-20250219', beta])),
        undefined
      )
    ).toEqual(refused(BETA_REASON(beta)))
  })

  it('reads betas case-insensitively and with spaces around them, and names every refused one', () => {
    expect(vetMessagesRequest(body(), '  Files-API-2025-04-14 ,CCR-1')).toEqual(refused(BETA_REASON('files-api-2025-04-14, ccr-1')))
    expect(refusedBetas('claude-code-20250219, MCP-Servers-1,,skills-2')).toEqual(['mcp-servers-1', 'skills-2'])
    expect(refusedBetas(['a,web-fetch-1', 'environments-2'])).toEqual(['web-fetch-1', 'environments-2'])
    expect(refusedBetas(undefined)).toEqual([])
    expect(refusedBetas('')).toEqual([])
  })

  it('cuts a long list of refused betas to 200 characters in the reason', () => {
    const many = Array.from({ length: 30 }, (_, i) => `skills-${String(i).padStart(10, '0')}`)
    const r = vetMessagesRequest(body(), many.join(','))
    expect(r).toEqual(refused(BETA_REASON(many.join(', ').slice(0, 200))))
  })

  it('refuses anthropic_beta in the body unless it is an array', () => {
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = 'claude-code-20250219')),
        undefined
      )
    ).toEqual(refused('anthropic_beta is not an array'))
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = { 0: 'x' })),
        undefined
      )
    ).toEqual(refused('anthropic_beta is not an array'))
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = null)),
        undefined
      )
    ).toEqual(refused('anthropic_beta is not an array'))
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = [])),
        undefined
      )
    ).toEqual({ ok: true })
    // the body's betas are read as strings, whatever JSON type they came as
    expect(
      vetMessagesRequest(
        body(b => void (b.anthropic_beta = [1, 'ccr-x'])),
        undefined
      )
    ).toEqual(refused(BETA_REASON('ccr-x')))
  })
})

describe('vetMessagesRequest: every refused tool type, by name', () => {
  it.each([
    'web_fetch_20250910',
    'web_fetch_20260101',
    'url_fetch_20270101', // any fetch
    'fetch',
    'code_execution_20250825',
    'code_execution_20250522',
    'my_code_execution',
    'mcp_toolset',
    'mcp',
    'agent_toolset_20260401',
    'multiagent_20260401'
  ])('refuses a tool of type %s', type => {
    expect(vetMessagesRequest(withTool({ type, name: 'x' }), CLAUDE_BETAS)).toEqual(refused(TOOL_REASON(type)))
  })

  it('reads the type case-insensitively, names it as sent, and cuts a long one', () => {
    expect(vetMessagesRequest(withTool({ type: 'Web_Fetch_20250910' }), '')).toEqual(refused(TOOL_REASON('Web_Fetch_20250910')))
    expect(vetMessagesRequest(withTool({ type: 'MCP_Toolset' }), '')).toEqual(refused(TOOL_REASON('MCP_Toolset')))
    expect(vetMessagesRequest(withTool({ type: 'Agent_Toolset_1' }), '')).toEqual(refused(TOOL_REASON('Agent_Toolset_1')))
    expect(vetMessagesRequest(withTool({ type: 'MultiAgent_1' }), '')).toEqual(refused(TOOL_REASON('MultiAgent_1')))
    const long = `web_fetch_${'9'.repeat(80)}`
    expect(vetMessagesRequest(withTool({ type: long }), '')).toEqual(refused(TOOL_REASON(long.slice(0, 60))))
  })

  it('refuses tools that are not an array', () => {
    expect(vetMessagesRequest({ tools: { type: 'custom' } }, '')).toEqual(refused('tools is not an array'))
    expect(vetMessagesRequest({ tools: 'web_search' }, '')).toEqual(refused('tools is not an array'))
    expect(vetMessagesRequest({ tools: null }, '')).toEqual(refused('tools is not an array'))
  })
})

describe('vetMessagesRequest: body keys and content sources', () => {
  it('refuses a body that is not a JSON object', () => {
    for (const b of [null, [], [{}], 'x', 3, undefined]) expect(vetMessagesRequest(b, '')).toEqual(refused('body is not a JSON object'))
  })

  it('refuses the top-level keys mcp_servers and container, whatever their value', () => {
    expect(
      vetMessagesRequest(
        body(b => void (b.mcp_servers = [])),
        CLAUDE_BETAS
      )
    ).toEqual(refused('mcp_servers: mcp_servers makes the API connect to MCP servers no allow-list names'))
    expect(
      vetMessagesRequest(
        body(b => void (b.container = null)),
        CLAUDE_BETAS
      )
    ).toEqual(refused('container: container reuses a code execution container (files, network) on the API side'))
  })

  it('refuses a file or url source and a container_upload block anywhere in messages or system, nested in tool results', () => {
    const FILE = 'content source type file: a file_id source reads org files through the Files API'
    const URL = 'content source type url: a url source makes the API fetch that address'
    const UPLOAD = 'a container_upload block puts an org file into a code execution container'
    expect(vetMessagesRequest(userSays({ type: 'document', source: { type: 'file', file_id: 'file_1' } }), '')).toEqual(refused(FILE))
    expect(vetMessagesRequest(userSays({ type: 'image', source: { type: 'url', url: 'https://a.example/x.png' } }), '')).toEqual(refused(URL))
    expect(vetMessagesRequest(userSays({ type: 'container_upload', file_id: 'file_1' }), '')).toEqual(refused(UPLOAD))
    const nested = {
      type: 'tool_result',
      tool_use_id: 'toolu_1',
      content: [
        { type: 'text', text: 'x' },
        { type: 'search_result', content: [{ type: 'document', source: { type: 'url', url: 'https://a.example/' } }] }
      ]
    }
    expect(vetMessagesRequest(userSays(nested), '')).toEqual(refused(URL))
    expect(
      vetMessagesRequest(
        body(b => void (b.system = [{ type: 'image', source: { type: 'file', file_id: 'f' } }])),
        ''
      )
    ).toEqual(refused(FILE))
    expect(vetMessagesRequest({ system: { wrapper: { type: 'container_upload' } } }, '')).toEqual(refused(UPLOAD))
    // deeper than any call stack would go
    let deep: unknown = { type: 'image', source: { type: 'url', url: 'https://a.example/' } }
    for (let i = 0; i < 50_000; i++) deep = [deep]
    expect(vetMessagesRequest({ messages: deep }, '')).toEqual(refused(URL))
  })

  it('judges betas before keys, keys before tools, tools before content', () => {
    const all = body(b => {
      b.mcp_servers = []
      b.tools.push({ type: 'web_fetch_1' })
      b.messages.push({ role: 'user', content: [{ type: 'container_upload' }] })
    })
    expect(vetMessagesRequest(all, 'ccr-1')).toEqual(refused(BETA_REASON('ccr-1')))
    expect((vetMessagesRequest(all, '') as { reason: string }).reason).toMatch(/^mcp_servers: /)
    delete all.mcp_servers
    expect(vetMessagesRequest(all, '')).toEqual(refused(TOOL_REASON('web_fetch_1')))
  })
})
