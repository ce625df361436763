/**
 * The built action end to end, as the runner runs it (main, then post), on the real docker
 * engine with the real claude binary, a scripted Messages API double and a loopback npm
 * registry double serving the real claude package.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, grepFiles, leftovers, MAIN_LEFT_NOTHING, makeWorkspace, objectsOfRunId, slugOf, visibleLog } from './helpers.js'

const KEY_TAIL = crypto.randomBytes(12).toString('hex')
const REAL_KEY = `sk-ant-api03-e2e-${KEY_TAIL}`
const WS_UID = 1001

describe('bot-bottle on the docker backend', () => {
  const suite = e2eSuite('e2e-action')
  const inputs = (api: { url: string }, ws: string, more: Record<string, string> = {}) => ({ ...suite.inputs(api, ws, REAL_KEY), ...more })

  it('runs claude in the bottle: files land owned by the workspace owner, outputs are right, the key stays outside', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'success'), WS_UID)
    fs.mkdirSync(path.join(ws, 'skills', 'release-notes'), { recursive: true })
    fs.writeFileSync(
      path.join(ws, 'skills', 'release-notes', 'SKILL.md'),
      '---\nname: release-notes\ndescription: SKILL-MARKER-42 writes release notes\n---\nSteps.\n'
    )
    // The key's tail is split in two, so the command that searches for it does not contain it.
    const [a, b] = [KEY_TAIL.slice(0, 12), KEY_TAIL.slice(12)]
    const api = await startAnthropicDouble(
      {
        turns: [
          { tool_use: { name: 'Write', input: { file_path: path.join(ws, 'notes', 'fix.md'), content: 'fixed by the agent\n' } } },
          {
            tool_use: {
              name: 'Bash',
              input: {
                command: `env > guest-env.txt; a=${a}; b=${b}; grep -rlIF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=bot-bottle "$a$b" / > key-hits.txt 2>/dev/null; id -u > whoami.txt; true`,
                description: 'inspect the bottle'
              }
            }
          },
          { text: 'Wrote notes/fix.md.' }
        ]
      },
      { expectedKey: REAL_KEY }
    )
    try {
      const { main, post, outputs } = await runAction({
        inputs: inputs(api, ws, { prompt: 'Write notes/fix.md', 'append-system-prompt': 'SYSTEM-MARKER-17: be terse.', skills: 'skills/release-notes' }),
        runnerTemp: path.join(suite.dir, 'rt-success'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(main.stdout, main.stderr)
      expect({ code: main.code, log }).toMatchObject({ code: 0 })
      expect(post.code).toBe(0)

      // outputs
      expect(outputs).toMatchObject({ conclusion: 'success', result: 'Wrote notes/fix.md.', 'num-turns': '3', backend: 'docker' })
      expect(outputs['session-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect(Number(outputs['cost-usd'])).toBeGreaterThan(0)
      expect(Number(outputs['input-tokens'])).toBe(300)
      expect(Number(outputs['output-tokens'])).toBe(60)
      const tdir = outputs['transcript-dir']!
      expect(fs.readdirSync(tdir).sort()).toEqual(expect.arrayContaining(['stream.jsonl', 'stderr.log', 'outputs.json', 'system-prompt.txt', 'claude-config']))
      const sessions = fs.readdirSync(path.join(tdir, 'claude-config', 'projects'), { recursive: true }).map(String)
      expect(sessions).toContainEqual(expect.stringContaining(`${outputs['session-id']}.jsonl`))
      expect(log).toContain(`▸ Write: ${path.join(ws, 'notes', 'fix.md')}`)
      expect(log).toContain('▸ Bash: env > guest-env.txt')

      // the agent's files, owned by the workspace owner, written by that uid
      const written = path.join(ws, 'notes', 'fix.md')
      expect(fs.readFileSync(written, 'utf8')).toBe('fixed by the agent\n')
      expect(fs.statSync(written).uid).toBe(WS_UID)
      expect(fs.readFileSync(path.join(ws, 'whoami.txt'), 'utf8').trim()).toBe(String(WS_UID))

      // every request reaching the API carried the real key; the guest only ever had the placeholder
      const conv = api.conversation()
      expect(conv.length).toBe(3)
      for (const r of api.requests) expect(r.headers['x-api-key']).toBe(REAL_KEY)
      const guestEnv = fs.readFileSync(path.join(ws, 'guest-env.txt'), 'utf8')
      expect(guestEnv).toMatch(/^ANTHROPIC_API_KEY=bot-bottle-placeholder-[0-9a-f]+$/m)
      expect(guestEnv).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/bot-bottle-gateway:\d+$/m) // through the relay: the default wiring
      expect(guestEnv).not.toContain(KEY_TAIL)
      expect(guestEnv).not.toMatch(/GITHUB_|RUNNER_|INPUT_/)
      expect(fs.readFileSync(path.join(ws, 'key-hits.txt'), 'utf8')).toBe('')
      expect(grepFiles(tdir, KEY_TAIL)).toEqual([])
      expect(grepFiles(ws, KEY_TAIL)).toEqual([])
      expect(log).not.toContain(KEY_TAIL)

      // system prompt and skills reached claude
      const body = JSON.stringify(conv[0]!.body)
      expect(body).toContain('SYSTEM-MARKER-17')
      expect(body).toContain('SKILL-MARKER-42')

      // nothing left behind: the main step removed it all (post found nothing to sweep)
      expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
      expect(leftovers(slugOf(tdir))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('reuses the cached claude binary on a second run (no download)', async () => {
    const before = suite.registry.tarballDownloads()
    expect(before).toBeGreaterThanOrEqual(1) // the first test downloaded it into this tool cache
    const ws = makeWorkspace(path.join(suite.dir, 'second'), WS_UID)
    const api = await startAnthropicDouble({ turns: [{ text: 'Nothing to do.' }] }, { expectedKey: REAL_KEY })
    try {
      const { main, outputs } = await runAction({
        inputs: inputs(api, ws, { prompt: 'Check' }),
        runnerTemp: path.join(suite.dir, 'rt-second'),
        toolCache: suite.toolCache
      })
      expect(main.code).toBe(0)
      expect(outputs['conclusion']).toBe('success')
      expect(main.stdout).toContain('Claude Code 2.1.332 (linux-x64) from the tool cache')
      expect(suite.registry.tarballDownloads()).toBe(before)
    } finally {
      await api.close()
    }
  })

  it("concludes 'max-turns' and fails the step when claude hits --max-turns", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'maxturns'), WS_UID)
    const api = await startAnthropicDouble(
      {
        turns: [
          { tool_use: { name: 'Bash', input: { command: 'echo one', description: 'one' } } },
          { tool_use: { name: 'Bash', input: { command: 'echo two', description: 'two' } } },
          { text: 'never reached' }
        ]
      },
      { expectedKey: REAL_KEY }
    )
    try {
      const { main, post, outputs } = await runAction({
        inputs: inputs(api, ws, { prompt: 'Loop', 'max-turns': '1' }),
        runnerTemp: path.join(suite.dir, 'rt-max'),
        toolCache: suite.toolCache
      })
      expect(main.code).toBe(1)
      expect(main.stdout.split('\n').filter(l => l.startsWith('::error::'))).toEqual([
        "::error::claude run concluded 'max-turns': claude used up max-turns after 2 turns; raise max-turns or narrow the task"
      ])
      expect(outputs['conclusion']).toBe('max-turns')
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
      expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('fails on bad input with one error line naming it, and starts nothing', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'badinput'), WS_UID)
    const runId = `badinput${crypto.randomBytes(4).toString('hex')}` // this run's own: other test files' runs do not count
    const { main, post, outputs } = await runAction({
      inputs: { prompt: 'x', 'anthropic-api-key': REAL_KEY, workspace: ws, 'max-turns': 'many', 'npm-registry': suite.registry.url },
      runnerTemp: path.join(suite.dir, 'rt-bad'),
      toolCache: suite.toolCache,
      env: { GITHUB_RUN_ID: runId }
    })
    expect(main.code).toBe(1)
    const errors = main.stdout.split('\n').filter(l => l.startsWith('::error::'))
    expect(errors).toEqual(["::error::Input 'max-turns': invalid value (got 'many'). Expected a whole number of turns, 1 or more"])
    expect(outputs['conclusion']).toBe('error')
    expect(fs.existsSync(path.join(suite.dir, 'rt-bad', 'bot-bottle'))).toBe(false)
    expect(objectsOfRunId(runId)).toEqual([])
    expect(post.stdout).toContain('bot-bottle post: the main step started nothing')
    expect(visibleLog(main.stdout, main.stderr)).not.toContain(KEY_TAIL)
    expect(main.stdout).toContain(`::add-mask::${REAL_KEY}`)
  })
})
