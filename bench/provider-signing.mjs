// The model proxy's added latency per request with each provider, side by side in one run: the
// claude body (__tests__/fixtures/claude-messages-request.json, ~20 KB) POSTed on a new
// connection each time, directly to a loopback upstream (the reference), and through the model
// proxy as anthropic (key swap), bedrock (SigV4 over the whole request with @smithy/signature-v4,
// static credentials as the AWS chain returns them once cached) and vertex (bearer token from a
// cached credential; google-auth-library refreshes it only near expiry, so a refresh is not in
// these rows). The upstream does not verify: this measures the proxy, not the service.
// Usage: npm run build && node bench/provider-signing.mjs [requests]   (default 1000)
import fs from 'node:fs'
import http from 'node:http'
import { makePlaceholder, startModelProxy } from '../lib/proxy/model-proxy.js'
import { bedrockProvider } from '../lib/proxy/providers/bedrock.js'
import { vertexProvider } from '../lib/proxy/providers/vertex.js'

const N = Number(process.argv[2] ?? 1000)
const target = http.createServer((q, res) => {
  q.resume()
  q.on('end', () => res.end('x'.repeat(1024)))
})
await new Promise(r => target.listen(0, '127.0.0.1', r))
const upstream = `http://127.0.0.1:${target.address().port}`
const claude = JSON.parse(fs.readFileSync(new URL('../__tests__/fixtures/claude-messages-request.json', import.meta.url), 'utf8'))
const { model: _m, stream: _s, ...rest } = claude.body
const bodies = {
  anthropic: JSON.stringify(claude.body),
  bedrock: JSON.stringify({ ...rest, anthropic_version: 'bedrock-2023-05-31' }),
  vertex: JSON.stringify({ ...rest, stream: true, anthropic_version: 'vertex-2023-10-16' })
}
const placeholder = makePlaceholder()
const keys = {
  accessKeyId: 'ASIABENCH0123456789A',
  secretAccessKey: 'bench/Secret0123456789abcdefghijklmnopqrs',
  sessionToken: 'IQoJbenchSessionToken'.repeat(20)
}
const proxies = {
  anthropic: await startModelProxy({ upstream, credential: { kind: 'api-key', value: 'sk-bench' }, placeholder, bindHost: '127.0.0.1' }),
  bedrock: await startModelProxy({
    upstream,
    credential: { kind: 'bedrock', region: 'us-east-1' },
    placeholder,
    bindHost: '127.0.0.1',
    provider: bedrockProvider({ upstream, region: 'us-east-1', placeholder, credentials: async () => keys })
  }),
  vertex: await startModelProxy({
    upstream,
    credential: { kind: 'vertex', project: 'bench-proj', region: 'us-east5' },
    placeholder,
    bindHost: '127.0.0.1',
    provider: vertexProvider({
      upstream,
      project: 'bench-proj',
      region: 'us-east5',
      placeholder,
      auth: { getAccessToken: async () => 'ya29.bench-cached-token' }
    })
  })
}
const paths = {
  anthropic: '/v1/messages?beta=true',
  bedrock: `/${placeholder}/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream`,
  vertex: `/${placeholder}/v1/projects/bench-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict`
}
const post = (port, path, body, headers) =>
  new Promise((resolve, reject) => {
    http
      .request({ agent: false, host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } }, res => {
        res.resume()
        res.on('end', resolve)
      })
      .on('error', reject)
      .end(body)
  })

async function time(label, fn) {
  for (let i = 0; i < 100; i++) await fn()
  const t = []
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint()
    await fn()
    t.push(Number(process.hrtime.bigint() - s) / 1e6)
  }
  t.sort((a, b) => a - b)
  return { label, median: t[Math.floor(N / 2)], p95: t[Math.floor(N * 0.95)] }
}

const rows = [await time('direct, claude body', () => post(target.address().port, '/v1/messages', bodies.anthropic, claude.headers))]
rows.push(
  await time('model proxy, anthropic', () => post(proxies.anthropic.port, paths.anthropic, bodies.anthropic, { ...claude.headers, 'x-api-key': placeholder }))
)
rows.push(await time('model proxy, bedrock (SigV4)', () => post(proxies.bedrock.port, paths.bedrock, bodies.bedrock, { 'anthropic-version': '2023-06-01' })))
rows.push(await time('model proxy, vertex (bearer)', () => post(proxies.vertex.port, paths.vertex, bodies.vertex, claude.headers)))
const base = rows[0].median
const date = new Date().toISOString().slice(0, 10)
for (const r of rows)
  console.log(
    `| ${date} | ${r.label} | ${r.median.toFixed(3)} ms | ${r.p95.toFixed(3)} ms | ${(r.median - base).toFixed(3)} ms | ${(r.median / base).toFixed(2)}x |`
  )
for (const p of Object.values(proxies)) await p.close()
target.close()
