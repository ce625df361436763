/**
 * Red team: the agent fills a host record up to its cap on purpose, so that what it does next
 * is not recorded while the run goes on. Real model proxy, real HTTP, the main step's own
 * RunRecords watch; the guest is modelled by requests with its placeholder (it has curl).
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { diskFaultLine, RunRecords } from '../../src/bottle/run/run-records.js'
import { makePlaceholder, startModelProxy } from '../../src/proxy/model-proxy.js'
import { RECORD_CAPS } from '../../src/transcript/record-sink.js'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'

const KEY = 'sk-ant-api03-redteam-records-key'

function request(port: number, agent: http.Agent, target: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: target, agent, headers: { 'content-type': 'application/json', ...headers } },
      res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }
    )
    req.on('error', reject)
    req.end(body ?? '{}')
  })
}

describe('a record filled on purpose', () => {
  it('model.jsonl at its cap stops the run (it does not go on unrecorded), with one line saying why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-redteam-records-'))
    const api = await startAnthropicDouble({ turns: [{ text: 'done' }] }, { expectedKey: KEY })
    const placeholder = makePlaceholder()
    let stops = 0
    const records = new RunRecords(dir, () => stops++)
    const logFile = path.join(dir, 'model.jsonl')
    const proxy = await startModelProxy({
      upstream: api.url,
      credential: { kind: 'api-key', value: KEY },
      placeholder,
      bindHost: '127.0.0.1',
      logFile,
      records
    })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
    try {
      // each refusal logs its path twice (path and reason): ~500 bytes a line
      const junk = `/v1/${'x'.repeat(190)}`
      const auth = { 'x-api-key': placeholder }
      let sent = 0
      const deadline = Date.now() + 120_000
      while ((fs.statSync(logFile, { throwIfNoEntry: false })?.size ?? 0) < RECORD_CAPS.decisionLog - 4096 && sent < 100_000 && Date.now() < deadline) {
        await Promise.all(Array.from({ length: 64 }, () => request(proxy.port, agent, junk, auth)))
        sent += 64
      }
      for (let i = 0; i < 200; i++) await request(proxy.port, agent, junk, auth) // over the cap
      expect(fs.statSync(logFile).size).toBeLessThanOrEqual(RECORD_CAPS.decisionLog)
      expect(stops).toBe(1)
      expect(records.fault).toBeDefined()
      expect(diskFaultLine(records.fault!, '/runner/temp')).toMatch(
        /^The run's record model\.jsonl was cut at \d+ bytes: the record reached its cap of 16777216 bytes, what followed was not kept\. A run whose actions are no longer recorded does not go on, so claude was stopped/
      )
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'record-notes.json'), 'utf8'))).toEqual([
        { source: 'model.jsonl', reason: expect.stringMatching(/^cut at \d+ bytes/) }
      ])
    } finally {
      agent.destroy()
      await proxy.close()
      await api.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
