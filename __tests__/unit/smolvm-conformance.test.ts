/**
 * docs/smolvm-conformance.md lists every argument the smolvm backend emits, each against the
 * smolvm source lines it was checked with. This fails when the backend emits a flag the table
 * does not cover (checked nowhere), or the table keeps a row the backend no longer emits; when a
 * row says the doubles model it but no double cites any of its source lines (each rule of the
 * doubles cites where in smolvm it comes from); and when a row names a test that does not exist.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as argv from '../../src/backend/smolvm/argv.js'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const table = fs.readFileSync(path.join(ROOT, 'docs', 'smolvm-conformance.md'), 'utf8')
/** `machine <sub> <flag>` → [source, verdict], from the argv table (the first table) */
const rows = new Map(
  table
    .split('\n## ')[0]!
    .split('\n')
    .flatMap(line => {
      const m = /^\| `([^`]+)` \| ([^|]+) \| [^|]+ \| ([^|]+) \|$/.exec(line)
      return m ? [[m[1]!, { source: m[2]!.trim(), verdict: m[3]!.trim() }] as const] : []
    })
)

/** The flags of one command line: `machine <sub> <flag>` for each option before `--`, and `--` itself. */
function flagsOf(line: readonly string[]): string[] {
  if (line[0] !== 'machine') return [line[0]!]
  const sub = line[1]!
  const end = line.indexOf('--')
  const options = (end < 0 ? line.slice(2) : line.slice(2, end)).filter(a => a.startsWith('-'))
  return [...options, ...(end < 0 ? [] : ['--'])].map(f => `machine ${sub} ${f}`)
}

/** Every command line the backend builds, with every option switched on. */
function everyLineTheBackendEmits(): string[][] {
  const full: argv.CreateArgs = {
    name: 'n',
    archive: '/a.tar',
    cpus: 1,
    memory: '1g',
    mounts: [{ host: '/w', guest: '/w', readOnly: true }],
    envFiles: { K: '/k' },
    labels: { l: 'v' }
  }
  return [
    ['--version'],
    ...Object.keys(argv.REQUIRED_FLAGS).map(sub => ['machine', sub, '--help']),
    argv.createArgv(full),
    argv.startArgv('n'),
    argv.execArgv('n', ['true'], { stream: true, input: '', workdir: '/w', timeoutMs: 1000, user: { uid: 1, gid: 1 } }),
    argv.deleteArgv('n'),
    argv.listArgv()
  ]
}

/** Every row of both tables: its whole text and its verdict (the last cell). */
const allRows = table
  .split('\n')
  .filter(l => /^\| (?!-|Argv|Item)/.test(l))
  .map(l => ({ text: l, verdict: l.replace(/ \|$/, '').split(' | ').at(-1)!.trim() }))
const doubles = ['smolvm-cli-double.mjs', 'smolvm-double-gateway.mjs', 'smolvm-release-double.mjs']
  .map(f => fs.readFileSync(path.join(ROOT, 'test', 'harness', f), 'utf8'))
  .join('\n')

/** `file.rs:12-14,20` → (file, 12), (file, 20); a file without lines (`release.yml`) → (file, undefined). */
function rowCitations(text: string): { file: string; line?: number }[] {
  return [...text.matchAll(/([\w.-]+\.(?:rs|yml|sh))(?::([\d,-]+))?/g)].flatMap(m =>
    m[2] ? m[2].split(',').map(part => ({ file: m[1]!, line: Number(part.split('-')[0]) })) : [{ file: m[1]! }]
  )
}
/** The doubles' own citations: file → the line ranges they cite. */
const doubleRanges = new Map<string, [number, number][]>()
for (const m of doubles.matchAll(/([\w.-]+\.(?:rs|yml|sh))(?::([\d,-]+))?/g)) {
  const ranges = doubleRanges.get(m[1]!) ?? []
  for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number)
    ranges.push([a!, b ?? a!])
  }
  doubleRanges.set(m[1]!, ranges)
}
/** Whether a double cites `file` at `line` (within one of its ranges), or the file at all for a citation without lines. */
const cited = (file: string, line?: number) =>
  doubleRanges.has(file) && (line === undefined || doubleRanges.get(file)!.some(([a, b]) => line >= a && line <= b))

describe('docs/smolvm-conformance.md', () => {
  it('each row the doubles model cites smolvm source the doubles cite too', () => {
    const modelled = allRows.filter(r => /^source\b/.test(r.verdict) && !/not modelled/.test(r.verdict))
    expect(modelled.length).toBeGreaterThan(25)
    const uncited = modelled.filter(r => !rowCitations(r.text).some(c => cited(c.file, c.line))).map(r => r.text.slice(0, 80))
    expect(uncited).toEqual([])
  })

  it('every test a row names exists', () => {
    const named = [...new Set(allRows.flatMap(r => [...r.text.matchAll(/([\w-]+\.test\.ts)/g)].map(m => m[1]!)))]
    expect(named.length).toBeGreaterThan(3)
    const exists = (f: string) => ['unit', 'e2e'].some(d => fs.existsSync(path.join(ROOT, '__tests__', d, f)))
    expect(named.filter(f => !exists(f))).toEqual([])
  })

  const emitted = [...new Set(everyLineTheBackendEmits().flatMap(l => (l.includes('--help') ? [`machine ${l[1]} --help`] : flagsOf(l))))]

  it('has a row, with a source citation and a verdict, for every flag the backend emits', () => {
    const uncovered = emitted.filter(f => !rows.has(f))
    expect(uncovered).toEqual([])
    for (const f of emitted) {
      const row = rows.get(f)!
      expect([f, row.source]).toEqual([f, expect.stringMatching(/^src\/\S+:\d+|^crates\/\S+:\d+/)])
      expect([f, row.verdict]).toEqual([f, expect.stringMatching(/^(source|source, not modelled|real VM)\b/)])
    }
  })

  it('lists no flag the backend no longer emits', () => {
    expect([...rows.keys()].filter(r => !emitted.includes(r))).toEqual([])
  })

  it('every flag the --help probe checks is a flag the backend emits (the probe guards what is used)', () => {
    const probed = Object.entries(argv.REQUIRED_FLAGS).flatMap(([sub, flags]) =>
      Object.keys(flags).map(f => `machine ${sub} ${f === '--interactive' ? '-i' : f}`)
    )
    expect(probed.filter(p => !emitted.includes(p))).toEqual([])
  })
})
