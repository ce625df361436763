import { execFileSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

describe('TypeScript', () => {
  it('src, tests and harness typecheck under strict mode', () => {
    try {
      execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      throw new Error(`tsc found errors:\n${(err as { stdout?: string }).stdout ?? ''}`)
    }
  }, 120_000)
})
