/** The worst case a request reserves against the caps, read from its body (request-bound.ts), in tokens a reader can check by hand. */
import { cacheAsk, shapeOf, withMaxUses, worstCase } from '../../src/proxy/request-bound.js'

const M = 1_000_000 // every model's context window is at most a million tokens
const base = { model: 'claude-opus-5-5', max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }] }
const bound = (body: Record<string, unknown>, bytes = 1000) => {
  const sent = withMaxUses(body)
  return worstCase('claude-opus-5-5', bytes, shapeOf(sent), cacheAsk(Buffer.from(JSON.stringify(sent))))
}

describe('the most a request can bill', () => {
  it('plain text: its bytes plus 4000 tokens the API adds, max_tokens out; as cache writes when it asks for caching', () => {
    expect(bound(base)).toEqual({ model: 'claude-opus-5-5', input: 5000, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0, output: 2000, webSearches: 0 })
    const cached = { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }] }
    expect(bound(cached)).toMatchObject({ input: 0, cacheCreation: 5000, cacheCreation1h: 0 })
    const hour = { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '1h' } }] }
    expect(bound(hour)).toMatchObject({ input: 0, cacheCreation: 5000, cacheCreation1h: 5000 })
    expect(bound({ ...base, max_tokens: undefined })).toMatchObject({ output: 128_000 }) // the most any model writes
  })

  it('Anthropic-defined client tools add their own prompts (2000 tokens each counted)', () => {
    expect(
      bound({
        ...base,
        tools: [
          { type: 'bash_20250124', name: 'bash' },
          { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }
        ]
      })
    ).toMatchObject({
      input: 9000
    })
  })

  it('web search: max_uses 5 set when absent; a context window per sampling step (1 + searches), each search billed', () => {
    const body = { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }
    expect((withMaxUses(body).tools as { max_uses?: number }[])[0]!.max_uses).toBe(5)
    expect(withMaxUses(base)).toBe(base) // nothing to add: the same body, forwarded byte for byte
    expect(bound(body)).toMatchObject({ input: 6 * M, output: 2000, webSearches: 5 })
    expect(bound({ ...base, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 0 }] })).toMatchObject({ input: 5000, webSearches: 0 })
    expect(bound({ ...base, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }] })).toMatchObject({ input: 3 * M, webSearches: 2 })
  })

  it('an image or a document anywhere (a tool result too) bills up to the context window, whatever its bytes', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }
    const pdf = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }
    expect(bound({ ...base, messages: [{ role: 'user', content: [image] }] })).toMatchObject({ input: M })
    expect(bound({ ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [pdf] }] }] })).toMatchObject({ input: M })
  })

  it('a server tool without max_uses (tool search) counts the server loop’s 10 steps; compaction reads the conversation once more per step', () => {
    expect(bound({ ...base, tools: [{ type: 'tool_search_tool_regex_20251119', name: 'tool_search' }] })).toMatchObject({ input: 11 * M })
    expect(bound({ ...base, context_management: { edits: [{ type: 'compact_20260112' }] } })).toMatchObject({ input: 5000 + M, output: 2000 + 128_000 })
  })

  it('an advisor call reads the whole conversation and writes its own max_tokens, at the advisor’s rates (priced as the dearest model)', () => {
    const advisor = { type: 'advisor_20260301', name: 'advisor', model: 'claude-opus-4-8', max_uses: 2, max_tokens: 2048 }
    expect(bound({ ...base, tools: [advisor] })).toMatchObject({ model: undefined, input: 3 * M + 2 * M, output: 2000 + 2 * 2048 })
  })
})
