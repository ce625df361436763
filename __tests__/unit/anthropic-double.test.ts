/**
 * The Anthropic API double refuses what the real Messages API refuses before it reads a body, with
 * the real error shapes (quoted from the API's answers in public bug reports): a request without a
 * credential, with two, an OAuth bearer without the OAuth beta, or without `anthropic-version`. A
 * proxy that drops one of these headers then fails every test that goes through the double.
 */
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'

const KEY = 'sk-ant-api03-double-test'
const TOKEN = 'sk-ant-oat01-double-test'
const body = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, tools: [{ name: 't' }], messages: [{ role: 'user', content: 'hi' }] })

describe('Anthropic API double: headers the real API requires', () => {
  let api: Awaited<ReturnType<typeof startAnthropicDouble>>
  let oauth: Awaited<ReturnType<typeof startAnthropicDouble>>
  beforeAll(async () => {
    api = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    oauth = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: TOKEN })
  })
  afterAll(async () => {
    await api.close()
    await oauth.close()
  })
  const send = (url: string, headers: Record<string, string>) =>
    fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async r => ({
      status: r.status,
      body: (await r.json()) as Record<string, unknown>
    }))
  const error = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: expect.stringMatching(/^req_/) })
  const v = { 'anthropic-version': '2023-06-01' }

  it('answers a key in x-api-key with anthropic-version, and an OAuth bearer that carries the OAuth beta', async () => {
    expect((await send(api.url, { ...v, 'x-api-key': KEY })).status).toBe(200)
    expect((await send(oauth.url, { ...v, authorization: `Bearer ${TOKEN}`, 'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20' })).status).toBe(200)
  })

  it.each([
    ['no credential', {}, 401, error('authentication_error', 'x-api-key header is required')],
    ['a wrong key', { 'x-api-key': 'sk-ant-api03-other' }, 401, error('authentication_error', 'invalid x-api-key')],
    ['two credentials', { 'x-api-key': KEY, authorization: `Bearer ${KEY}` }, 401, error('authentication_error', expect.stringMatching(/both given/))],
    [
      'no anthropic-version',
      { 'x-api-key': KEY, 'anthropic-version': '' },
      400,
      error('invalid_request_error', 'anthropic-version: "" is not a valid version')
    ],
    [
      'an unknown version',
      { 'x-api-key': KEY, 'anthropic-version': '2023-06-01, 2023-06-01' },
      400,
      error('invalid_request_error', 'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version')
    ]
  ])('refuses %s', async (_what, headers, status, shape) => {
    const h: Record<string, string> = { ...v, ...headers }
    expect(await send(api.url, h)).toEqual({ status, body: shape })
  })

  it('refuses a request without anthropic-version at all (400 invalid_request_error, the real message)', async () => {
    expect(await send(api.url, { 'x-api-key': KEY })).toEqual({ status: 400, body: error('invalid_request_error', 'anthropic-version: header is required') })
  })

  it('refuses an OAuth bearer without the oauth-2025-04-20 beta, and a wrong token', async () => {
    expect(await send(oauth.url, { ...v, authorization: `Bearer ${TOKEN}`, 'anthropic-beta': 'claude-code-20250219' })).toEqual({
      status: 401,
      body: error('authentication_error', 'OAuth authentication is currently not supported.')
    })
    expect(await send(oauth.url, { ...v, authorization: 'Bearer sk-ant-oat01-other', 'anthropic-beta': 'oauth-2025-04-20' })).toEqual({
      status: 401,
      body: error('authentication_error', 'Invalid bearer token')
    })
  })
})
