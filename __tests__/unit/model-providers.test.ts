/**
 * Bedrock and Vertex through the model proxy, against doubles that authenticate as the real
 * services do: the Bedrock double recomputes SigV4 with its own node:crypto code (not the
 * proxy's @smithy signer), the Vertex double accepts only tokens its token endpoint issued and
 * not yet expired. Requests are shaped as claude's Bedrock/Vertex modes send them (recorded).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { GoogleAuth } from 'google-auth-library'
import { makePlaceholder, startModelProxy, type ModelProxy } from '../../src/proxy/model-proxy.js'
import { bedrockProvider } from '../../src/proxy/providers/bedrock.js'
import { eventStreamReader } from '../../src/proxy/providers/event-stream.js'
import { CLOUD_PLATFORM_SCOPE, vertexProvider } from '../../src/proxy/providers/vertex.js'
import type { UpstreamVerdict } from '../../src/proxy/upstream-health.js'
import { startBedrockDouble } from '../../test/harness/bedrock-double.mjs'
import { startTokenDouble, startVertexDouble } from '../../test/harness/vertex-double.mjs'

const KEYS = {
  accessKeyId: 'ASIAUNITTESTKEY12345',
  secretAccessKey: 'unit/Test+Secret0123456789abcdefghijklmno',
  sessionToken: 'IQoJb3JpZ2luX2VjEUnitTestSessionToken0123456789'
}
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const SCENARIO = {
  turns: [{ text: 'hello from the cloud' }],
  usage: { input_tokens: 321, output_tokens: 45, cache_creation_input_tokens: 6, cache_read_input_tokens: 7 }
}
const messages = [{ role: 'user', content: 'hi' }]
const tools = [{ name: 'Bash', description: 'run', input_schema: { type: 'object' } }]

/** The text deltas of an event stream answer, decoded as the AWS SDK would. */
function eventStreamText(buf: Buffer): { events: string[]; text: string } {
  const events: string[] = []
  let text = ''
  eventStreamReader(m => {
    const ev = JSON.parse(Buffer.from((JSON.parse(m.payload.toString()) as { bytes: string }).bytes, 'base64').toString()) as {
      type: string
      delta?: { text?: string }
    }
    events.push(`${m.headers[':event-type']}:${ev.type}`)
    text += ev.delta?.text ?? ''
  })(buf)
  return { events, text }
}

async function send(url: string, body: unknown, method = 'POST'): Promise<{ status: number; type: string; buf: Buffer }> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: method === 'POST' ? JSON.stringify(body) : undefined
  })
  return { status: r.status, type: r.headers.get('content-type') ?? '', buf: Buffer.from(await r.arrayBuffer()) }
}

