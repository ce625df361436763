/**
 * The egress proxy's bounds, from a real bottle: a tunnel the agent leaves open cannot hold the
 * teardown, and a tunnel to port 80 cannot carry a request for another site. Every upstream here
 * listens on this machine's loopback only.
 */
import fs from 'node:fs'
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
})
