/**
 * The action's outputs, value by value: each fixed vocabulary (conclusions, backends, session
 * UUIDs, decimals, ref names, one-line JSON) written out here with its edges, what an output
 * becomes when its value is refused, the conclusion's precedence, and what is published where.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { type Outputs, outputsFrom, publishOutputs, runFigures, settleOutputs, vetOutputs } from '../../src/bottle/collect/outputs.js'
import type { RunOutcome } from '../../src/bottle/run/run-claude.js'
import { Redactor } from '../../src/transcript/redact.js'
import type { DoorOutcome } from '../../src/workspace-door/door.js'

const UUID = '123e4567-e89b-42d3-a456-426614174000'

const outcome: RunOutcome = {
  conclusion: 'max-turns',
  result: {
    subtype: 'error_max_turns',
    isError: true,
    result: 'stopped at turn 3',
    numTurns: 3,
    costUsd: 0.25,
    inputTokens: 1200,
    outputTokens: 340,
    durationMs: 7000,
    sessionId: UUID
  },
  sessionId: UUID,
  exitCode: 1,
  timedOut: false,
  toolCalls: new Map(),
  toolTimes: { calls: [], dropped: 0 },
  durationMs: 8123,
  anomalies: [],
  streamFile: '',
  stderrFile: ''
}

/** Outputs of a successful run, as outputsFrom makes them, with `change` over them. */
const good = (change: Partial<Outputs> = {}): Outputs => ({
  ...outputsFrom({ ...outcome, conclusion: 'success' }, 'docker', '/tmp/run', ['refs/heads/bot-bottle/fix']),
  'structured-output': '{"verdict":"approve"}',
  ...change
})

/** vetOutputs over `change`, with the warnings it gave. */
const vet = (change: Partial<Outputs>) => {
  const warned: string[] = []
  const out = vetOutputs(good(change), w => warned.push(w))
  return { out, warned }
}
const WARNING = (name: string) => `Output '${name}': not set (its value is not of the expected form)`

/** What @actions/core writes to stdout (its log lines and workflow commands) while `run` runs. */
async function coreLog(run: () => unknown): Promise<string[]> {
  const lines: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).split(os.EOL).filter(Boolean))
    return true
  })
  try {
    await run()
  } finally {
    spy.mockRestore()
  }
  return lines
}

describe('outputsFrom', () => {
  it('takes each output from the run, the figures and the gate', () => {
    const o = outputsFrom(outcome, 'smolvm', '/tmp/t', ['refs/heads/a', 'refs/heads/b', 'refs/heads/a'])
    expect(o).toMatchObject({
      conclusion: 'max-turns',
      result: 'stopped at turn 3',
      'session-id': UUID,
      'num-turns': '3',
      'cost-usd': '0.25',
      'input-tokens': '1200',
      'output-tokens': '340',
      'duration-ms': '8123', // as the host timed claude, not claude's own 7000
      backend: 'smolvm',
      'transcript-dir': '/tmp/t',
      'pushed-refs': 'refs/heads/a\nrefs/heads/b',
      'structured-output': ''
    })
  })

  it('takes turns, tokens and cost from the host figures when given', () => {
    const figures = {
      source: 'model-proxy' as const,
      turns: 4,
      inputTokens: 10,
      outputTokens: 20,
      costUsd: 0.5,
      refusedModelRequests: 0,
      discrepancies: []
    }
    expect(outputsFrom(outcome, 'docker', '', [], figures)).toMatchObject({
      'num-turns': '4',
      'input-tokens': '10',
      'output-tokens': '20',
      'cost-usd': '0.5',
      'pushed-refs': ''
    })
  })

  it('says error, with zeros, when claude never ran', () => {
    expect(outputsFrom(undefined, '', '')).toMatchObject({
      conclusion: 'error',
      result: '',
      'session-id': '',
      'num-turns': '0',
      'cost-usd': '0',
      'input-tokens': '0',
      'output-tokens': '0',
      'duration-ms': '0',
      backend: '',
      'transcript-dir': '',
      'pushed-refs': '',
      'structured-output': ''
    })
    const noResult = outputsFrom({ ...outcome, result: undefined, conclusion: 'timeout', sessionId: '' }, 'docker', '')
    expect(noResult).toMatchObject({ conclusion: 'timeout', result: '', 'num-turns': '0', 'duration-ms': '8123' })
  })
})

