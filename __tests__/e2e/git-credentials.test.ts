/**
 * The checkout's credentials never reach the agent: actions/checkout's extraheader, credential
 * helpers and tokens in remote URLs are taken out of .git/config for the run, and the config comes
 * back byte for byte after (the agent's own changes to it are undone), by the main step or, when it
 * is killed, by the post step.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, makeWorkspace, visibleLog, whenClaudeIsMidRun, type MidRun } from './helpers.js'

const KEY = 'sk-ant-api03-gitcred-0123456789abcdef'
const TOKEN = 'ghs_checkoutTokenAAAAAAAAAAAAAAAAAAAAAA1'
const URL_TOKEN = 'ghs_remoteUrlTokenBBBBBBBBBBBBBBBBBBBBB2'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

function checkout(dir: string): string {
  const ws = makeWorkspace(dir, 0)
  const git = (...a: string[]) => execFileSync('git', ['-C', ws, ...a])
  git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`)
  git('config', 'credential.helper', 'store')
  git('remote', 'add', 'origin', `https://x-access-token:${URL_TOKEN}@github.com/acme/widgets.git`)
  execFileSync('chown', ['-R', '1001:1001', ws])
  return ws
}

const leaks = (text: string) => [TOKEN, URL_TOKEN, BASIC].filter(t => text.includes(t))

describe('git credentials stay outside the bottle', () => {
  const suite = e2eSuite('e2e-gitcred')
  const look = 'cat .git/config > seen-config.txt; git config --list > seen-list.txt 2>&1; git remote -v > seen-remote.txt; git config user.name agent-was-here'

  it('takes them out for the run and puts the config back byte for byte after, without what the agent changed', async () => {
    const ws = checkout(path.join(suite.dir, 'ok'))
    const before = fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: look } } }, { text: 'ok' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({ inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) }, runnerTemp: path.join(suite.dir, 'rt'), toolCache: suite.toolCache })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout) }).toMatchObject({ code: 0 })
      for (const f of ['seen-config.txt', 'seen-list.txt', 'seen-remote.txt'])
        expect({ f, leaks: leaks(fs.readFileSync(path.join(ws, f), 'utf8')) }).toEqual({ f, leaks: [] })
      // during the run origin is the git gate (same repository path), with no credential in it
      expect(fs.readFileSync(path.join(ws, 'seen-remote.txt'), 'utf8')).toMatch(
        /^origin\thttp:\/\/bot-bottle-gateway:\d+\/(?:[0-9a-f]{32}\/)?acme\/widgets\.git \(fetch\)$/m
      )
      expect(fs.readFileSync(path.join(ws, 'seen-list.txt'), 'utf8')).not.toMatch(/extraheader|credential\.helper/)
      // back as they were, byte for byte: the agent's own change is undone, and the log says so
      expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).toBe(before)
      expect(r.main.stdout).toMatch(
        /::warning::put the workspace's \.git back as it was before the run; undid 1 change\(s\) the agent made there: \.git\/config \(changed: put back\)/
      )
      expect(fs.statSync(path.join(ws, '.git', 'config')).uid).toBe(1001)
      expect(before).toContain(BASIC)
      expect(leaks(visibleLog(r.main.stdout, r.main.stderr, r.post.stdout))).toEqual([])
      expect(r.main.stdout).toContain(`::add-mask::${TOKEN}`)
    } finally {
      await api.close()
    }
  })

  it('when the main step is killed mid-run, the post step puts them back', async () => {
    const ws = checkout(path.join(suite.dir, 'killed'))
    const before = fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    let midRun: MidRun | undefined
    let duringRun: unknown
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt-killed'),
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          midRun = whenClaudeIsMidRun(api, child, () => {
            duringRun = leaks(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8'))
            child.kill('SIGKILL')
          })
        }
      })
      midRun!.check()
      expect(duringRun).toEqual([]) // out during the run
      expect(r.main.code).toBeNull()
      expect(r.post.stdout).toContain("bot-bottle post: the workspace's .git is as it was before the run (credentials back in place)")
      expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).toBe(before)
    } finally {
      await api.close()
    }
  })
})
