/**
 * The egress proxy's bounds, from a real bottle: a tunnel the agent leaves open cannot hold the
 * teardown, and a tunnel to port 80 cannot carry a request for another site. Every upstream here
 * listens on this machine's loopback only.
 */
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, leftovers, MAIN_LEFT_NOTHING, makeWorkspace, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-egress-bounds-0123456789'

describe('egress bounds', () => {
  const suite = e2eSuite('e2e-egress-bounds')

  it('a background process holding a tunnel to an upstream that never answers does not hold the teardown: the main step ends within 10 s of claude', async () => {
    // an allowed upstream that accepts and never answers, nor closes
    const held: net.Socket[] = []
    const ended: net.Socket[] = []
    const upstream = net.createServer(s => {
      held.push(s)
      s.on('error', () => undefined)
      s.on('close', () => ended.push(s))
      s.resume()
    })
    await new Promise<void>(r => upstream.listen(0, '127.0.0.1', () => r()))
    const port = (upstream.address() as net.AddressInfo).port
    const ws = makeWorkspace(path.join(suite.dir, 'ws-held'), 1001)
    // nohup + setsid: the curl outlives the tool call and claude, as an agent's background job does
    const cmd = [
      `nohup setsid curl -sSk --max-time 3600 --noproxy '' -x "$HTTPS_PROXY" https://127.0.0.1:${port}/ > /dev/null 2>&1 &`,
      'for i in $(seq 50); do grep -qx curl /proc/[0-9]*/comm && break; sleep 0.1; done',
      'sleep 2',
      'grep -lx curl /proc/[0-9]*/comm > curl-running.txt; true'
    ].join('\n')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: cmd, description: 'start a background download' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    let claudeEnded = 0
    let heldWhenClaudeEnded = -1
    let mainExited = 0
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'allowed-hosts': `127.0.0.1:${port}` },
        runnerTemp: path.join(suite.dir, 'rt-held'),
        toolCache: suite.toolCache,
        mainTimeoutMs: 120_000, // today's code waits for the upstream to close: the test fails here instead of hanging
        onMainSpawn: child => {
          let out = ''
          child.stdout?.on('data', c => {
            out += c
            if (!claudeEnded && /^claude \w+: \d+ turns/m.test(out)) {
              claudeEnded = Date.now()
              heldWhenClaudeEnded = held.length - ended.length
            }
          })
          child.once('exit', () => (mainExited = Date.now()))
        }
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect(fs.readFileSync(path.join(ws, 'curl-running.txt'), 'utf8')).toMatch(/^\/proc\/\d+\/comm$/m)
      expect(heldWhenClaudeEnded).toBe(1) // the tunnel was open when claude stopped
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      expect(mainExited - claudeEnded).toBeLessThan(10_000)
      expect(ended.length).toBe(held.length) // the proxy ended its side of the upstream connection
      expect(r.post.stdout).toContain(MAIN_LEFT_NOTHING) // the main step removed the bottle, its relay and its network
      expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
      for (const s of held) s.destroy()
      upstream.close()
    }
  })

  it('a tunnel to port 80 carries requests for its own host only: another site behind the same front is refused, first request or later', async () => {
    // a shared front (as a CDN's) on port 80 of a loopback address of its own, answering whichever site the Host header names
    const front = `127.0.80.${10 + ((process.pid + 97) % 200)}`
    const seen: string[] = []
    const server = http.createServer((req, res) => {
      seen.push(`${req.url} host=${req.headers.host}`)
      res.end(`site ${req.headers.host} says hi to ${req.url}`)
    })
    await new Promise<void>(r => server.listen(80, front, () => r()))
    const ws = makeWorkspace(path.join(suite.dir, 'ws-80'), 1001)
    const cmd = [
      // curl -p tunnels plain HTTP through CONNECT: its own host, then another site's Host header
      `curl -sS --max-time 10 --noproxy '' -p -x "$HTTP_PROXY" http://${front}/own > own.txt 2>&1`,
      `curl -sS --max-time 10 --noproxy '' -p -x "$HTTP_PROXY" -H 'Host: other-site.example' http://${front}/tenant > other.txt 2>&1`,
      // by hand: an allowed first request, then another site's on the same tunnel
      'p=${HTTP_PROXY#http://}; cred=${p%@*}; hp=${p#*@}',
      'exec 3<>/dev/tcp/${hp%:*}/${hp##*:}',
      `printf 'CONNECT ${front}:80 HTTP/1.1\\r\\nHost: ${front}:80\\r\\nProxy-Authorization: Basic %s\\r\\n\\r\\n` +
        `GET /first HTTP/1.1\\r\\nHost: ${front}\\r\\n\\r\\nGET /second HTTP/1.1\\r\\nHost: other-site.example\\r\\n\\r\\n' "$(printf %s "$cred" | base64 -w0)" >&3`,
      'timeout 5 cat <&3 > smuggle.txt',
      'true'
    ].join('\n')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: cmd, description: 'reach other tenants' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'allowed-hosts': front },
        runnerTemp: path.join(suite.dir, 'rt-80'),
        toolCache: suite.toolCache,
        mainTimeoutMs: 120_000
      })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
      const read = (f: string) => fs.readFileSync(path.join(ws, f), 'utf8')
      expect(read('own.txt')).toBe(`site ${front} says hi to /own`) // the tunnel works for its own host
      expect(read('other.txt')).toContain(`blocked: the request's target and its Host header disagree (Host "other-site.example" in a tunnel to ${front}:80)`)
      expect(read('smuggle.txt')).toContain(`site ${front} says hi to /first`)
      expect(read('smuggle.txt')).toMatch(/HTTP\/1\.1 403 Forbidden[\s\S]*Host "other-site\.example"/)
      expect(seen).toEqual([`/own host=${front}`, `/first host=${front}`]) // the front never saw another site's request
      const decisions = fs
        .readFileSync(path.join(r.outputs['transcript-dir']!, 'egress.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
      expect(decisions.filter(d => d.decision === 'blocked').map(d => [d.method, d.host, d.port, d.rule])).toEqual([
        ['GET', front, 80, 'host-mismatch'],
        ['GET', front, 80, 'host-mismatch']
      ])
    } finally {
      await api.close()
      server.close()
    }
  })
})
