import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { crossCheck } from '../../src/transcript/figures.js'
import { foldModelLog, readModelLog } from '../../src/transcript/model-log.js'

// lines in the model proxy's contract: {time, method, path, decision, reason?, status?, model?, usage?, duration_ms}
const LINES = [
  {
    time: '2026-11-26T10:00:00Z',
    method: 'POST',
    path: '/v1/messages?beta=true',
    decision: 'forwarded',
    status: 200,
    model: 'claude-x',
    usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 1000, cache_read_input_tokens: 0 },
    duration_ms: 800
  },
  {
    time: '2026-11-26T10:00:01Z',
    method: 'POST',
    path: '/v1/messages?beta=true',
    decision: 'forwarded',
    status: 200,
    model: 'claude-sonnet-4-5-20250929',
    usage: { input_tokens: 5, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 1000 },
    duration_ms: 700
  },
  { time: '2026-11-26T10:00:02Z', method: 'POST', path: '/v1/messages?beta=true', decision: 'forwarded', status: 529, duration_ms: 30 },
  {
    time: '2026-11-26T10:00:03Z',
    method: 'POST',
    path: '/v1/messages/count_tokens',
    decision: 'forwarded',
    status: 200,
    usage: { input_tokens: 9999 },
    duration_ms: 5
  },
  { time: '2026-11-26T10:00:04Z', method: 'GET', path: '/v1/files', decision: 'refused', reason: 'not a path claude uses', status: 403, duration_ms: 0 },
  { time: '2026-11-26T10:00:05Z', method: 'DELETE', path: '/v1/batches/x', decision: 'refused', reason: 'method', status: 405, duration_ms: 0 }
].map(l => JSON.stringify(l))

describe('model proxy log', () => {
  it('counts Bedrock invokes and Vertex predicts as model calls (not Vertex count-tokens)', () => {
    const u = { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
    const lines = [
      { path: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream', decision: 'forwarded', status: 200, usage: u },
      { path: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke', decision: 'forwarded', status: 200, usage: u },
      {
        path: '/v1/projects/p/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
        decision: 'forwarded',
        status: 200,
        usage: u
      },
      { path: '/v1/projects/p/locations/global/publishers/anthropic/models/count-tokens:rawPredict', decision: 'forwarded', status: 200, usage: u }
    ].map(l => JSON.stringify({ time: '2026-11-26T10:00:00Z', method: 'POST', duration_ms: 1, ...l }))
    expect(foldModelLog(lines)).toMatchObject({ requests: 4, modelCalls: 3, inputTokens: 30, outputTokens: 6 })
  })

  it('folds forwarded Messages calls into turns and tokens (cache tokens count as input), and counts refusals', () => {
    expect(foldModelLog([...LINES, 'not json', '[1]', ''])).toEqual({
      requests: 6,
      refused: 2,
      modelCalls: 2,
      inputTokens: 100 + 1000 + 5 + 1000,
      outputTokens: 50,
      cacheCreationTokens: 1000,
      cacheReadTokens: 1000,
      // the priced call at Sonnet 4.5's list prices (5 in × $3, 1000 cache read × $0.30, 30 out × $15 per MTok); claude-x has no price
      costUsd: expect.closeTo(0.000765, 12),
      unpricedModels: ['claude-x'],
      unparsable: 2
    })
  })

  it('reads the file line by line; a missing file or a link is no log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-log-'))
    fs.writeFileSync(path.join(dir, 'model.jsonl'), `${LINES.join('\n')}\n`)
    expect((await readModelLog(path.join(dir, 'model.jsonl')))?.modelCalls).toBe(2)
    expect(await readModelLog(path.join(dir, 'missing.jsonl'))).toBeUndefined()
    fs.symlinkSync(path.join(dir, 'model.jsonl'), path.join(dir, 'link.jsonl'))
    expect(await readModelLog(path.join(dir, 'link.jsonl'))).toBeUndefined()
  })

  it("cross-checks claude's figures with the host's and keeps the host's", () => {
    const host = foldModelLog(LINES)
    const claude = {
      subtype: 'success',
      isError: false,
      result: 'x',
      numTurns: 900,
      costUsd: 0.5,
      inputTokens: 1,
      outputTokens: 50,
      durationMs: 1,
      sessionId: 's'
    }
    const f = crossCheck(claude, host, ['stream note'])
    expect(f).toMatchObject({ source: 'model-proxy', turns: 2, inputTokens: 2105, outputTokens: 50, costUsd: 0.000765, refusedModelRequests: 2 })
    expect(f.discrepancies).toEqual([
      'stream note',
      "claude reported 900 turns, the model proxy saw 2: the outputs carry the proxy's figure",
      "claude reported 1 input tokens, the model proxy saw 2105: the outputs carry the proxy's figure",
      "claude reported a cost of $0.5, the host's count at list prices is $0.000765 (without the unpriced claude-x): the outputs carry the host's figure"
    ])
    // without a proxy log, claude's own figures, said so
    expect(crossCheck(claude, undefined)).toMatchObject({ source: 'claude', turns: 900, inputTokens: 1, discrepancies: [] })
  })
})
