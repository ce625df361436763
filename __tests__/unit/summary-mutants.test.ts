/**
 * The job summary, line by line: each figure where a reader looks for it, every markdown
 * character of the agent's text escaped (a tool name cannot start a heading), and every list
 * bounded with a line saying how much more there is. Expected lines are written out here.
 */
import type { RunFigures } from '../../src/transcript/figures.js'
import type { ReportModel } from '../../src/transcript/report-model.js'
import { renderSummary, type SummaryInput } from '../../src/transcript/summary.js'

const outputs = {
  conclusion: 'success',
  result: 'all done',
  'num-turns': '3',
  'input-tokens': '1200',
  'output-tokens': '340',
  'cost-usd': '0.25',
  'duration-ms': '8160',
  backend: 'docker'
}
const proxyFigures: RunFigures = {
  source: 'model-proxy',
  turns: 3,
  inputTokens: 1200,
  outputTokens: 340,
  costUsd: 0.25,
  refusedModelRequests: 2,
  discrepancies: []
}
const tools = (...names: string[]): ReportModel => ({
  sessionId: '',
  model: '',
  dropped: 0,
  events: names.map((name, i) => ({ k: 'tool', turn: 1, id: `t${i}`, name, input: '{}' }))
})

const summary = (change: Partial<SummaryInput> = {}) =>
  renderSummary({ outputs, figures: proxyFigures, model: tools(), blockedEgress: 0, pushedRefs: [], transcriptDir: '/tmp/run', ...change })
const lines = (change: Partial<SummaryInput> = {}) => summary(change).split('\n')

