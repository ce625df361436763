/**
 * How a run ends when it does not end well: timeout, cancellation, and the edges of the
 * contract (root-owned workspace, OAuth token, a missing image).
 */
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, leftovers, MAIN_LEFT_NOTHING, makeWorkspace, slugOf, visibleLog, whenClaudeIsMidRun } from './helpers.js'

// A registry on a loopback port nobody serves: the pull fails without leaving this machine.
const ABSENT_IMAGE = '127.0.0.1:1/bot-bottle-absent:never'
const KEY = 'sk-ant-api03-lifecycle-0123456789abcdef'

describe('bottle lifecycle', () => {
  const suite = e2eSuite('e2e-lifecycle')
  const base = (api: { url: string }, ws: string) => ({ prompt: 'Do the thing', ...suite.inputs(api, ws, KEY) })

  it("stops claude at timeout-minutes, concludes 'timeout' and leaves nothing running", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'timeout'), 1001)
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    try {
      const started = Date.now()
      const { main, post, outputs } = await runAction({
        inputs: { ...base(api, ws), 'timeout-minutes': '0.1' },
        runnerTemp: path.join(suite.dir, 'rt-timeout'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(main.stdout, main.stderr)
      expect(main.code).toBe(1)
      expect(outputs['conclusion']).toBe('timeout')
      expect(log.split('\n').filter(l => l.startsWith('::error::'))).toEqual([
        "::error::claude run concluded 'timeout': claude did not finish within timeout-minutes (0.1)"
      ])
      expect(Date.now() - started).toBeLessThan(120_000) // timed out, not waited for the test's own limit
      // claude's run as the host timed it: the 6 s deadline, plus the stop's grace (TERM, then KILL 5 s later), and no
      // more: a deadline not honoured runs on to the backend's backstop (timeout-minutes + 30 s = 36 s) or the hang's end
      const claudeMs = Number(outputs['duration-ms'])
      expect(claudeMs).toBeGreaterThanOrEqual(5_900) // (a timer may fire a little early)
      expect(claudeMs).toBeLessThan(20_000)
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
      expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('on cancellation (SIGINT, then SIGTERM 7.5 s later, as the runner sends) concludes cancelled and the main step tears everything down', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'cancel'), 1001)
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    let mid: ReturnType<typeof whenClaudeIsMidRun> | undefined
    try {
      const { main, post, outputs, state } = await runAction({
        inputs: base(api, ws),
        runnerTemp: path.join(suite.dir, 'rt-cancel'),
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          mid = whenClaudeIsMidRun(api, child, () => {
            child.kill('SIGINT')
            setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'), 7_500).unref()
          })
        }
      })
      mid!.check()
      expect(main.code).toBe(1)
      expect(main.stdout).toMatch(/Received SIGINT: stopping claude and tearing the bottle down/)
      expect(main.stdout).toMatch(/::error::claude run concluded 'cancelled': the run was cancelled/)
      expect(outputs['conclusion']).toBe('cancelled')
      // main tore everything down itself (at the latest on the runner's SIGTERM), so the post step's sweep finds nothing left
      expect(JSON.parse(state['bottle']!)).toMatchObject({ backend: 'docker', slug: slugOf(outputs['transcript-dir']!), stateDir: outputs['transcript-dir'] })
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
      expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('when the main step is killed outright, the post step removes the bottle and network from the saved state', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'killed'), 1001)
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    try {
      let slug = ''
      let upMidRun = -1
      let mid: ReturnType<typeof whenClaudeIsMidRun> | undefined
      const { main, post, state } = await runAction({
        inputs: base(api, ws),
        runnerTemp: path.join(suite.dir, 'rt-killed'),
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          mid = whenClaudeIsMidRun(api, child, () => {
            slug = fs.readdirSync(path.join(suite.dir, 'rt-killed', 'bot-bottle'))[0]!
            upMidRun = leftovers(slug).length
            child.kill('SIGKILL') // no handler runs: as when the runner kills the process tree
          })
        }
      })
      mid!.check()
      expect(upMidRun).toBe(3) // the bottle, its relay and its network were up
      expect(main.code).toBeNull()
      expect(JSON.parse(state['bottle']!)).toMatchObject({ backend: 'docker', slug, bottleName: slug, networkName: `${slug}-net` })
      expect(post.code).toBe(0)
      expect(post.stdout).toMatch(
        new RegExp(
          `bot-bottle post: removed (container ${slug}, container ${slug}-net-relay|container ${slug}-net-relay, container ${slug}), network ${slug}-net; transcripts kept in`
        )
      )
      expect(leftovers(slug)).toEqual([])
    } finally {
      await api.close()
    }
  })

  it("a run reaps what a SIGKILLed run (no post step) left on the engine, and never a live run's", async () => {
    const killedApi = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    const liveApi = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    const api = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    const slugIn = (rt: string) => fs.readdirSync(path.join(suite.dir, rt, 'bot-bottle'))[0]!
    try {
      // run 1: killed mid-run, and no post step runs (a runner that died)
      let killedMid: ReturnType<typeof whenClaudeIsMidRun> | undefined
      const killed = await runAction({
        inputs: base(killedApi, makeWorkspace(path.join(suite.dir, 'reap-killed'), 1001)),
        runnerTemp: path.join(suite.dir, 'rt-reap-killed'),
        toolCache: suite.toolCache,
        skipPost: true,
        onMainSpawn: child => void (killedMid = whenClaudeIsMidRun(killedApi, child, () => child.kill('SIGKILL')))
      })
      killedMid!.check()
      expect(killed.main.code).toBeNull()
      const killedSlug = slugIn('rt-reap-killed')
      expect(leftovers(killedSlug).length).toBe(3) // its bottle, relay and network outlived it
      // and its copy-in stage in memory (/dev/shm)
      const killedStage = path.dirname(fs.readlinkSync(path.join(suite.dir, 'rt-reap-killed', 'bot-bottle', killedSlug, 'workspace-in')))
      expect(fs.existsSync(killedStage)).toBe(true)
      // run 2: alive (mid-run) while run 3 starts
      let stopLive: () => void = () => undefined
      const liveMidRun = new Promise<void>(resolve => (stopLive = resolve))
      let liveChild: import('node:child_process').ChildProcess | undefined
      const live = runAction({
        inputs: base(liveApi, makeWorkspace(path.join(suite.dir, 'reap-live'), 1001)),
        runnerTemp: path.join(suite.dir, 'rt-reap-live'),
        toolCache: suite.toolCache,
        onMainSpawn: child => {
          liveChild = child
          whenClaudeIsMidRun(liveApi, child, () => stopLive())
        }
      })
      await liveMidRun
      const liveSlug = slugIn('rt-reap-live')
      // run 3
      const third = await runAction({
        inputs: base(api, makeWorkspace(path.join(suite.dir, 'reap-third'), 1001)),
        runnerTemp: path.join(suite.dir, 'rt-reap-third'),
        toolCache: suite.toolCache
      })
      expect(third.main.code).toBe(0)
      // the next run to start (run 2) reaped run 1's; run 3 left run 2 alone while it ran
      expect(leftovers(killedSlug)).toEqual([])
      expect(fs.existsSync(killedStage)).toBe(false)
      const liveStage = path.dirname(fs.readlinkSync(path.join(suite.dir, 'rt-reap-live', 'bot-bottle', liveSlug, 'workspace-in')))
      expect(fs.existsSync(liveStage)).toBe(true)
      expect(third.main.stdout).not.toContain(liveSlug)
      const liveLeft = leftovers(liveSlug).length
      liveChild!.kill('SIGINT') // the live run ends as a cancelled run does
      const ended = await live
      expect(liveLeft).toBe(3) // untouched while it ran
      expect(ended.main.stdout).toMatch(
        new RegExp(`Reaped what run ${killedSlug} left \\(its step was killed without a post step\\): .*container ${killedSlug}.*network ${killedSlug}-net`)
      )
      expect(ended.outputs['conclusion']).toBe('cancelled')
      expect(leftovers(liveSlug)).toEqual([])
      expect(fs.existsSync(liveStage)).toBe(false)
    } finally {
      await Promise.all([killedApi.close(), liveApi.close(), api.close()])
    }
  })

  it('a rejected key and an unreachable API end the run in seconds, naming the input to fix (claude alone retries for minutes)', async () => {
    const api = await startAnthropicDouble({ turns: [{ text: 'never' }] }, { expectedKey: 'sk-ant-api03-the-right-key-0123456789' })
    try {
      const started = Date.now()
      const rejected = await runAction({
        inputs: base(api, makeWorkspace(path.join(suite.dir, 'auth'), 1001)),
        runnerTemp: path.join(suite.dir, 'rt-auth'),
        toolCache: suite.toolCache
      })
      const rejectedAfter = Date.now() - started
      expect(rejected.outputs['conclusion']).toBe('auth-error')
      expect(
        visibleLog(rejected.main.stdout)
          .split('\n')
          .filter(l => l.startsWith('::error::'))
      ).toEqual([
        "::error::claude run concluded 'auth-error': Input 'anthropic-api-key': the model API refused this credential (the API answered 401: invalid x-api-key). Check the secret and what it is allowed to do"
      ])
      expect(rejectedAfter).toBeLessThan(60_000) // claude's own retries take about 190 s
      expect(leftovers(slugOf(rejected.outputs['transcript-dir']!))).toEqual([])

      const closed = await new Promise<number>(resolve => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
          const port = (s.address() as AddressInfo).port
          s.close(() => resolve(port))
        })
      })
      const t = Date.now()
      const unreachable = await runAction({
        inputs: { ...base(api, makeWorkspace(path.join(suite.dir, 'unreachable'), 1001)), 'anthropic-base-url': `http://127.0.0.1:${closed}` },
        runnerTemp: path.join(suite.dir, 'rt-unreachable'),
        toolCache: suite.toolCache
      })
      expect(unreachable.outputs['conclusion']).toBe('api-unreachable')
      expect(visibleLog(unreachable.main.stdout)).toMatch(
        new RegExp(
          `::error::claude run concluded 'api-unreachable': Input 'anthropic-base-url': http://127\\.0\\.0\\.1:${closed} cannot be reached: \\d+ attempt\\(s\\) in \\d+ s failed \\(connect ECONNREFUSED`
        )
      )
      expect(Date.now() - t).toBeLessThan(60_000)
    } finally {
      await api.close()
    }
  })

  it('runs as uid 1000 when root owns the workspace, on its own copy; what it writes comes back owned as the workspace is', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'rootws'), 0)
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: 'id -u; echo made > made.txt', description: 'try' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const { main, outputs } = await runAction({ inputs: base(api, ws), runnerTemp: path.join(suite.dir, 'rt-root'), toolCache: suite.toolCache })
      expect({ code: main.code, log: visibleLog(main.stdout) }).toMatchObject({ code: 0 })
      expect(main.stdout).toMatch(/agent runs as uid 1000 on its own copy of /)
      const stream = fs.readFileSync(path.join(outputs['transcript-dir']!, 'stream.jsonl'), 'utf8')
      expect(stream).toContain('"stdout":"1000"') // id -u in the bottle
      expect(stream).not.toContain('Permission denied')
      // the agent's file came back through the workspace door: the workspace owner's (root), mode 0644
      expect(main.stdout).toContain('workspace door: 1 change(s) written to the workspace, 0 refused')
      expect(fs.readFileSync(path.join(ws, 'made.txt'), 'utf8')).toBe('made\n')
      const st = fs.lstatSync(path.join(ws, 'made.txt'))
      expect({ file: st.isFile(), mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid }).toEqual({ file: true, mode: '644', uid: 0, gid: 0 })
    } finally {
      await api.close()
    }
  })

  it('forwards an OAuth token as a bearer; the guest holds only the placeholder', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'oauth'), 1001)
    const token = 'sk-ant-oat01-lifecycle-token-abcdef'
    const api = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: token })
    try {
      const inputs: Record<string, string> = { ...base(api, ws), 'anthropic-api-key': '', 'claude-code-oauth-token': token }
      const { main, outputs } = await runAction({ inputs, runnerTemp: path.join(suite.dir, 'rt-oauth'), toolCache: suite.toolCache })
      expect({ code: main.code, out: visibleLog(main.stdout) }).toMatchObject({ code: 0 })
      expect(outputs['conclusion']).toBe('success')
      expect(api.requests.length).toBeGreaterThan(0)
      for (const r of api.requests) expect(r.headers['authorization']).toBe(`Bearer ${token}`)
      expect(visibleLog(main.stdout, main.stderr)).not.toContain(token)
    } finally {
      await api.close()
    }
  })

  it('names a guest image docker cannot find, and leaves no network behind', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'noimage'), 1001)
    const api = await startAnthropicDouble({ turns: [{ text: 'ok' }] })
    try {
      const { main, post, outputs } = await runAction({
        inputs: { ...base(api, ws), image: ABSENT_IMAGE },
        runnerTemp: path.join(suite.dir, 'rt-noimage'),
        toolCache: suite.toolCache
      })
      expect(main.code).toBe(1)
      const errors = main.stdout.split('\n').filter(l => l.startsWith('::error::'))
      expect(errors).toEqual([
        expect.stringMatching(/^::error::docker cannot find or pull the image '127\.0\.0\.1:1\/bot-bottle-absent:never' \(.*\)\. Set the `image` input/)
      ])
      expect(post.code).toBe(0)
      expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
      expect(api.requests).toEqual([])
    } finally {
      await api.close()
    }
  })
})
