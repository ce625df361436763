/**
 * Escapes through the host-side proxies, from a real bottle (the real claude runs a Bash tool
 * call scripted by the API double): the model proxy asked for other API endpoints and for
 * paths that climb out of the upstream's base path; the egress proxy asked for an allowed name
 * that resolves to loopback or to the runner's own address, for an allowed name on a port the
 * allow-list does not name, for a tunnel whose TLS names another host (domain fronting), and
 * without the per-run proxy secret. Nothing may reach the decoys, and every refusal is in
 * model.jsonl / egress.jsonl with its reason. A matching TLS name to the allowed decoy passes
 * (the control that shows the decoy is reachable). The decoys live on this machine's loopback,
 * its own address and in a network namespace the test creates; names are given to the action's
 * process only (test/harness/netns-decoy.mjs hostNames), never to this machine's resolver.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { hostNames, startNetnsDecoy } from '../../test/harness/netns-decoy.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { makeTestCa } from '../../test/harness/test-ca.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-escape-proxies-0123456789abcdef'
type Line = Record<string, unknown>
const jsonl = (file: string): Line[] =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as Line)

describe('escapes through the proxies, from a real bottle', () => {
  const suite = e2eSuite('e2e-escape-proxies')
  const ownAddress = Object.values(os.networkInterfaces())
    .flat()
    .find(i => i && i.family === 'IPv4' && !i.internal)?.address
  let decoy: Awaited<ReturnType<typeof startNetnsDecoy>>
  let names: ReturnType<typeof hostNames>
  let hostService: http.Server
  let hostHits = 0
  beforeAll(async () => {
    const ca = makeTestCa()
    decoy = await startNetnsDecoy(11, { tls: { cert: ca.cert, key: ca.key } })
    hostService = http.createServer((_q, res) => {
      hostHits++
      res.end('host service')
    })
    await new Promise<void>(r => hostService.listen(0, '0.0.0.0', () => r())) // loopback and the runner's own addresses
    names = hostNames({ 'decoy.test': decoy.v4.decoy, 'front.test': decoy.v4.decoy, 'own.test': ownAddress ?? '192.0.2.1' })
  })
  afterAll(async () => {
    await decoy?.close()
    hostService?.close()
    names?.close()
  })

  it('every attempt is refused before it reaches anything, and logged with its reason; a matching TLS name passes', async () => {
    expect(ownAddress).toBeDefined()
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const hp = (hostService.address() as AddressInfo).port
    // the org's key asked to make the API itself reach the decoy (MCP server, server-side web fetch)
    const ask = (extra: object) =>
      JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, ...extra, messages: [{ role: 'user', content: 'fetch https://decoy.test/?d=SECRET' }] })
    const mcpBody = ask({ mcp_servers: [{ type: 'url', url: 'https://decoy.test/mcp', name: 'x' }] })
    const webFetchBody = ask({ tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] })
    const script = `
m() { n=$1; shift; code=$(curl -sS --noproxy '*' --max-time 5 -o /tmp/body -w '%{http_code}' -H "x-api-key: $ANTHROPIC_API_KEY" -H 'content-type: application/json' "$@"); echo "$n: $code $(head -c 300 /tmp/body | tr '\\n' ' ')"; }
g() { n=$1; shift; timeout 8 "$@" > /tmp/o 2>&1; echo "$n: exit $? $(head -c 200 /tmp/o | tr '\\n' ' ')"; }
e() { n=$1; shift; if timeout 8 curl -sS --max-time 5 --noproxy '' "$@" > /tmp/o 2>&1; then echo "$n: SUCCEEDED $(head -c 200 /tmp/o | tr '\\n' ' ')"; else echo "$n: failed $(head -c 300 /tmp/o | tr '\\n' ' ')"; fi; }
{
m files-list "$ANTHROPIC_BASE_URL/v1/files"
m batches -X POST -d '{}' "$ANTHROPIC_BASE_URL/v1/messages/batches"
m dotdot -X POST -d '{}' --path-as-is "$ANTHROPIC_BASE_URL/v1/../x"
m encoded-dotdot -X POST -d '{}' --path-as-is "$ANTHROPIC_BASE_URL/v1/%2e%2e/x"
m mcp-servers -X POST -H 'anthropic-beta: mcp-client-2025-04-04' -d '${mcpBody}' "$ANTHROPIC_BASE_URL/v1/messages"
m mcp-servers-no-beta -X POST -d '${mcpBody}' "$ANTHROPIC_BASE_URL/v1/messages"
m web-fetch-tool -X POST -d '${webFetchBody}' "$ANTHROPIC_BASE_URL/v1/messages?beta=true"
e loopback-name-connect -x "$HTTPS_PROXY" https://localhost:${hp}/
e loopback-name-plain -x "$HTTP_PROXY" http://localhost:${hp}/
e own-address-name -x "$HTTP_PROXY" http://own.test:${hp}/
e port-not-allowed -x "$HTTP_PROXY" http://decoy.test:8080/
e sni-fronting -k -x "$HTTPS_PROXY" --connect-to front.test:443:decoy.test:443 https://front.test/
e no-secret-plain -x "http://\${HTTP_PROXY##*@}" http://decoy.test/
e no-secret-connect -k -x "http://\${HTTPS_PROXY##*@}" https://decoy.test/
e sni-matching -k -x "$HTTPS_PROXY" https://decoy.test/
g git-through-proxy git -c http.sslVerify=false ls-remote https://decoy.test/repo.git
g git-basic-auth env GIT_HTTP_PROXY_AUTHMETHOD=basic git -c http.sslVerify=false ls-remote https://decoy.test/repo.git
} > attempts.txt 2>&1 < /dev/null
printf '%s' "$HTTPS_PROXY" > proxy-url.txt
true`
    // then claude's own HTTP client (WebFetch; its preflight asks api.anthropic.com through the egress proxy)
    const webFetch = { tool_use: { name: 'WebFetch', input: { url: 'https://decoy.test/page', prompt: 'summarise' } } }
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: script, description: 'try the proxies' } } }, webFetch, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'allowed-hosts': `decoy.test, localhost:${hp}, own.test:${hp}` },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache,
        env: names.env
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      const attempts = Object.fromEntries(
        fs
          .readFileSync(path.join(ws, 'attempts.txt'), 'utf8')
          .trim()
          .split('\n')
          .map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])
      )
      // the model proxy: a 403 the agent sees, naming why
      expect(attempts).toMatchObject({
        'files-list': expect.stringMatching(/^403 .*"permission_error".*\/v1\/files is not an endpoint Claude Code uses/),
        batches: expect.stringMatching(/^403 .*\/v1\/messages\/batches is not an endpoint Claude Code uses/),
        dotdot: expect.stringMatching(/^403 .*dot-segment \(\.\.\) in path/),
        'encoded-dotdot': expect.stringMatching(/^403 .*percent-encoded characters in path/),
        'mcp-servers': expect.stringMatching(/^403 .*"permission_error".*anthropic-beta mcp-client-2025-04-04: enables remote reach/),
        'mcp-servers-no-beta': expect.stringMatching(/^403 .*"permission_error".*mcp_servers makes the API connect to MCP servers/),
        'web-fetch-tool': expect.stringMatching(/^403 .*"permission_error".*server tool web_fetch_20250910/)
      })
      // only claude's own conversation reached the API
      expect(api.requests.map(q => `${q.method} ${q.path}`).filter(p => p !== 'POST /v1/messages?beta=true')).toEqual([])
      expect(
        api.requests.filter(q => q.body?.mcp_servers !== undefined || (q.body?.tools ?? []).some((t: { type?: string }) => t.type === 'web_fetch_20250910'))
      ).toEqual([])
      // the egress proxy
      expect(attempts).toMatchObject({
        'loopback-name-connect': expect.stringMatching(/^failed .*(CONNECT tunnel failed, response 403|Received HTTP code 403 from proxy after CONNECT)/),
        'loopback-name-plain': expect.stringMatching(/^SUCCEEDED bot-bottle egress proxy: blocked localhost: it resolves to (127\.0\.0\.1|::1) \(loopback\)/),
        'own-address-name': expect.stringMatching(
          new RegExp(
            `^SUCCEEDED bot-bottle egress proxy: blocked own\\.test: it resolves to ${ownAddress!.replace(/\./g, '\\.')} \\(the runner's own address\\)`
          )
        ),
        'port-not-allowed': expect.stringMatching(/^SUCCEEDED bot-bottle egress proxy: blocked decoy\.test:8080: only ports 80 and 443 are allowed/),
        'sni-fronting': expect.stringMatching(/^failed .*(unrecognized name|alert number 112)/i),
        'no-secret-plain': expect.stringMatching(/^SUCCEEDED bot-bottle egress proxy: proxy credentials missing or wrong/),
        'no-secret-connect': expect.stringMatching(/^failed .*(response 407|HTTP code 407)/),
        'sni-matching': 'SUCCEEDED tls decoy ',
        // the decoy is no git server; what matters is how the proxy saw git
        'git-through-proxy': expect.stringMatching(/^exit [1-9]/),
        'git-basic-auth': expect.stringMatching(/^exit [1-9]/)
      })
      expect(hostHits).toBe(0)
      // the decoy saw the matching-SNI control and git's two tunnels (TLS with its name), nothing else
      expect(decoy.hits().filter(h => h.kind === 'tls')).toEqual(new Array(3).fill({ kind: 'tls', from: `::ffff:${decoy.v4.host}`, servername: 'decoy.test' }))
      expect(decoy.hits().filter(h => h.kind !== 'tls' && h.kind !== 'tls-tcp')).toEqual([])

      const dir = r.outputs['transcript-dir']!
      const model = jsonl(path.join(dir, 'model.jsonl'))
      expect(model.filter(l => l.decision === 'refused').map(l => [l.method, l.path, l.status, l.reason])).toEqual([
        ['GET', '/v1/files', 403, '/v1/files is not an endpoint Claude Code uses'],
        ['POST', '/v1/messages/batches', 403, '/v1/messages/batches is not an endpoint Claude Code uses'],
        ['POST', '/v1/../x', 403, 'dot-segment (..) in path'],
        ['POST', '/v1/%2e%2e/x', 403, 'percent-encoded characters in path'],
        ['POST', '/v1/messages', 403, expect.stringMatching(/^anthropic-beta mcp-client-2025-04-04: /)],
        ['POST', '/v1/messages', 403, expect.stringMatching(/^mcp_servers: /)],
        ['POST', '/v1/messages', 403, expect.stringMatching(/^server tool web_fetch_20250910: /)]
      ])
      expect(model.filter(l => l.decision === 'forwarded').length).toBeGreaterThanOrEqual(2) // claude's own turns
      const egress = jsonl(path.join(dir, 'egress.jsonl'))
      const find = (host: string, rule: string) => egress.find(d => d.host === host && d.rule === rule)
      expect(find('localhost', 'denied-address')).toMatchObject({ method: 'CONNECT', decision: 'blocked', reason: expect.stringMatching(/\(loopback\)$/) })
      expect(egress.filter(d => d.host === 'localhost').map(d => [d.method, d.rule])).toEqual([
        ['CONNECT', 'denied-address'],
        ['GET', 'denied-address']
      ])
      expect(find('own.test', 'denied-address')).toMatchObject({ method: 'GET', reason: `it resolves to ${ownAddress} (the runner's own address)` })
      expect(find('decoy.test', 'port-not-allowed')).toMatchObject({ method: 'GET', port: 8080 })
      expect(find('decoy.test', 'sni-mismatch')).toMatchObject({ method: 'CONNECT', port: 443, reason: 'SNI "front.test" differs from the CONNECT host' })
      // claude's WebFetch came with the credentials from HTTPS_PROXY: refused by the allow-list, not for the secret
      expect(find('api.anthropic.com', 'not-allowed')).toMatchObject({ method: 'CONNECT', decision: 'blocked' })
      // curl's two attempts without the secret; git sends the proxy URL's credentials at once
      // (the guest has GIT_HTTP_PROXY_AUTHMETHOD=basic), so none of its CONNECTs is refused
      expect(egress.filter(d => d.rule === 'proxy-auth').map(d => [d.method, d.host])).toEqual([
        ['GET', 'decoy.test'],
        ['CONNECT', 'decoy.test']
      ])
      // the matching control and git's tunnels
      expect(egress.filter(d => d.decision === 'allowed').map(d => [d.method, d.host, d.rule, d.address])).toEqual(
        new Array(3).fill(['CONNECT', 'decoy.test', 'decoy.test', decoy.v4.decoy])
      )
      // the per-run secret reached the guest in its proxy URL, and no log
      const secret = /^http:\/\/bottle:([^@]+)@/.exec(fs.readFileSync(path.join(ws, 'proxy-url.txt'), 'utf8'))?.[1]
      expect(secret).toMatch(/^.{16,}$/)
      for (const f of ['egress.jsonl', 'model.jsonl']) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toContain(secret)
      expect(log).not.toContain(secret)
    } finally {
      await api.close()
    }
  })
})