describe('job summary figures', () => {
  it('shows each figure in its row', () => {
    const l = lines({ blockedEgress: 4, pushedRefs: ['refs/heads/a', 'refs/heads/b'], artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/2' })
    expect(l[0]).toBe('### bot-bottle: success')
    expect(l[1]).toBe('') // the table starts a block of its own
    // and a blank line ends it: the next paragraph would be read as one more row
    expect(l[l.indexOf('| transcripts | [artifact](https://github.com/o/r/actions/runs/1/artifacts/2) |') + 1]).toBe('')
    expect(l).toEqual(
      expect.arrayContaining([
        '| | |',
        '|---|---|',
        '| conclusion | success |',
        '| turns | 3 |',
        '| tokens | 1200 in / 340 out |',
        '| figures from | the model proxy (host) |',
        '| cost | $0.25 (list prices, counted by the host) |',
        '| refused model requests | 2 |',
        '| duration | 8.2 s |',
        '| backend | docker |',
        '| blocked egress | 4 |',
        '| pushed refs | refs/heads/a, refs/heads/b |',
        '| transcripts | [artifact](https://github.com/o/r/actions/runs/1/artifacts/2) |'
      ])
    )
  })

  it("names claude's own report when there is no proxy log, and shows defaults for what is missing", () => {
    const l = lines({ outputs: {}, figures: undefined })
    expect(l[0]).toBe('### bot-bottle: unknown')
    expect(l).not.toContain("**Result** (the agent's text)")
    expect(l).not.toContain('**Checks of the record**')
    expect(l).toEqual(
      expect.arrayContaining([
        '| conclusion | unknown |',
        '| turns | 0 |',
        '| tokens | 0 in / 0 out |',
        "| figures from | claude's own report |",
        "| cost | $0 (claude's figure) |",
        '| refused model requests | 0 |',
        '| duration | 0.0 s |',
        '| backend |  |',
        '| pushed refs | none |',
        '| transcripts | on the runner: /tmp/run |'
      ])
    )
    expect(lines({ figures: { ...proxyFigures, source: 'claude' } })).toEqual(
      expect.arrayContaining(["| figures from | claude's own report |", "| cost | $0.25 (claude's figure) |"])
    )
  })

  it('shows the first 20 pushed refs', () => {
    const refs = Array.from({ length: 25 }, (_, i) => `refs/heads/r${i}`)
    const row = lines({ pushedRefs: refs }).find(x => x.startsWith('| pushed refs |'))
    expect(row).toBe(`| pushed refs | ${refs.slice(0, 20).join(', ')} |`)
  })

  it('shows the phase table only when phases were timed', () => {
    expect(summary()).not.toContain('Where the time went')
    expect(summary({ phases: { phases: [], steps: { main: 5 } } })).not.toContain('Where the time went')
    const l = lines({ phases: { phases: [{ phase: 'claude', ms: 600 }], steps: { main: 1000 } } })
    expect(l).toEqual(expect.arrayContaining(['**Where the time went** (ms)', '| claude | 600 | 60% |']))
  })
})

describe('job summary: the agent’s text is text', () => {
  it('escapes every markdown and HTML character in a cell, and joins lines', () => {
    const row = lines({ outputs: { ...outputs, backend: 'a\r\n\nb&<x>\\`*_[l](u)|!~c' } }).find(x => x.startsWith('| backend |'))
    expect(row).toBe('| backend | a b&amp;&lt;x&gt;\\\\\\`\\*\\_\\[l\\](u)\\|\\!\\~c |')
  })

  it('keeps a tool name with line breaks on its row: no heading, list or table row of its own', () => {
    const s = summary({ model: tools('Bash\n# ✅ All checks passed', 'Read\r\n- [x] approved\r\n\r\n| a | b |') })
    expect(s.split('\n')).toEqual(expect.arrayContaining(['| Bash # ✅ All checks passed | 1 |', '| Read - \\[x\\] approved \\| a \\| b \\| | 1 |']))
    expect(s).not.toMatch(/^#(?!## bot-bottle: )/m)
    expect(s).not.toMatch(/^- \\\[x/m)
  })

  it('lists tools by number of calls, at most 20, names cut at 100 characters', () => {
    const names = ['Read', 'Bash', 'Bash', 'Edit', 'Bash', 'Read']
    const l = lines({ model: tools(...names) })
    const start = l.indexOf('**Tool calls**')
    expect(l.slice(start, start + 8)).toEqual(['**Tool calls**', '', '| tool | calls |', '|---|---|', '| Bash | 3 |', '| Read | 2 |', '| Edit | 1 |', ''])
    const twenty = lines({ model: tools(...Array.from({ length: 20 }, (_, i) => `U${i}`)) })
    expect(twenty.filter(x => /^\| U\d+ \| 1 \|$/.test(x))).toHaveLength(20)
    expect(twenty.join('\n')).not.toContain('more tools')
    const many = Array.from({ length: 23 }, (_, i) => `T${String(i).padStart(2, '0')}`)
    const ml = lines({ model: tools(...many, 'T00', `${'x'.repeat(150)}`, `${'x'.repeat(150)}`) })
    const rows = ml.filter(x => /^\| [Tx(]/.test(x) && !x.startsWith('| tool |'))
    expect(rows[0]).toBe('| T00 | 2 |')
    expect(rows[1]).toBe(`| ${'x'.repeat(100)} | 2 |`)
    expect(rows[2]).toBe('| T01 | 1 |')
    expect(rows).toHaveLength(21)
    expect(rows[20]).toBe('| (4 more tools) | |')
    expect(summary()).not.toContain('**Tool calls**')
  })

  it('lists at most 10 checks of the record, each cut at 300 characters', () => {
    const checks = Array.from({ length: 12 }, (_, i) => `check ${i} ${'c'.repeat(400)}`)
    const l = lines({ figures: { ...proxyFigures, discrepancies: checks } })
    const start = l.indexOf('**Checks of the record**')
    expect(l[start + 1]).toBe('')
    expect(l[start + 2]).toBe(`- check 0 ${'c'.repeat(292)}`)
    expect(l.slice(start + 2, start + 12).every(x => x.startsWith('- check '))).toBe(true)
    expect(l[start + 12]).toBe('- (2 more in report.html)')
    expect(l[start + 13]).toBe('')
    const ten = lines({ figures: { ...proxyFigures, discrepancies: checks.slice(0, 10) } })
    expect(ten.join('\n')).not.toContain('more in report.html')
    expect(summary()).not.toContain('**Checks of the record**')
    expect(lines({ figures: { ...proxyFigures, discrepancies: ['*bold* <b>'] } })).toContain('- \\*bold\\* &lt;b&gt;')
  })

  it('lists at most 10 refused pushes, ref cut at 200 and reason at 400 characters', () => {
    const refused = Array.from({ length: 13 }, (_, i) => ({ ref: `refs/heads/${i}${'r'.repeat(300)}`, reason: `no ${'n'.repeat(500)}` }))
    const l = lines({ refusedPushes: refused })
    const start = l.indexOf('**Refused pushes** (git gate)')
    expect(l[start + 1]).toBe('')
    expect(l[start + 2]).toBe(`- ${`refs/heads/0${'r'.repeat(188)}`}: no ${'n'.repeat(397)}`)
    expect(l[start + 12]).toBe('- (3 more in git.jsonl)')
    expect(l[start + 13]).toBe('')
    expect(lines({ refusedPushes: refused.slice(0, 10) }).join('\n')).not.toContain('more in git.jsonl')
    expect(lines({ refusedPushes: [{ ref: 'refs/heads/`x`', reason: 'a_b' }] })).toContain('- refs/heads/\\`x\\`: a\\_b')
    expect(summary({ refusedPushes: [] })).not.toContain('Refused pushes')
  })
})

describe('job summary: the result', () => {
  const resultPart = (result: string) => {
    const l = lines({ outputs: { ...outputs, result } })
    return l.slice(l.indexOf("**Result** (the agent's text)")).slice(0, 7)
  }

  it('fences the result with more backticks than any run in it', () => {
    const fenced = (result: string) => resultPart(result).slice(0, 6)
    expect(fenced('all done')).toEqual(["**Result** (the agent's text)", '', '````', 'all done', '````', ''])
    expect(fenced('a ``` b')).toEqual(["**Result** (the agent's text)", '', '````', 'a ``` b', '````', ''])
    expect(fenced('a ```` b `` c')).toEqual(["**Result** (the agent's text)", '', '`````', 'a ```` b `` c', '`````', ''])
    expect(fenced('```````')).toEqual(["**Result** (the agent's text)", '', '````````', '```````', '````````', ''])
  })

  it('cuts the result at 2000 characters and says where the rest is', () => {
    const part = resultPart(`${'r'.repeat(1999)}XYZ`)
    expect(part.slice(0, 6)).toEqual(["**Result** (the agent's text)", '', '````', `${'r'.repeat(1999)}X`, '````', ''])
    expect(part[6]).toBe('(result cut at 2000 characters; the whole text is in outputs.json)')
    const l = lines({ outputs: { ...outputs, result: 'r'.repeat(2001) } })
    expect(l[l.indexOf('(result cut at 2000 characters; the whole text is in outputs.json)') + 1]).toBe('')
    expect(summary({ outputs: { ...outputs, result: 'r'.repeat(2000) } })).not.toContain('(result cut at')
    expect(summary({ outputs: { ...outputs, result: '' } })).not.toContain('**Result**')
  })
})

describe('job summary: the workspace door', () => {
  it('counts the accepted and refused changes in their row', () => {
    const refusedChanges = [
      { path: 'a', change: 'added', reason: 'x' },
      { path: 'b', change: 'deleted', reason: 'y' }
    ]
    expect(lines({ acceptedChanges: 3, refusedChanges })).toContain('| workspace changes | 3 accepted, 2 refused |')
    expect(lines()).toContain('| workspace changes | 0 accepted, 0 refused |')
  })

  it('lists at most 50 refused changes, path cut at 200 and reason at 300 characters, with how many more', () => {
    const refused = Array.from({ length: 53 }, (_, i) => ({ path: `${i}/${'p'.repeat(250)}`, change: 'modified', reason: `no ${'n'.repeat(400)}` }))
    const l = lines({ refusedChanges: refused })
    const start = l.indexOf('**Refused workspace changes** (workspace door)')
    expect(start).toBeGreaterThan(0)
    expect(l[start + 1]).toBe('')
    expect(l[start + 2]).toBe(`- 0/${'p'.repeat(198)} (modified): no ${'n'.repeat(297)}`)
    expect(l[start + 51]).toBe(`- 49/${'p'.repeat(197)} (modified): no ${'n'.repeat(297)}`)
    expect(l[start + 52]).toBe('- (3 more in workspace-changes.jsonl)')
    expect(l[start + 53]).toBe('')
    const fifty = lines({ refusedChanges: refused.slice(0, 50) })
    expect(fifty.join('\n')).not.toContain('more in workspace-changes.jsonl')
    expect(fifty[fifty.indexOf('**Refused workspace changes** (workspace door)') + 52]).toBe('')
  })

  it('escapes the path, the kind of change and the reason, and has no section when nothing was refused', () => {
    expect(lines({ refusedChanges: [{ path: 'docs/[x](u).md\n# h', change: 'a_b', reason: '<b>*' }] })).toContain(
      '- docs/\\[x\\](u).md # h (a\\_b): &lt;b&gt;\\*'
    )
    expect(summary({ refusedChanges: [] })).not.toContain('Refused workspace changes')
    expect(summary()).not.toContain('Refused workspace changes')
  })
})
