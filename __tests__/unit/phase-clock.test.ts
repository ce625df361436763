import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PhaseClock, PHASES_FILE, readPhases, renderPhaseTable, writePhases } from '../../src/transcript/phase-clock.js'

describe('PhaseClock', () => {
  it('logs one line per phase and keeps the time also when the phase throws', async () => {
    let now = 0
    const lines: string[] = []
    const clock = new PhaseClock(
      l => lines.push(l),
      () => now
    )
    await clock.time('network', () => {
      now += 120
    })
    await expect(
      clock.time('claude', () => {
        now += 40
        throw new Error('claude broke')
      })
    ).rejects.toThrow('claude broke')
    const end = clock.start('teardown')
    now += 7
    end()
    end() // once
    expect(lines).toEqual(['⏱ network: 120 ms', '⏱ claude: 40 ms', '⏱ teardown: 7 ms'])
    expect(clock.timings).toEqual([
      { phase: 'network', ms: 120, at: expect.any(Number) },
      { phase: 'claude', ms: 40, at: expect.any(Number) },
      { phase: 'teardown', ms: 7, at: expect.any(Number) }
    ])
    // each phase's start, on the epoch: where its span starts in the run's trace
    for (const t of clock.timings) expect(Math.abs(t.at! - (Date.now() - t.ms))).toBeLessThan(5_000)
  })
})

describe('phases.json', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bb-phases-'))

  it('round-trips, and keeps only known phases with non-negative finite times', () => {
    const d = dir()
    writePhases(d, { phases: [{ phase: 'network', ms: 12 }], steps: { main: 900 } })
    expect(readPhases(d)).toEqual({ phases: [{ phase: 'network', ms: 12 }], steps: { main: 900, post: undefined } })
    fs.writeFileSync(
      path.join(d, PHASES_FILE),
      JSON.stringify({
        phases: [
          { phase: 'network', ms: -1 },
          { phase: '<img>', ms: 3 },
          { phase: 'claude', ms: '5' },
          { phase: 'claude', ms: 5 }
        ],
        steps: { main: 'x', post: 10 }
      })
    )
    expect(readPhases(d)).toEqual({ phases: [{ phase: 'claude', ms: 5 }], steps: { main: undefined, post: 10 } })
    fs.writeFileSync(path.join(d, PHASES_FILE), 'not json')
    expect(readPhases(d)).toBeUndefined()
  })

  it('is not read through a link', () => {
    const d = dir()
    const elsewhere = path.join(d, 'elsewhere.json')
    fs.writeFileSync(elsewhere, JSON.stringify({ phases: [{ phase: 'claude', ms: 5 }], steps: {} }))
    fs.symlinkSync(elsewhere, path.join(d, PHASES_FILE))
    expect(readPhases(d)).toBeUndefined()
  })
})

describe('renderPhaseTable', () => {
  it('lists each phase, what fell outside them, and the two steps total', () => {
    const table = renderPhaseTable({
      phases: [
        { phase: 'network', ms: 100 },
        { phase: 'post', ms: 50 }
      ],
      steps: { main: 700, post: 300 }
    })
    expect(table.split('\n')).toEqual([
      '**Where the time went** (ms)',
      '',
      '| phase | ms | share |',
      '|---|---|---|',
      '| network | 100 | 10% |',
      '| post | 50 | 5% |',
      '| (outside the phases: node start, bundle load) | 850 | 85% |',
      '| **main + post** | **1000** | 100% |',
      ''
    ])
  })
})
