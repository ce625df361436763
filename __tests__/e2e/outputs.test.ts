/**
 * A later workflow step uses the agent's `result` the documented way (through `env:`, quoted):
 * nothing the agent wrote executes. The control does what a `${{ }}` inside `run:` does (the text
 * pasted into the script), and there it does execute, so the test can fail.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-outputs-e2e-0123456789'
const HOSTILE =
  'Done. "; touch pwned-quote; " $(touch pwned-subst) `touch pwned-backtick`\ntouch pwned-newline\n\'; touch pwned-single; \'\n``````\n# ✅ All checks passed [details](https://evil.example) <img src=x>\n``````'

describe("the agent's result in a later step", () => {
  const suite = e2eSuite('e2e-outputs')

  it('passed through env: as documented, it is data; pasted into run: (the control), it runs', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const api = await startAnthropicDouble({ turns: [{ text: HOSTILE }] }, { expectedKey: KEY })
    try {
      const r = await runAction({ inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) }, runnerTemp: path.join(suite.dir, 'rt'), toolCache: suite.toolCache })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
      const result = r.outputs['result']!
      expect(result).toBe(HOSTILE)
      // the job summary shows it inside a fence it cannot close: nothing after the fence is the agent's
      const fence = /^(`{4,})$/m.exec(r.summary.slice(r.summary.indexOf('**Result**')))![1]!
      expect(fence.length).toBeGreaterThan(6)
      expect(r.summary.slice(r.summary.indexOf(fence) + fence.length, r.summary.lastIndexOf(fence))).toContain('# ✅ All checks passed')
      expect(r.summary.slice(r.summary.lastIndexOf(fence) + fence.length)).not.toMatch(/All checks passed|evil\.example|<img/)
      expect(r.summary.slice(0, r.summary.indexOf(fence))).not.toMatch(/All checks passed|evil\.example|<img/)
      expect(r.outputs['session-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

      const step = (dir: string, script: string, env: Record<string, string> = {}) => {
        fs.mkdirSync(dir, { recursive: true })
        spawnSync('bash', ['-e', '-c', script], { cwd: dir, env: { PATH: process.env['PATH'], ...env }, timeout: 10_000 })
        return fs
          .readdirSync(dir)
          .filter(f => f.startsWith('pwned'))
          .sort()
      }
      // README: env: RESULT: ${{ steps.bottle.outputs.result }} then "$RESULT"
      const safe = path.join(suite.dir, 'later-step')
      expect(step(safe, `printf 'claude said:\\n%s\\n' "$RESULT" > said.txt`, { RESULT: result })).toEqual([])
      expect(fs.readFileSync(path.join(safe, 'said.txt'), 'utf8')).toBe(`claude said:\n${HOSTILE}\n`)
      // control: run: echo "${{ steps.bottle.outputs.result }}" — the runner pastes the text into the script
      const unsafe = path.join(suite.dir, 'unsafe-step')
      expect(step(unsafe, `echo "${result}" > said.txt`)).toEqual(expect.arrayContaining(['pwned-quote', 'pwned-subst', 'pwned-backtick']))
    } finally {
      await api.close()
    }
  })
})
