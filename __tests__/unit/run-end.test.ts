/**
 * How the main step ends a run: the outputs' conclusion follows the failure line's precedence (a
 * workflow reading `conclusion` and a user reading the error line see the same cause), and a
 * cancellation stops claude on the first signal and tears down on the second.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cancellation } from '../../src/bottle/run/cancellation.js'
import { failureLine, type RunEnd } from '../../src/bottle/run/failure-line.js'
import { outputsFrom, settleOutputs } from '../../src/bottle/collect/outputs.js'
import type { RunOutcome } from '../../src/bottle/run/run-claude.js'
import { parseConfig } from '../../src/config/config.js'
import { readInputs } from '../../src/config/inputs.js'
import { Redactor } from '../../src/transcript/redact.js'

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-run-end-'))
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))
const config = parseConfig({ ...readInputs(() => ''), prompt: 'task', 'anthropic-api-key': 'sk-ant-key-123' }, { workspace: ws, runnerTemp: ws })

const outcome: RunOutcome = {
  conclusion: 'success',
  result: {
    subtype: 'success',
    isError: false,
    result: 'done, token sk-ant-key-123',
    numTurns: 2,
    costUsd: 0.01,
    inputTokens: 10,
    outputTokens: 5,
    durationMs: 5,
    sessionId: ''
  },
  sessionId: '',
  exitCode: 0,
  timedOut: false,
  toolCalls: new Map(),
  toolTimes: { calls: [], dropped: 0 },
  durationMs: 5,
  anomalies: [],
  streamFile: '',
  stderrFile: ''
}

type Facts = Omit<RunEnd, 'outcome' | 'config' | 'backend'>
const VERDICT = { conclusion: 'auth-error', detail: '401 invalid x-api-key' } as const
const FAULT = { file: '/x/stream.jsonl', code: 'ENOSPC', message: 'no space left on device' }
const INVALID = { ok: false, reason: 'the answer is not JSON' } as const
const VALID = { ok: true, json: '{"verdict":"approve"}' } as const

/** Every combination of the facts that outrank claude's own conclusion. */
function* everyEnd(): Generator<Facts> {
  for (const cancelled of [false, true])
    for (const verdict of [undefined, VERDICT])
      for (const recordFault of [undefined, FAULT]) for (const structured of [undefined, INVALID, VALID]) yield { cancelled, verdict, recordFault, structured }
}

describe('the end of a run', () => {
  it('sets the conclusion output to the one the failure line names, for every combination of what ended the run', async () => {
    const redactor = new Redactor(['sk-ant-key-123'])
    for (const end of everyEnd()) {
      const settled = settleOutputs(outputsFrom(outcome, 'docker', ''), end, redactor)
      const line = await failureLine({ ...end, outcome, config })
      const named = line ? /^claude run concluded '([a-z-]+)'/.exec(line)?.[1] : 'success'
      expect({ end, conclusion: settled.conclusion }).toEqual({ end, conclusion: named })
    }
  })

  it('keeps a valid answer as structured-output and takes the secrets the agent echoed out of result', () => {
    const settled = settleOutputs(outputsFrom(outcome, 'docker', ''), { cancelled: false, structured: VALID }, new Redactor(['sk-ant-key-123']))
    expect(settled['structured-output']).toBe('{"verdict":"approve"}')
    expect(settled.result).not.toContain('sk-ant-key-123')
    expect(settled.result).toMatch(/^done, token /)
  })

  it('stops claude on the first signal, tears down on the second, and stops listening when unwatched', () => {
    const cancellation = new Cancellation()
    const calls: string[] = []
    const before = new Set(process.listeners('SIGINT'))
    const unwatch = cancellation.watch(
      () => calls.push('stop claude'),
      () => calls.push('tear down')
    )
    const added = process.listeners('SIGINT').filter(l => !before.has(l))
    expect(added).toHaveLength(1)
    expect(() => cancellation.throwIfCancelled()).not.toThrow()
    added[0]!('SIGINT')
    expect(calls).toEqual(['stop claude'])
    expect(cancellation.requested).toBe(true)
    expect(() => cancellation.throwIfCancelled()).toThrow('the run was cancelled before claude started')
    added[0]!('SIGTERM')
    expect(calls).toEqual(['stop claude', 'stop claude', 'tear down'])
    unwatch()
    expect(process.listeners('SIGINT').filter(l => !before.has(l))).toEqual([])
    expect(process.listeners('SIGTERM')).not.toContain(added[0])
  })
})
