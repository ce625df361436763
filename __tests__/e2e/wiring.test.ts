/**
 * The two ways the guest reaches the host-side model proxy: directly at the internal
 * network's gateway (Linux, rootful engine), or through the relay sidecar (where the engine
 * runs in a VM or rootless: Docker Desktop, colima). Both run here; the relay is forced.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { dockerLines, e2eSuite, leftovers, MAIN_LEFT_NOTHING, makeWorkspace, requireImage, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-wiring-0123456789'

describe('docker wiring', () => {
  const suite = e2eSuite('e2e-wiring')
  beforeAll(() => requireImage(RELAY_IMAGE, 'relay-image.sh'))

  async function runWith(wiring: string, name: string, command = 'echo "$ANTHROPIC_BASE_URL" > base-url.txt') {
    const ws = makeWorkspace(path.join(suite.dir, name), 1001)
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command, description: 'where is the proxy' } } }, { text: 'ok' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'docker-wiring': wiring, 'relay-image': RELAY_IMAGE },
        runnerTemp: path.join(suite.dir, `rt-${name}`),
        toolCache: suite.toolCache
      })
      return { ...r, ws, requests: api.requests.length }
    } finally {
      await api.close()
    }
  }

  it("'relay': the guest reaches the proxy through the sidecar, which is removed with the network", async () => {
    const { main, post, outputs, ws, requests } = await runWith('relay', 'relay')
    expect({ code: main.code, log: visibleLog(main.stdout, main.stderr) }).toMatchObject({ code: 0 })
    expect(outputs['conclusion']).toBe('success')
    expect(main.stdout).toMatch(/Model proxy listening on 172\.17\.0\.1:\d+ .*relay wiring/)
    expect(fs.readFileSync(path.join(ws, 'base-url.txt'), 'utf8').trim()).toMatch(/^http:\/\/bot-bottle-gateway:\d+$/)
    expect(requests).toBeGreaterThan(0)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(MAIN_LEFT_NOTHING) // main removed the sidecar and the network itself
    const slug = slugOf(outputs['transcript-dir']!)
    expect(leftovers(slug)).toEqual([])
    expect(dockerLines('ps', '--all', '--filter', `label=bot-bottle.relay-for=${slug}-net`, '--format', '{{.Names}}')).toEqual([])
  })

  /** A decoy on this machine on every interface (so also on docker's bridges), and a guest command that tries it. */
  async function hostServiceProbe(): Promise<{ command: string; close: () => void }> {
    const decoy = http.createServer((_req, res) => res.end('host service reached'))
    await new Promise<void>(r => decoy.listen(0, '0.0.0.0', () => r()))
    const port = (decoy.address() as AddressInfo).port
    // the guest's own subnet's .1 (where a gateway is) and the default bridge's gateway; 3 s each
    const command = [
      `ip=$(awk '/32 host/ {print f} {f=$2}' /proc/net/fib_trie | grep -v '^127\\.' | head -n1)`,
      `for h in "\${ip%.*}.1" 172.17.0.1; do code=$(curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' "http://$h:${port}/") ; echo "$h $code"; done > reach.txt`
    ].join('; ')
    return { command, close: () => decoy.close() }
  }

  it("default ('auto' = relay): a host service listening on all interfaces is unreachable from the guest", async () => {
    const probe = await hostServiceProbe()
    try {
      const { main, ws } = await runWith('auto', 'walls', probe.command)
      expect(main.code).toBe(0)
      expect(main.stdout).toMatch(/relay wiring/)
      const lines = fs.readFileSync(path.join(ws, 'reach.txt'), 'utf8').trim().split('\n')
      expect(lines).toHaveLength(2)
      for (const l of lines) expect(l).toMatch(/^\d+\.\d+\.\d+\.1 000$/) // no connection at all
    } finally {
      probe.close()
    }
  })

  it("'gateway' (opt-in, documented as weaker): the same host service IS reachable at the gateway", async () => {
    const probe = await hostServiceProbe()
    try {
      const { main, ws } = await runWith('gateway', 'walls-gateway', probe.command)
      expect(main.code).toBe(0)
      expect(fs.readFileSync(path.join(ws, 'reach.txt'), 'utf8')).toMatch(/^\d+\.\d+\.\d+\.1 200$/m)
    } finally {
      probe.close()
    }
  })

  it("'gateway': the guest dials the internal network's gateway directly", async () => {
    const { main, outputs, ws } = await runWith('gateway', 'gateway')
    expect(main.code).toBe(0)
    expect(outputs['conclusion']).toBe('success')
    expect(main.stdout).toMatch(/gateway wiring/)
    // the guest dials exactly where the proxy listens: the internal network's gateway
    const listening = /Model proxy listening on ([\d.]+:\d+)/.exec(main.stdout)![1]
    expect(fs.readFileSync(path.join(ws, 'base-url.txt'), 'utf8').trim()).toBe(`http://${listening}`)
    expect(listening).not.toMatch(/^172\.17\.0\.1:/) // not the default bridge the relay uses
  })
})
