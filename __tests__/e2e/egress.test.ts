/**
 * The egress proxy in a real bottle: the agent reaches an allowed host through it, is refused
 * (and told how to allow it) for any other, and every decision lands in egress.jsonl, the log's
 * summary line, the report and the job summary. Decoys listen on this machine's loopback only.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { startCorporateProxy } from '../../test/harness/corporate-proxy-double.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-egress-e2e-0123456789'

describe('egress through the proxy', () => {
  const suite = e2eSuite('e2e-egress')
  let decoy: http.Server
  let port = 0
  beforeAll(async () => {
    decoy = http.createServer((req, res) => res.end(`decoy says hi to ${req.url}`))
    await new Promise<void>(r => decoy.listen(0, '127.0.0.1', () => r()))
    port = (decoy.address() as AddressInfo).port
  })
  afterAll(() => decoy?.close())

  it('allows the allow-list, refuses the rest with a hint, and records every decision', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const cmd = [
      `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://localhost:${port}/allowed > allowed.txt 2>&1`,
      `curl -sS --max-time 5 -x "$HTTPS_PROXY" https://blocked.example/ > blocked.txt 2>&1`,
      `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://blocked.example/page > blocked-http.txt 2>&1`,
      `env | grep -i _proxy | sort > proxy-env.txt`,
      'true'
    ].join('; ')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: cmd, description: 'reach out' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      // the decoy is on loopback, which the proxy reaches only because allowed-hosts lists 127.0.0.1; its port is named
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'allowed-hosts': `localhost:${port}, 127.0.0.1` },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      expect(fs.readFileSync(path.join(ws, 'allowed.txt'), 'utf8')).toBe('decoy says hi to /allowed')
      expect(fs.readFileSync(path.join(ws, 'blocked.txt'), 'utf8')).toMatch(
        /CONNECT tunnel failed, response 403|Received HTTP code 403 from proxy after CONNECT/
      )
      expect(fs.readFileSync(path.join(ws, 'blocked-http.txt'), 'utf8')).toContain(
        'blocked blocked.example: it is not in the allow-list. To allow it, add it to the `allowed-hosts` input'
      )
      expect(fs.readFileSync(path.join(ws, 'proxy-env.txt'), 'utf8')).toMatch(/^HTTPS_PROXY=http:\/\/bottle:[0-9a-f]{16,}@bot-bottle-gateway:\d+$/m)

      const decisions = fs
        .readFileSync(path.join(r.outputs['transcript-dir']!, 'egress.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
      expect(decisions.map(d => [d.method, d.host, d.decision, d.rule])).toEqual([
        ['GET', 'localhost', 'allowed', `localhost:${port}`],
        ['CONNECT', 'blocked.example', 'blocked', 'not-allowed'],
        ['GET', 'blocked.example', 'blocked', 'not-allowed']
      ])
      expect(decisions[0]).toMatchObject({
        port,
        address: '127.0.0.1',
        bytes_down: expect.any(Number),
        duration_ms: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
      })
      expect(decisions[0].bytes_down).toBeGreaterThan(0)
      expect(log).toContain('egress: 1 allowed, 2 blocked; most blocked: blocked.example (2)')
      expect(log).toContain(`(egress: allowlist, localhost:${port} 127.0.0.1)`)
      // the record: report table and job summary
      const report = fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'artifact', 'report.html'), 'utf8')
      expect(report).toContain('blocked.example')
      expect(r.summary).toContain('| blocked egress | 2 |')
    } finally {
      await api.close()
    }
  })

  it("'none' refuses everything and says so; 'open' warns loudly", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws2'), 1001)
    const cmd = `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://localhost:${port}/x > none.txt 2>&1; true`
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: cmd } } }, { text: 'ok' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), egress: 'none', 'allowed-hosts': 'localhost' },
        runnerTemp: path.join(suite.dir, 'rt2'),
        toolCache: suite.toolCache
      })
      expect(r.main.code).toBe(0)
      expect(fs.readFileSync(path.join(ws, 'none.txt'), 'utf8')).toContain('network egress is off for this run (input `egress: none`)')
    } finally {
      await api.close()
    }
    const api2 = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api2, ws, KEY), egress: 'open' },
        runnerTemp: path.join(suite.dir, 'rt3'),
        toolCache: suite.toolCache
      })
      expect(r.main.stdout).toMatch(/::warning::egress: open: the agent may reach ANY host/)
    } finally {
      await api2.close()
    }
  })

  it("behind a corporate proxy (the runner's HTTPS_PROXY/HTTP_PROXY/NO_PROXY): the daemons' upstream traffic goes through it, the guest's stays on the allow-list", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws4'), 1001)
    const corp = await startCorporateProxy()
    const cmd = `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://localhost:${port}/via-corp > corp.txt 2>&1; env | grep -ci corp > guest-sees-corp.txt; true`
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: cmd } } }, { text: 'ok' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'allowed-hosts': `localhost:${port}` }, // the corporate proxy resolves it: not vetted here
        runnerTemp: path.join(suite.dir, 'rt4'),
        toolCache: suite.toolCache,
        env: { HTTPS_PROXY: corp.url, HTTP_PROXY: corp.url, NO_PROXY: 'registry.internal.example' }
      })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
      expect(fs.readFileSync(path.join(ws, 'corp.txt'), 'utf8')).toBe('decoy says hi to /via-corp')
      expect(fs.readFileSync(path.join(ws, 'guest-sees-corp.txt'), 'utf8').trim()).toBe('0') // the runner's proxy is not the guest's
      const apiPort = new URL(api.url).port
      // the model API conversation went through a tunnel; the agent's plain HTTP as an absolute URI
      expect(corp.seen).toEqual(
        expect.arrayContaining([
          { method: 'CONNECT', target: `127.0.0.1:${apiPort}`, authorized: true },
          { method: 'GET', target: `http://localhost:${port}/via-corp`, authorized: true }
        ])
      )
    } finally {
      await api.close()
      await corp.close()
    }
  })

  it("a container on the runner's engine (a job's service) is no destination, even with 'open'; the host reaches it, so the test can fail", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws-service'), 1001)
    const name = `bb-egress-service-${process.pid}`
    execFileSync('docker', [
      'run',
      '-d',
      '--rm',
      '--name',
      name,
      '--network',
      'bridge',
      RELAY_IMAGE,
      'node',
      '-e',
      "require('http').createServer((q, s) => s.end('service')).listen(8080)"
    ])
    try {
      const ip = execFileSync('docker', ['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', name], { encoding: 'utf8' }).trim()
      let control = ''
      for (let i = 0; i < 50 && control !== 'service'; i++) {
        control = await fetch(`http://${ip}:8080/`)
          .then(r => r.text())
          .catch(() => '')
        if (control !== 'service') await new Promise(r => setTimeout(r, 100))
      }
      expect(control).toBe('service') // the host reaches it
      const cmd = `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://${ip}:8080/ > service.txt 2>&1; true`
      const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: cmd } } }, { text: 'done' }] }, { expectedKey: KEY })
      try {
        const r = await runAction({
          inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), egress: 'open' },
          runnerTemp: path.join(suite.dir, 'rt-service'),
          toolCache: suite.toolCache
        })
        expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
        expect(fs.readFileSync(path.join(ws, 'service.txt'), 'utf8')).not.toContain('service\n')
        const decisions = fs
          .readFileSync(path.join(r.outputs['transcript-dir']!, 'egress.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map(l => JSON.parse(l))
        expect(decisions.map(d => [d.host, d.decision, d.rule])).toEqual([[ip, 'blocked', 'denied-address']])
      } finally {
        await api.close()
      }
    } finally {
      execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
    }
  })
})
