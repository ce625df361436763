/**
 * The checkout's credentials never reach the agent: the bottle gets a repository of its own,
 * made from the runner's as data, whose config is written from nothing (origin at the git gate),
 * so actions/checkout's extraheader, credential helpers and tokens in remote URLs never enter it.
 * The runner's .git is only read: its config is byte for byte the same during the run and after,
 * whatever the agent does to its own repository, also when the main step is killed mid-run.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { diffTrees, listTree } from '../workspace-attacks.js'
import { e2eSuite, leftovers, makeWorkspace, visibleLog, whenClaudeIsMidRun, type MidRun } from './helpers.js'

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

/** The one run of this test's runner temp dir (its state dir is named after the slug). */
function slugIn(runnerTemp: string): string {
  const slugs = fs.readdirSync(path.join(runnerTemp, 'bot-bottle')).filter(n => n.startsWith('bb-'))
  if (slugs.length !== 1) throw new Error(`expected one run under ${runnerTemp}, found ${slugs.join(', ') || 'none'}`)
  return slugs[0]!
}

describe('git credentials stay outside the bottle', () => {
  const suite = e2eSuite('e2e-gitcred')
  const look =
    'cat .git/config > seen-config.txt; git config --list > seen-list.txt 2>&1; git remote -v > seen-remote.txt; ' +
    'git config user.name agent-was-here; git config credential.helper "!echo agent-helper"'

  it("the bottle's repository never has them: the agent sees origin at the gate and no token; the runner's .git is never changed", async () => {
    const ws = checkout(path.join(suite.dir, 'ok'))
    const before = fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')
    const gitBefore = listTree(path.join(ws, '.git'))
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: look } } }, { text: 'ok' }] }, { expectedKey: KEY })
    let midRun: MidRun | undefined
    let configDuringRun: string | undefined
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          // once the agent's command has run (its result is in the second conversation request)
          const afterTool = { conversation: () => api.conversation().slice(1) }
          midRun = whenClaudeIsMidRun(afterTool, child, () => {
            configDuringRun = fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')
          })
        }
      })
      midRun!.check()
      expect({ code: r.main.code, log: visibleLog(r.main.stdout) }).toMatchObject({ code: 0 })
      // what the agent saw of its repository, brought back by the workspace door
      for (const f of ['seen-config.txt', 'seen-list.txt', 'seen-remote.txt'])
        expect({ f, leaks: leaks(fs.readFileSync(path.join(ws, f), 'utf8')) }).toEqual({ f, leaks: [] })
      // origin is the git gate (same repository path), with no credential in it
      expect(fs.readFileSync(path.join(ws, 'seen-remote.txt'), 'utf8')).toMatch(
        /^origin\thttp:\/\/bot-bottle-gateway:\d+\/(?:[0-9a-f]{32}\/)?acme\/widgets\.git \(fetch\)$/m
      )
      expect(fs.readFileSync(path.join(ws, 'seen-remote.txt'), 'utf8')).not.toContain('github.com')
      expect(fs.readFileSync(path.join(ws, 'seen-list.txt'), 'utf8')).not.toMatch(/extraheader|credential\.helper/)
      expect(fs.readFileSync(path.join(ws, 'seen-config.txt'), 'utf8')).not.toMatch(/extraheader|credential|github\.com/)
      // the runner's config: byte for byte as before, during the run and after; the agent's changes stayed in the bottle
      expect(configDuringRun).toBe(before)
      expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).toBe(before)
      expect(diffTrees(gitBefore, listTree(path.join(ws, '.git')))).toEqual([])
      expect(before).toContain(BASIC)
      expect(leaks(visibleLog(r.main.stdout, r.main.stderr, r.post.stdout))).toEqual([])
      expect(r.main.stdout).toContain(`::add-mask::${TOKEN}`)
    } finally {
      await api.close()
    }
  })

  it("when the main step is killed mid-run, the runner's .git is as it was and the bottle's repository had no token", async () => {
    const ws = checkout(path.join(suite.dir, 'killed'))
    const before = fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')
    const gitBefore = listTree(path.join(ws, '.git'))
    const runnerTemp = path.join(suite.dir, 'rt-killed')
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    let midRun: MidRun | undefined
    let duringRun: unknown
    let slug = ''
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp,
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          midRun = whenClaudeIsMidRun(api, child, () => {
            slug = slugIn(runnerTemp)
            // the bottle's own repository, read from inside the bottle while claude runs
            const inBottle = execFileSync('docker', ['exec', slug, 'sh', '-c', `cat '${ws}/.git/config'; git -c safe.directory='*' -C '${ws}' remote -v`], {
              encoding: 'utf8'
            })
            duringRun = {
              runnerConfigSame: fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8') === before,
              bottleLeaks: leaks(inBottle),
              bottleOrigin: /^origin\thttp:\/\/bot-bottle-gateway:\d+\/\S*acme\/widgets\.git \(fetch\)$/m.test(inBottle)
            }
            child.kill('SIGKILL')
          })
        }
      })
      midRun!.check()
      expect(duringRun).toEqual({ runnerConfigSame: true, bottleLeaks: [], bottleOrigin: true })
      expect(r.main.code).toBeNull()
      // the post step removes the bottle; nothing on the runner needed putting back
      expect(r.post.stdout).toMatch(/bot-bottle post: removed /)
      expect(leftovers(slug)).toEqual([])
      expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).toBe(before)
      expect(diffTrees(gitBefore, listTree(path.join(ws, '.git')))).toEqual([])
      expect(leaks(visibleLog(r.main.stdout, r.main.stderr, r.post.stdout))).toEqual([])
    } finally {
      await api.close()
    }
  })
})
