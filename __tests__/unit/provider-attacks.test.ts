/**
 * Red team: what the guest can make the model proxy do with the runner's AWS and Google
 * credentials, through the real proxy and the signature-checking doubles, over real HTTP.
 * The guest has curl and its placeholder (its base URL carries it), so it can send anything.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { GoogleAuth } from 'google-auth-library'
import { makePlaceholder, startModelProxy } from '../../src/proxy/model-proxy.js'
import { bedrockProvider } from '../../src/proxy/providers/bedrock.js'
import { CLOUD_PLATFORM_SCOPE, vertexProvider } from '../../src/proxy/providers/vertex.js'
import { startBedrockDouble } from '../../test/harness/bedrock-double.mjs'
import { startTokenDouble, startVertexDouble } from '../../test/harness/vertex-double.mjs'

const KEYS = {
  accessKeyId: 'ASIAREDTEAMKEY123456',
  secretAccessKey: 'redteam/Secret+0123456789abcdefghijklmnopq',
  sessionToken: 'IQoJb3JpZ2luX2VjERedTeamSessionToken0123456789'
}
const SCENARIO = { turns: [{ text: 'ok' }], usage: { input_tokens: 10, output_tokens: 5 } }
const messages = [{ role: 'user', content: 'hi' }]
const placeholder = makePlaceholder()
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async r => ({
    status: r.status,
    text: await r.text()
  }))

const closers: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close()
})

describe("bedrock: the runner's AWS credentials sign only what claude sends", () => {
  async function setup() {
    const upstream = await startBedrockDouble(SCENARIO, { ...KEYS, region: 'us-east-1' })
    closers.push(upstream)
    const provider = bedrockProvider({ upstream: upstream.url, region: 'us-east-1', placeholder, credentials: async () => KEYS })
    const proxy = await startModelProxy({
      upstream: upstream.url,
      credential: { kind: 'bedrock', region: 'us-east-1' },
      placeholder,
      bindHost: '127.0.0.1',
      provider
    })
    closers.push(proxy)
    return { upstream, base: `http://127.0.0.1:${proxy.port}/${placeholder}` }
  }

  it("refuses other publishers' models, custom and imported models, application profiles and another region's ARN, never signing them", async () => {
    const { upstream, base } = await setup()
    const llama = { prompt: 'hi', max_gen_len: 2048 } // Meta's request shape: the caps cannot read its answer
    const anthropicBody = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages }
    const targets: [string, unknown][] = [
      ['meta.llama3-1-405b-instruct-v1:0', llama],
      ['us.meta.llama3-2-90b-instruct-v1:0', llama],
      ['stability.sd3-large-v1:0', { prompt: 'a cat' }],
      ['arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aimported-model%2Fabc123', llama],
      ['arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123', anthropicBody],
      ['arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-sonnet-4-5-20250929-v1%3A0', anthropicBody]
    ]
    const statuses = []
    for (const [model, body] of targets) statuses.push((await post(`${base}/model/${model}/invoke`, body)).status)
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403])
    expect(upstream.requests).toEqual([])
    // claude's own ids still go: a cross-region profile, a foundation model, an inference-profile ARN in the region
    for (const model of [
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fglobal.anthropic.claude-opus-4-5-20251101-v1%3A0'
    ]) {
      expect((await post(`${base}/model/${model}/invoke`, anthropicBody)).status).toBe(200)
    }
  })

  it('signs the body the proxy sends, whatever x-amz-* headers the guest adds (no UNSIGNED-PAYLOAD, no dearer latency tier)', async () => {
    const { upstream, base } = await setup()
    const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages }
    const r = await post(`${base}/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke`, body, {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amzn-bedrock-performanceconfig-latency': 'optimized'
    })
    expect(r.status).toBe(200)
    const seen = upstream.requests[0]!.headers
    expect(seen['x-amz-content-sha256']).toBe(crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex'))
    expect(seen['x-amzn-bedrock-performanceconfig-latency']).toBeUndefined()
  })
})

describe("vertex: the runner's Google token works only for the configured project", () => {
  it('drops x-goog-user-project (billing another project) and method overrides before adding the token', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-redteam-gcp-'))
    fs.writeFileSync(path.join(dir, 'oidc-token'), 'github-oidc-subject-token')
    const sts = await startTokenDouble({ subjectToken: 'github-oidc-subject-token', expiresIn: 3600 })
    closers.push(sts)
    const upstream = await startVertexDouble(SCENARIO, { project: 'bottle-proj', region: 'us-east5', validToken: sts.valid })
    closers.push(upstream)
    fs.writeFileSync(path.join(dir, 'adc.json'), JSON.stringify(sts.credentialsFile(path.join(dir, 'oidc-token'))))
    const auth = new GoogleAuth({ keyFilename: path.join(dir, 'adc.json'), scopes: [CLOUD_PLATFORM_SCOPE] })
    const provider = vertexProvider({ upstream: upstream.url, project: 'bottle-proj', region: 'us-east5', placeholder, auth })
    const proxy = await startModelProxy({
      upstream: upstream.url,
      credential: { kind: 'vertex', project: 'bottle-proj', region: 'us-east5' },
      placeholder,
      bindHost: '127.0.0.1',
      provider
    })
    closers.push(proxy)
    try {
      const url = `http://127.0.0.1:${proxy.port}/${placeholder}/v1/projects/bottle-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`
      const r = await post(
        url,
        { anthropic_version: 'vertex-2023-10-16', max_tokens: 10, messages },
        { 'x-goog-user-project': 'someone-elses-project', 'x-http-method-override': 'DELETE' }
      )
      expect(r.status).toBe(200)
      const seen = upstream.requests[0]!.headers
      expect(seen['x-goog-user-project']).toBeUndefined()
      expect(seen['x-http-method-override']).toBeUndefined()
      expect(String(seen.authorization)).toMatch(/^Bearer /)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