describe('settleOutputs', () => {
  const redactor = new Redactor(['sk-ant-key-123456'])
  const VERDICT = { conclusion: 'auth-error' as const, detail: '401' }
  const FAULT = { file: '/x/stream.jsonl', code: 'ENOSPC', message: 'no space left on device' }

  it('keeps a valid answer, and says invalid-output for one off the schema', () => {
    expect(settleOutputs(good({ 'structured-output': '' }), { cancelled: false, structured: { ok: true, json: '{"a":1}' } }, redactor)).toMatchObject({
      conclusion: 'success',
      'structured-output': '{"a":1}'
    })
    expect(settleOutputs(good({ 'structured-output': '' }), { cancelled: false, structured: { ok: false, reason: 'x' } }, redactor)).toMatchObject({
      conclusion: 'invalid-output',
      'structured-output': ''
    })
    expect(settleOutputs(good(), { cancelled: false }, redactor).conclusion).toBe('success')
  })

  it('ranks a record not kept over the answer, the upstream’s verdict over that, a cancellation over all', () => {
    const invalid = { ok: false as const, reason: 'x' }
    expect(settleOutputs(good(), { cancelled: false, structured: invalid, recordFault: FAULT }, redactor).conclusion).toBe('error')
    expect(settleOutputs(good(), { cancelled: false, structured: invalid, recordFault: FAULT, verdict: VERDICT }, redactor).conclusion).toBe('auth-error')
    expect(settleOutputs(good(), { cancelled: true, structured: invalid, recordFault: FAULT, verdict: VERDICT }, redactor).conclusion).toBe('cancelled')
    expect(settleOutputs(good(), { cancelled: true }, redactor).conclusion).toBe('cancelled')
  })

  it('takes the secrets the agent echoed out of result and structured-output, and leaves the outputs it was given alone', () => {
    const given = good({ result: 'key sk-ant-key-123456 done' })
    const settled = settleOutputs(given, { cancelled: false, structured: { ok: true, json: '{"k":"sk-ant-key-123456"}' } }, redactor)
    expect(settled.result).toBe('key [REDACTED:secret] done')
    expect(settled['structured-output']).toBe('{"k":"[REDACTED:secret]"}')
    expect(given.result).toBe('key sk-ant-key-123456 done')
  })
  describe('with the workspace door', () => {
    const door = (change: Partial<DoorOutcome>): DoorOutcome => ({ decisions: [], refused: 0, accepted: 1, mode: 'apply', ...change })

    it('says refused-changes when claude succeeded but the door refused a path it was to write (apply)', () => {
      expect(settleOutputs(good(), { cancelled: false, door: door({ refused: 2 }) }, redactor).conclusion).toBe('refused-changes')
      expect(settleOutputs(good(), { cancelled: false, door: door({ refused: 0 }) }, redactor).conclusion).toBe('success')
    })

    it('keeps success with a refusal in patch or none mode: nothing is written to the workspace then', () => {
      expect(settleOutputs(good(), { cancelled: false, door: door({ refused: 1, mode: 'patch' }) }, redactor).conclusion).toBe('success')
      expect(settleOutputs(good(), { cancelled: false, door: door({ refused: 1, mode: 'none' }) }, redactor).conclusion).toBe('success')
    })

    it('keeps a conclusion other than success: the run did not succeed in the first place', () => {
      for (const conclusion of ['max-turns', 'failure', 'timeout']) {
        expect(settleOutputs(good({ conclusion }), { cancelled: false, door: door({ refused: 3 }) }, redactor).conclusion).toBe(conclusion)
      }
    })

    it('names the patch file in workspace-patch', () => {
      const settled = settleOutputs(good(), { cancelled: false, door: door({ mode: 'patch', patchFile: '/tmp/run/workspace.patch' }) }, redactor)
      expect(settled['workspace-patch']).toBe('/tmp/run/workspace.patch')
      expect(settleOutputs(good(), { cancelled: false, door: door({ mode: 'patch' }) }, redactor)['workspace-patch']).toBe('')
    })
  })
})