describe('bedrock through the model proxy', () => {
  const placeholder = makePlaceholder()
  const started: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close()
  })
  async function setup(o: { proxyKeys?: typeof KEYS; proxyRegion?: string; doubleNow?: () => Date; credentials?: 'chain' } = {}) {
    const upstream = await startBedrockDouble(SCENARIO, { ...KEYS, region: 'us-east-1', now: o.doubleNow })
    started.push(upstream)
    const verdicts: UpstreamVerdict[] = []
    const provider = bedrockProvider({
      upstream: upstream.url,
      region: o.proxyRegion ?? 'us-east-1',
      placeholder,
      credentials: o.credentials === 'chain' ? undefined : async () => o.proxyKeys ?? KEYS
    })
    const proxy: ModelProxy = await startModelProxy({
      upstream: upstream.url,
      credential: { kind: 'bedrock', region: 'us-east-1' },
      placeholder,
      bindHost: '127.0.0.1',
      provider,
      onUpstreamVerdict: v => verdicts.push(v)
    })
    started.push(proxy)
    return { upstream, proxy, verdicts, base: `http://127.0.0.1:${proxy.port}/${placeholder}` }
  }
  const body = { anthropic_version: 'bedrock-2023-05-31', anthropic_beta: ['interleaved-thinking-2025-05-14'], max_tokens: 100, messages, tools }

  it("signs claude's streaming request so the SigV4 verifier accepts it, relays the event stream, and counts its usage", async () => {
    const { upstream, proxy, verdicts, base } = await setup()
    const r = await send(`${base}/model/${MODEL}/invoke-with-response-stream`, body)
    expect(r.status).toBe(200)
    expect(r.type).toBe('application/vnd.amazon.eventstream')
    const { events, text } = eventStreamText(r.buf)
    expect(text).toBe('hello from the cloud')
    expect(events[0]).toBe('chunk:message_start')
    expect(events.at(-1)).toBe('chunk:message_stop')
    expect(upstream.requests.map(q => [q.path, q.refused])).toEqual([[`/model/${encodeURIComponent(MODEL)}/invoke-with-response-stream`, undefined]])
    expect(upstream.requests[0]!.headers['x-amz-security-token']).toBe(KEYS.sessionToken)
    expect(proxy.usage()).toMatchObject({ requests: 1, input_tokens: 321, output_tokens: 45, cache_creation_input_tokens: 6, cache_read_input_tokens: 7 })
    expect(verdicts).toEqual([])
  })

  it("forwards the non-streaming invoke (claude's model probe) too", async () => {
    const { base } = await setup()
    const r = await send(`${base}/model/${MODEL}/invoke`, { ...body, tools: undefined, max_tokens: 1 })
    expect(r.status).toBe(200)
    expect(JSON.parse(r.buf.toString())).toMatchObject({ type: 'message', model: MODEL })
  })

  it.each([
    [
      'a wrong secret key',
      { proxyKeys: { ...KEYS, secretAccessKey: 'wrong/Secret0123456789abcdefghijklmnopqrs' } },
      /The request signature we calculated does not match the signature you provided/
    ],
    ['a signature older than 5 minutes', { doubleNow: () => new Date(Date.now() + 10 * 60_000) }, /Signature expired: \d{8}T\d{6}Z is now earlier than/],
    ['another region', { proxyRegion: 'eu-west-1' }, /Credential should be scoped to a valid region/]
  ])('%s: the service refuses it and the host concludes auth-error with its message', async (_what, o, message) => {
    const { upstream, verdicts, base } = await setup(o)
    const r = await send(`${base}/model/${MODEL}/invoke-with-response-stream`, body)
    expect(r.status).toBe(403)
    expect(upstream.requests[0]!.refused).toMatch(/InvalidSignatureException/)
    expect(verdicts).toEqual([{ conclusion: 'auth-error', detail: expect.stringMatching(message) }])
  })

  it("takes the runner's credentials from the standard chain: environment, then AWS_PROFILE in the shared files", async () => {
    const saved = { ...process.env }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-aws-'))
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: KEYS.sessionToken })
      const env = await setup({ credentials: 'chain' })
      expect((await send(`${env.base}/model/${MODEL}/invoke`, { ...body, max_tokens: 1 })).status).toBe(200)
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[k]
      fs.writeFileSync(
        path.join(dir, 'credentials'),
        `[bottle]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\naws_session_token = ${KEYS.sessionToken}\n`
      )
      Object.assign(process.env, {
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
        AWS_CONFIG_FILE: path.join(dir, 'config'),
        AWS_PROFILE: 'bottle'
      })
      const profile = await setup({ credentials: 'chain' })
      expect((await send(`${profile.base}/model/${MODEL}/invoke`, { ...body, max_tokens: 1 })).status).toBe(200)
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
      Object.assign(process.env, saved)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses, without forwarding, a request without the placeholder, the control plane, another operation, and a refused beta in the body', async () => {
    const { upstream, base, proxy } = await setup()
    const origin = `http://127.0.0.1:${proxy.port}`
    const statuses = [
      (await send(`${origin}/model/${MODEL}/invoke-with-response-stream`, body)).status,
      (await send(`${origin}/${makePlaceholder()}/model/${MODEL}/invoke`, body)).status,
      (await send(`${base}/inference-profiles?type=SYSTEM_DEFINED`, undefined, 'GET')).status,
      (await send(`${base}/model/${MODEL}/converse`, body)).status,
      (await send(`${base}/model/${MODEL}/invoke/../../guardrail`, body)).status,
      (await send(`${base}/model/${MODEL}/invoke`, { ...body, anthropic_beta: ['mcp-client-2025-04-04'] })).status
    ]
    expect(statuses).toEqual([401, 401, 403, 403, 403, 403])
    expect(upstream.requests).toEqual([])
  })
})

