/**
 * The run's records are bounded and never crash the step: a record stops at its cap (and says
 * so), a disk that refuses writes is reported once, and the report keeps a bounded part of a
 * huge conversation while saying how much it left out.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RecordSink, type RecordFault } from '../../src/transcript/record-sink.js'
import { readReportModel } from '../../src/transcript/report-model.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-sink-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('RecordSink', () => {
  it('keeps whole writes up to its cap, then nothing, and says once where it stopped', async () => {
    const capped: [string, number, number][] = []
    const sink = new RecordSink(path.join(dir, 'stream.jsonl'), 100, { onFault: () => undefined, onCapped: (f, kept, cap) => capped.push([f, kept, cap]) })
    for (let i = 0; i < 50; i++) sink.write(`line ${String(i).padStart(3, '0')}\n`) // 9 bytes each
    await sink.end()
    const kept = fs.readFileSync(path.join(dir, 'stream.jsonl'), 'utf8')
    expect(kept).toBe(Array.from({ length: 11 }, (_, i) => `line ${String(i).padStart(3, '0')}\n`).join(''))
    expect(capped).toEqual([['stream.jsonl', 99, 100]])
  })

  it('reports a disk that refuses writes (ENOSPC) once, and neither throws nor crashes the process', async () => {
    const faults: RecordFault[] = []
    // /dev/full answers every write with ENOSPC, as a full RUNNER_TEMP does
    const sink = new RecordSink('/dev/full', 1 << 20, { onFault: f => faults.push(f), onCapped: () => undefined })
    for (let i = 0; i < 20; i++) sink.write(`${'x'.repeat(1000)}\n`)
    await sink.end()
    await new Promise(r => setTimeout(r, 50))
    expect(faults).toHaveLength(1)
    expect(faults[0]).toMatchObject({ file: '/dev/full', code: 'ENOSPC' })
    sink.write('after the fault\n') // ignored, no throw
  })
})

describe('the report of a huge conversation', () => {
  it('holds at most its budget of text and counts what it left out', async () => {
    const file = path.join(dir, 'big.jsonl')
    const lines: string[] = [JSON.stringify({ type: 'system', subtype: 'init', session_id: 's', model: 'm' })]
    for (let i = 0; i < 200; i++) {
      lines.push(
        JSON.stringify({
          type: 'assistant',
          message: { content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command: 'cat big' } }], usage: { input_tokens: 1, output_tokens: 1 } }
        })
      )
      lines.push(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'y'.repeat(10_000) }] } }))
    }
    lines.push(JSON.stringify({ type: 'result', subtype: 'success', result: 'done', num_turns: 200, is_error: false }))
    fs.writeFileSync(file, `${lines.join('\n')}\n`)

    const whole = await readReportModel(file)
    expect(whole.dropped).toBe(0)
    expect(whole.events.filter(e => e.k === 'result')).toHaveLength(200)

    const bounded = await readReportModel(file, 100_000)
    const size = bounded.events.reduce((n, e) => n + ('output' in e && typeof e.output === 'string' ? e.output.length : 0), 0)
    expect(size).toBeLessThanOrEqual(100_000)
    expect(bounded.events.filter(e => e.k === 'result').length).toBeLessThan(10)
    expect(bounded.dropped).toBeGreaterThanOrEqual(190) // at least the tool outputs that did not fit
    // the run's outcome is never what gets dropped
    expect(bounded.events.at(-1)).toMatchObject({ k: 'final', text: 'done' })
  })
})
