/**
 * The real claude in a real bottle against an API that fails the way the real one does: a
 * 429 and a 529 with `retry-after` (claude waits, retries, and the run succeeds), and an
 * `event: error` in the middle of a 200 stream. Each answer goes through the model proxy, so
 * its log must show them as they were.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-api-faults-0123456789abcdef'

describe('claude against a failing API', () => {
  const suite = e2eSuite('e2e-api-faults')

  const modelLog = (tdir: string) =>
    fs
      .readFileSync(path.join(tdir, 'model.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))

  it('waits out a 429 and a 529 as retry-after says, retries, and succeeds', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'retry'), 1001)
    const api = await startAnthropicDouble(
      {
        turns: [
          {
            attempts: [
              { error: { status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfter: 3 } },
              { error: { status: 529, type: 'overloaded_error', message: 'Overloaded', retryAfter: 2 } },
              { text: 'Done after retrying.' }
            ]
          }
        ]
      },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-retry'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      expect(r.outputs).toMatchObject({ conclusion: 'success', result: 'Done after retrying.' })
      const conv = api.conversation()
      expect(conv).toHaveLength(3) // the same first turn, asked three times
      // claude waited at least as long as retry-after asked (a floor: a loaded machine only waits longer)
      expect(conv[1]!.at - conv[0]!.at).toBeGreaterThanOrEqual(3000)
      expect(conv[2]!.at - conv[1]!.at).toBeGreaterThanOrEqual(2000)
      const statuses = modelLog(r.outputs['transcript-dir']!)
        .filter(d => d.path === '/v1/messages')
        .map(d => d.status)
      expect(statuses.slice(0, 3)).toEqual([429, 529, 200])
    } finally {
      await api.close()
    }
  })

  it('an error event mid-stream is not taken for an answer', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'midstream'), 1001)
    const api = await startAnthropicDouble(
      {
        turns: [{ attempts: [{ streamError: { type: 'overloaded_error', message: 'Overloaded' } }, { text: 'Answered on the second try.' }] }]
      },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-midstream'),
        toolCache: suite.toolCache
      })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
      // the half-streamed 'Partial answer' is never the result
      expect(r.outputs['result']).not.toContain('Partial answer')
      expect(api.conversation()).toHaveLength(2)
      expect(r.outputs).toMatchObject({ conclusion: 'success', result: 'Answered on the second try.' })
    } finally {
      await api.close()
    }
  })
})
