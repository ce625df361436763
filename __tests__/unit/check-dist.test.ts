import { execFileSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

describe('dist/', () => {
  it('is what `npm run build` makes from src/ (commit it after changing src/)', () => {
    let out = ''
    try {
      out = execFileSync(process.execPath, [path.join(root, 'scripts', 'check-dist.mjs')], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string }
      throw new Error(`${e.stderr ?? ''}${e.stdout ?? ''}`.trim())
    }
    expect(out).toContain('dist/ is up to date')
  }, 120_000)
})
