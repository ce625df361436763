/**
 * The two ways the guest reaches the host-side model proxy: directly at the internal
 * network's gateway (Linux, rootful engine), or through the relay sidecar (where the engine
 * runs in a VM or rootless: Docker Desktop, colima). Both run here; the relay is forced.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { dockerLines, e2eSuite, leftovers, makeWorkspace, requireImage, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-wiring-0123456789'

describe('docker wiring', () => {
  const suite = e2eSuite('e2e-wiring')
  beforeAll(() => requireImage(RELAY_IMAGE, 'relay-image.sh'))

  async function runWith(wiring: string, name: string) {
    const ws = makeWorkspace(path.join(suite.dir, name), 1001)
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: 'echo "$ANTHROPIC_BASE_URL" > base-url.txt', description: 'where is the proxy' } } }, { text: 'ok' }] },
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
    const slug = slugOf(outputs['transcript-dir']!)
    expect(leftovers(slug)).toEqual([])
    expect(dockerLines('ps', '--all', '--filter', `label=bot-bottle.relay-for=${slug}-net`, '--format', '{{.Names}}')).toEqual([])
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