describe('vertex through the model proxy', () => {
  const placeholder = makePlaceholder()
  const started: { close(): Promise<void> }[] = []
  let dir = ''
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-gcp-'))
    fs.writeFileSync(path.join(dir, 'oidc-token'), 'github-oidc-subject-token')
  })
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  async function setup(subject = 'github-oidc-subject-token') {
    const sts = await startTokenDouble({ subjectToken: subject, expiresIn: 120 }) // under google-auth-library's 5-minute eager refresh: every use refreshes
    started.push(sts)
    const upstream = await startVertexDouble(SCENARIO, { project: 'bottle-proj', region: 'us-east5', validToken: sts.valid })
    started.push(upstream)
    fs.writeFileSync(path.join(dir, 'adc.json'), JSON.stringify(sts.credentialsFile(path.join(dir, 'oidc-token'))))
    const auth = new GoogleAuth({ keyFilename: path.join(dir, 'adc.json'), scopes: [CLOUD_PLATFORM_SCOPE] })
    const verdicts: UpstreamVerdict[] = []
    const provider = vertexProvider({ upstream: upstream.url, project: 'bottle-proj', region: 'us-east5', placeholder, auth })
    const proxy = await startModelProxy({
      upstream: upstream.url,
      credential: { kind: 'vertex', project: 'bottle-proj', region: 'us-east5' },
      placeholder,
      bindHost: '127.0.0.1',
      provider,
      onUpstreamVerdict: v => verdicts.push(v)
    })
    started.push(proxy)
    return {
      sts,
      upstream,
      proxy,
      verdicts,
      base: `http://127.0.0.1:${proxy.port}/${placeholder}/v1/projects/bottle-proj/locations/us-east5/publishers/anthropic/models`
    }
  }
  const body = { anthropic_version: 'vertex-2023-10-16', max_tokens: 100, stream: true, messages, tools }

  it('adds a token from the application default credentials, refreshes it before expiry, relays the SSE and counts usage', async () => {
    const { sts, upstream, proxy, base, verdicts } = await setup()
    const first = await send(`${base}/claude-sonnet-4-5@20250929:streamRawPredict`, body)
    const second = await send(`${base}/claude-sonnet-4-5@20250929:streamRawPredict`, body)
    expect([first.status, second.status]).toEqual([200, 200])
    expect(first.type).toMatch(/text\/event-stream/)
    expect(first.buf.toString()).toContain('"text":"hello from the cloud"')
    const tokens = upstream.requests.map(r => String(r.headers.authorization))
    expect(sts.exchanges.map(e => e.scope)).toEqual([CLOUD_PLATFORM_SCOPE, CLOUD_PLATFORM_SCOPE])
    expect(tokens).toEqual(sts.issued().map(t => `Bearer ${t}`)) // a fresh token each time: the first was within 5 minutes of expiry
    expect(proxy.usage()).toMatchObject({ requests: 2, input_tokens: 642, output_tokens: 90 })
    expect(verdicts).toEqual([])
  })

  it('refuses another project or region, and a request without the placeholder, without forwarding', async () => {
    const { upstream, base, proxy } = await setup()
    const statuses = [
      (await send(`${base.replace('bottle-proj', 'other-proj')}/claude-sonnet-4-5@20250929:streamRawPredict`, body)).status,
      (await send(`${base.replace('us-east5', 'europe-west1')}/claude-sonnet-4-5@20250929:streamRawPredict`, body)).status,
      (await send(`${base}/claude-sonnet-4-5@20250929:predict`, body)).status,
      (
        await send(
          `http://127.0.0.1:${proxy.port}/v1/projects/bottle-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict`,
          body
        )
      ).status
    ]
    expect(statuses).toEqual([403, 403, 403, 401])
    expect(upstream.requests).toEqual([])
  })

  it('no token to be had (the token endpoint refuses the subject token): the host concludes auth-error at once', async () => {
    const { upstream, base, verdicts } = await setup('another-subject-token')
    const r = await send(`${base}/claude-sonnet-4-5@20250929:streamRawPredict`, body)
    expect(r.status).toBe(502)
    expect(upstream.requests).toEqual([])
    expect(verdicts).toEqual([{ conclusion: 'auth-error', detail: expect.stringMatching(/invalid_grant|subject token is invalid/) }])
  })
})