describe('vetOutputs', () => {
  it.each([
    'success',
    'failure',
    'max-turns',
    'timeout',
    'cancelled',
    'auth-error',
    'api-unreachable',
    'budget-exceeded',
    'invalid-output',
    'refused-changes',
    'error'
  ])('keeps the conclusion %s', conclusion => {
    expect(vet({ conclusion })).toEqual({ out: good({ conclusion }), warned: [] })
  })

  it.each(['Success', 'success ', 'unknown', '', 'error\n'])('sets the conclusion %j to error, with a warning', conclusion => {
    expect(vet({ conclusion })).toEqual({ out: good({ conclusion: 'error' }), warned: [WARNING('conclusion')] })
  })

  it.each(['docker', 'smolvm', ''])('keeps the backend %j', backend => {
    expect(vet({ backend })).toEqual({ out: good({ backend }), warned: [] })
  })

  it.each(['kvm', 'Docker', 'docker '])('empties the backend %j', backend => {
    expect(vet({ backend })).toEqual({ out: good({ backend: '' }), warned: [WARNING('backend')] })
  })

  it.each(['', UUID, UUID.toUpperCase(), '00000000-0000-0000-0000-000000000000'])('keeps the session id %j', id => {
    expect(vet({ 'session-id': id })).toEqual({ out: good({ 'session-id': id }), warned: [] })
  })

  it.each([
    `${UUID}$(touch pwned)`,
    `${UUID}\n`,
    `${UUID}0`,
    `x${UUID}`,
    `$(id)${UUID}`,
    UUID.slice(1),
    UUID.slice(0, -1),
    UUID.replaceAll('-', ''),
    '123e4567e-89b-42d3-a456-426614174000',
    '123e4567-e89b0-42d3-a456-426614174000',
    '123e4567-e89b-42d30-a456-426614174000',
    '123e4567-e89b-42d3-a4560-426614174000',
    '123e456-e89b-42d3-a456-426614174000',
    '123e4567-e89-42d3-a456-426614174000',
    '123e4567-e89b-42d-a456-426614174000',
    '123e4567-e89b-42d3-a45-426614174000',
    '123g4567-e89b-42d3-a456-426614174000',
    '123e4567_e89b_42d3_a456_426614174000'
  ])('empties the session id %j', id => {
    expect(vet({ 'session-id': id })).toEqual({ out: good({ 'session-id': '' }), warned: [WARNING('session-id')] })
  })

  it.each(['0', '7', '123456789012345', '0.5', '12.345', '1.123456789012', '999999999999999.999999999999'])('keeps the number %j', n => {
    expect(vet({ 'cost-usd': n })).toEqual({ out: good({ 'cost-usd': n }), warned: [] })
  })

  it.each(['', '1234567890123456', '1.', '.5', '1.1234567890123', '-1', '1e5', ' 1', '1 ', '1,5', '0x10', 'NaN', '1.2.3', '1\n'])(
    'sets the number %j to 0',
    n => {
      expect(vet({ 'cost-usd': n })).toEqual({ out: good({ 'cost-usd': '0' }), warned: [WARNING('cost-usd')] })
    }
  )

  it('checks every numeric output', () => {
    const { out, warned } = vet({ 'num-turns': 'x', 'cost-usd': 'x', 'input-tokens': 'x', 'output-tokens': 'x', 'duration-ms': 'x' })
    expect(out).toEqual(good({ 'num-turns': '0', 'cost-usd': '0', 'input-tokens': '0', 'output-tokens': '0', 'duration-ms': '0' }))
    expect(warned).toEqual(['num-turns', 'cost-usd', 'input-tokens', 'output-tokens', 'duration-ms'].map(WARNING))
  })

  it('keeps only the pushed refs the gate itself would let through', () => {
    expect(vet({ 'pushed-refs': 'refs/heads/a\nrefs/tags/v1.0' })).toEqual({ out: good({ 'pushed-refs': 'refs/heads/a\nrefs/tags/v1.0' }), warned: [] })
    expect(vet({ 'pushed-refs': '' })).toEqual({ out: good({ 'pushed-refs': '' }), warned: [] })
    expect(vet({ 'pushed-refs': 'refs/heads/a\nrefs/heads/$(id)\nheads/b\nrefs/heads/c' })).toEqual({
      out: good({ 'pushed-refs': 'refs/heads/a\nrefs/heads/c' }),
      warned: [WARNING('pushed-refs')]
    })
    expect(vet({ 'pushed-refs': 'refs/heads/`id`' })).toEqual({ out: good({ 'pushed-refs': '' }), warned: [WARNING('pushed-refs')] })
  })

  it('keeps structured-output only as the one line of JSON the check makes, within 256 KiB', () => {
    for (const json of ['', '{"a":[1,"x"]}', '"text"', 'null', '3']) {
      expect(vet({ 'structured-output': json })).toEqual({ out: good({ 'structured-output': json }), warned: [] })
    }
    for (const bad of ['{"a": 1}', '{"a":1}\n', '{\n"a":1}', '{"a":', '[REDACTED:secret]', 'undefined']) {
      expect(vet({ 'structured-output': bad })).toEqual({ out: good({ 'structured-output': '' }), warned: [WARNING('structured-output')] })
    }
    const atCap = `"${'x'.repeat(256 * 1024 - 2)}"`
    expect(vet({ 'structured-output': atCap }).out['structured-output']).toBe(atCap)
    const over = `"${'x'.repeat(256 * 1024 - 1)}"`
    expect(vet({ 'structured-output': over })).toEqual({ out: good({ 'structured-output': '' }), warned: [WARNING('structured-output')] })
  })

  it('keeps workspace-patch only as the workspace.patch file in the transcript dir', () => {
    for (const patch of ['', '/tmp/run/workspace.patch']) {
      expect(vet({ 'workspace-patch': patch })).toEqual({ out: good({ 'workspace-patch': patch }), warned: [] })
    }
    for (const bad of ['/etc/passwd', '/tmp/run/other.patch', '/tmp/other/workspace.patch', 'workspace.patch', '/tmp/run/workspace.patch$(id)']) {
      expect(vet({ 'workspace-patch': bad })).toEqual({ out: good({ 'workspace-patch': '' }), warned: [WARNING('workspace-patch')] })
    }
  })

  it('leaves result, transcript-dir and the outputs it was given alone', () => {
    const hostile = good({ result: '$(id) `id`\n# heading', 'transcript-dir': '/tmp/$(id)' })
    const copy = { ...hostile }
    expect(vetOutputs(good({ ...hostile, conclusion: 'x' }), () => undefined)).toEqual({ ...hostile, conclusion: 'error' })
    expect(hostile).toEqual(copy)
  })
})

