// The egress proxy's and the model proxy's added latency per request, on loopback, side by
// side with the same request made directly. Each request opens a new connection (as a CLI
// tool in the bottle does), except the keep-alive rows, which reuse one. The egress proxy runs
// as in a bottle: per-run secret required, every address vetted (an IP target is vetted without
// a lookup; a name costs one lookup, the "by name" rows), loopback reached only because
// allowed-hosts lists it.
// The "claude body" rows POST the body real claude sent (__tests__/fixtures/claude-messages-request.json,
// ~20 KB, with its anthropic-beta) and a 1 MiB conversation grown from it, which the model proxy
// buffers, parses and vets before it forwards; their reference is the same POST made directly.
// Usage: npm run build && node bench/proxy-latency.mjs [requests]   (default 2000)
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startEgressProxy } from '../lib/proxy/egress-proxy.js'
import { parseEgressPolicy } from '../lib/config/egress-policy.js'
import { makePlaceholder, startModelProxy } from '../lib/proxy/model-proxy.js'

const N = Number(process.argv[2] ?? 2000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-proxy-bench-'))
const body = 'x'.repeat(1024)
const target = http.createServer((q, res) => {
  q.resume()
  q.on('end', () => res.end(body))
})
await new Promise(r => target.listen(0, '127.0.0.1', r))
const port = target.address().port
const secret = 'bench-secret-0123456789abcdef'
const proxyAuth = `Basic ${Buffer.from(`bottle:${secret}`).toString('base64')}`
const egress = await startEgressProxy({
  policy: parseEgressPolicy('allowlist', `localhost:${port}, 127.0.0.1:${port}`, ''),
  bindHost: '127.0.0.1',
  logFile: path.join(dir, 'egress.jsonl'),
  secret
})
const placeholder = makePlaceholder()
const model = await startModelProxy({
  upstream: `http://127.0.0.1:${port}`,
  credential: { kind: 'api-key', value: 'sk-bench' },
  placeholder,
  bindHost: '127.0.0.1'
})

const request = (opts, body) =>
  new Promise((resolve, reject) => {
    http
      .request({ agent: false, ...opts }, res => {
        res.resume()
        res.on('end', resolve)
      })
      .on('error', reject)
      .end(body)
  })
const get = opts => request(opts)
const postMessage = agent =>
  request(
    {
      host: '127.0.0.1',
      port: model.port,
      method: 'POST',
      path: '/v1/messages',
      headers: { 'x-api-key': placeholder, 'content-type': 'application/json' },
      ...(agent ? { agent } : {})
    },
    '{}'
  )
const claude = JSON.parse(fs.readFileSync(new URL('../__tests__/fixtures/claude-messages-request.json', import.meta.url), 'utf8'))
const claudeBody = JSON.stringify(claude.body)
const bigBody = JSON.stringify({
  ...claude.body,
  messages: [
    ...claude.body.messages,
    ...Array.from({ length: 256 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: 'y'.repeat(4000) }] }))
  ]
})
const postClaude = (toPort, b, agent) =>
  request(
    {
      host: '127.0.0.1',
      port: toPort,
      method: 'POST',
      path: '/v1/messages?beta=true',
      headers: { 'x-api-key': placeholder, 'content-type': 'application/json', ...claude.headers },
      ...(agent ? { agent } : {})
    },
    b
  )

function viaConnect(host) {
  return new Promise((resolve, reject) => {
    const s = net.connect(egress.port, '127.0.0.1', () =>
      s.write(`CONNECT ${host}:${port} HTTP/1.1\r\nhost: ${host}:${port}\r\nproxy-authorization: ${proxyAuth}\r\n\r\n`)
    )
    let stage = 0
    let buf = ''
    s.on('data', c => {
      buf += c
      if (stage === 0 && buf.includes('\r\n\r\n')) {
        stage = 1
        buf = ''
        s.write(`GET / HTTP/1.1\r\nhost: ${host}:${port}\r\nconnection: close\r\n\r\n`)
      }
    })
    s.on('end', resolve)
    s.on('error', reject)
  })
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 })
const cases = [
  ['direct', () => get({ host: '127.0.0.1', port, path: '/' })],
  [
    'egress proxy, plain HTTP',
    () =>
      get({ host: '127.0.0.1', port: egress.port, path: `http://127.0.0.1:${port}/`, headers: { host: `127.0.0.1:${port}`, 'proxy-authorization': proxyAuth } })
  ],
  [
    'egress, plain HTTP by name',
    () =>
      get({ host: '127.0.0.1', port: egress.port, path: `http://localhost:${port}/`, headers: { host: `localhost:${port}`, 'proxy-authorization': proxyAuth } })
  ],
  ['egress proxy, CONNECT', () => viaConnect('127.0.0.1')],
  ['egress, CONNECT by name', () => viaConnect('localhost')],
  ['model proxy', () => postMessage()],
  ['direct, keep-alive', () => get({ host: '127.0.0.1', port, path: '/', agent: keepAlive })],
  ['model proxy, keep-alive', () => postMessage(keepAlive)],
  ['direct, claude body', () => postClaude(port, claudeBody, keepAlive)],
  ['model proxy, claude body', () => postClaude(model.port, claudeBody, keepAlive)],
  ['direct, 1 MiB body', () => postClaude(port, bigBody, keepAlive)],
  ['model proxy, 1 MiB body', () => postClaude(model.port, bigBody, keepAlive)]
]
/** the row a row is compared with */
const reference = label =>
  label.includes('1 MiB')
    ? 'direct, 1 MiB body'
    : label.includes('claude body')
      ? 'direct, claude body'
      : label.includes('keep-alive')
        ? 'direct, keep-alive'
        : 'direct'

const results = []
for (const [label, fn] of cases) {
  for (let i = 0; i < 100; i++) await fn() // warm-up
  const times = []
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  times.sort((a, b) => a - b)
  results.push({ label, median: times[Math.floor(N / 2)], p95: times[Math.floor(N * 0.95)] })
}
console.log(`${N} sequential requests each, 1 KiB response, loopback (node ${process.version}); body rows on one kept-alive connection`)
for (const r of results) {
  const ref = results.find(x => x.label === reference(r.label)).median
  console.log(
    `${r.label.padEnd(28)} median ${r.median.toFixed(3)} ms  p95 ${r.p95.toFixed(3)} ms  added ${(r.median - ref).toFixed(3)} ms (${(r.median / ref).toFixed(2)}x)`
  )
}
await egress.close()
await model.close()
target.close()
keepAlive.destroy()
fs.rmSync(dir, { recursive: true, force: true })