describe('publishOutputs and runFigures', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-outputs-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('sets every output vetted, warns of what it dropped, and keeps outputs.json beside the transcript', async () => {
    const set: [string, string][] = []
    const given = good({ 'transcript-dir': dir, 'session-id': `${UUID}$(id)` })
    const log = await coreLog(() => publishOutputs(given, (n, v) => set.push([n, v])))
    const vetted = { ...given, 'session-id': '' }
    expect(Object.fromEntries(set)).toEqual(vetted)
    expect(set).toHaveLength(Object.keys(given).length)
    expect(log).toContain(`::warning::${WARNING('session-id')}`)
    expect(fs.readFileSync(path.join(dir, 'outputs.json'), 'utf8')).toBe(`${JSON.stringify(vetted, null, 2)}\n`)
  })

  it('writes no outputs.json without a transcript directory, and says nothing of it', async () => {
    const missing = path.join(dir, 'missing')
    expect(await coreLog(() => publishOutputs(good({ 'transcript-dir': missing }), () => undefined))).toEqual([])
    expect(fs.existsSync(missing)).toBe(false)
  })

  it('writes no outputs.json when transcript-dir is empty (not into the working directory either)', async () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'))
    const was = process.cwd()
    process.chdir(cwd)
    try {
      expect(await coreLog(() => publishOutputs(good({ 'transcript-dir': '' }), () => undefined))).toEqual([])
    } finally {
      process.chdir(was)
    }
    expect(fs.readdirSync(cwd)).toEqual([])
  })

  it('takes the figures from the model proxy log, warns of each difference from claude’s, and writes figures.json', async () => {
    const t = fs.mkdtempSync(path.join(dir, 't-'))
    const line = { decision: 'forwarded', path: '/v1/messages', model: 'no-such-model', usage: { input_tokens: 100, output_tokens: 20 } }
    fs.writeFileSync(path.join(t, 'model.jsonl'), `${JSON.stringify(line)}\n`)
    let figures: Awaited<ReturnType<typeof runFigures>> | undefined
    const log = await coreLog(async () => (figures = await runFigures({ ...outcome, anomalies: ['a forged line'] }, t)))
    expect(figures).toMatchObject({ source: 'model-proxy', turns: 1, inputTokens: 100, outputTokens: 20 })
    expect(figures!.discrepancies[0]).toBe('a forged line')
    const turns = "claude reported 3 turns, the model proxy saw 1: the outputs carry the proxy's figure"
    expect(figures!.discrepancies).toContain(turns)
    // the stream's own anomalies were logged by run-claude already: warned once, not twice
    expect(log).toContain(`::warning::${turns}`)
    expect(log.join('\n')).not.toContain('a forged line')
    expect(log.filter(l => l.startsWith('::warning::'))).toHaveLength(figures!.discrepancies.length - 1)
    expect(log.join('\n')).not.toContain('No model proxy log')
    expect(JSON.parse(fs.readFileSync(path.join(t, 'figures.json'), 'utf8'))).toEqual(figures)
    expect(fs.readFileSync(path.join(t, 'figures.json'), 'utf8')).toBe(`${JSON.stringify(figures, null, 2)}\n`)
  })

  it("says so when there is no proxy log, and takes claude's figures", async () => {
    const t = fs.mkdtempSync(path.join(dir, 'n-'))
    let figures: Awaited<ReturnType<typeof runFigures>> | undefined
    const log = await coreLog(async () => (figures = await runFigures(outcome, t)))
    expect(figures).toMatchObject({ source: 'claude', turns: 3, inputTokens: 1200, outputTokens: 340, costUsd: 0.25, discrepancies: [] })
    expect(log).toContain("No model proxy log (model.jsonl): turns and tokens are claude's own figures")
    expect(fs.existsSync(path.join(t, 'figures.json'))).toBe(true)
    // without an outcome (claude never ran) there is nothing to say
    expect(await coreLog(() => runFigures(undefined, path.join(t, 'missing')))).toEqual([])
    expect(fs.existsSync(path.join(t, 'missing'))).toBe(false)
    const none = await coreLog(async () => (figures = await runFigures(outcome, '')))
    expect(figures).toMatchObject({ source: 'claude', turns: 3 })
    expect(none).toEqual(["No model proxy log (model.jsonl): turns and tokens are claude's own figures"])
  })
})
