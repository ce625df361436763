/**
 * Faults a real runner sees, from a real bottle: the disk under RUNNER_TEMP filling up (the agent
 * fills it through claude's stdout, which the host records there), the engine going away mid-run, and two runs on one engine at
 * once. Each ends with one clear error line, no crash, and the record that exists uploaded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startEngineSocketProxy } from '../../test/harness/engine-socket-proxy.mjs'
import { readZip } from '../../test/harness/zip.mjs'
import { artifactService, e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog, whenClaudeIsMidRun } from './helpers.js'

const KEY = 'sk-ant-api03-faults-e2e-0123456789abcdef'

const errorLines = (out: string) =>
  visibleLog(out)
    .split('\n')
    .filter(l => l.startsWith('::error::'))

describe('faults a runner sees', () => {
  const suite = e2eSuite('e2e-faults')
  const artifacts = artifactService()
  const runnerEnv = artifacts.runnerEnv
  const base = (api: { url: string }, ws: string, name: string) => ({ prompt: 'Do the thing', ...suite.inputs(api, ws, KEY), 'artifact-name': name })

  it('the engine going away mid-run ends the run with one line naming the engine; the post step still uploads, the next run reaps', async () => {
    // the engine's socket, through a pass-through that can "go away" as dockerd does when it
    // stops: running connections are cut off and new ones cannot connect
    const engine = await startEngineSocketProxy(path.join(suite.dir, 'engine.sock'))
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    const next = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    let slug = ''
    try {
      let mid: ReturnType<typeof whenClaudeIsMidRun> | undefined
      const r = await runAction({
        inputs: base(api, makeWorkspace(path.join(suite.dir, 'gone'), 1001), 'engine-gone'),
        runnerTemp: path.join(suite.dir, 'rt-gone'),
        toolCache: suite.toolCache,
        env: runnerEnv({ DOCKER_HOST: engine.url }),
        onMainSpawn: child => void (mid = whenClaudeIsMidRun(api, child, () => engine.cut()))
      })
      mid!.check()
      slug = slugOf(r.outputs['transcript-dir']!)
      expect(r.main.code).toBe(1)
      expect(errorLines(r.main.stdout)).toEqual([
        "::error::claude run concluded 'error': The docker engine stopped answering during the run (docker: the docker daemon is unreachable (start dockerd, or set DOCKER_HOST to a running engine)). What was recorded until then is uploaded by the post step; the bottle's leftovers are removed by the post step or, if the engine is still down then, by the next run once it is back"
      ])
      expect(r.main.stderr).not.toMatch(/Unhandled|node:internal/)
      expect(r.outputs['conclusion']).toBe('error')
      expect(r.post.code).toBe(0)
      const files = readZip(artifacts.service.artifacts().get('engine-gone')!.zip)
      expect([...files.keys()]).toEqual(expect.arrayContaining(['stream.jsonl', 'report.html', 'model.jsonl']))
      // the engine is back (the real socket): what the cut-off run left is there until the next run reaps it
      expect(leftovers(slug).length).toBe(3)
      const after = await runAction({
        inputs: base(next, makeWorkspace(path.join(suite.dir, 'after'), 1001), 'after'),
        runnerTemp: path.join(suite.dir, 'rt-after'),
        toolCache: suite.toolCache,
        env: runnerEnv()
      })
      expect(after.main.code).toBe(0)
      expect(after.main.stdout).toContain(`Reaped what run ${slug} left`)
      expect(leftovers(slug)).toEqual([])
    } finally {
      engine.close()
      // best effort: a failure here must not hide the test's own
      if (slug)
        for (const o of leftovers(slug))
          spawnSync('docker', o.startsWith('container ') ? ['rm', '-f', o.slice(10)] : ['network', 'rm', o.slice(8)], { stdio: 'ignore' })
      await Promise.all([api.close(), next.close()])
    }
  })

  it('two runs at once on one engine stay apart: own bottle, network, daemons and ports; each record only its own', async () => {
    const marks = ['MARK-ALPHA-7c1e', 'MARK-BRAVO-93fd']
    const apis = await Promise.all(
      marks.map(m =>
        startAnthropicDouble(
          { turns: [{ tool_use: { name: 'Bash', input: { command: `echo ${m} | tee mark.txt`, description: 'mark' } } }, { text: `done ${m}` }] },
          { expectedKey: KEY }
        )
      )
    )
    try {
      const runs = await Promise.all(
        marks.map((_m, i) =>
          runAction({
            inputs: base(apis[i]!, makeWorkspace(path.join(suite.dir, `both-${i}`), 1001), `both-${i}`),
            runnerTemp: path.join(suite.dir, `rt-both-${i}`),
            toolCache: suite.toolCache,
            env: runnerEnv()
          })
        )
      )
      const slugs = runs.map(r => slugOf(r.outputs['transcript-dir']!))
      expect(new Set(slugs).size).toBe(2)
      const ports = runs.map(r => /Model proxy listening on (\S+)/.exec(r.main.stdout)?.[1])
      const egress = runs.map(r => /Egress proxy listening on (\S+)/.exec(r.main.stdout)?.[1])
      for (const [i, r] of runs.entries()) {
        expect({ i, code: r.main.code, conclusion: r.outputs['conclusion'], result: r.outputs['result'] }).toEqual({
          i,
          code: 0,
          conclusion: 'success',
          result: `done ${marks[i]}`
        })
        const other = marks[1 - i]!
        const zip = readZip(artifacts.service.artifacts().get(`both-${i}`)!.zip)
        for (const f of ['stream.jsonl', 'report.html', 'sessions/001.jsonl']) {
          const body = zip.get(f)!.toString()
          expect({ f, own: body.includes(marks[i]!), other: body.includes(other) }).toEqual({ f, own: true, other: false })
        }
        expect(
          apis[i]!.conversation()
            .map(c => JSON.stringify(c))
            .join('\n')
        ).not.toContain(other)
        expect(leftovers(slugs[i]!)).toEqual([])
      }
      expect(new Set(ports).size).toBe(2)
      expect(new Set(egress).size).toBe(2)
    } finally {
      await Promise.all(apis.map(a => a.close()))
    }
  })
  it('a full disk under RUNNER_TEMP: before the run, one line naming it; mid-run, claude is stopped; nothing crashes and the record is uploaded', async () => {
    const rt = path.join(suite.dir, 'rt-full')
    fs.mkdirSync(rt, { recursive: true })
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'bb-full-disk', rt])
    } catch (err) {
      throw new Error(`mounting a small tmpfs as RUNNER_TEMP needs root (CI runs as root): ${String(err)}`)
    }
    // the agent fills the disk the host's record lives on, writing 1 MiB lines into claude's stdout (the
    // host records each in stream.jsonl); then claude's next answer is never served
    const FIND_CLAUDE = `C=; for p in /proc/[0-9]*; do case "$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)" in */claude' -p '*) C=\${p#/proc/};; esac; done; test -n "$C"`
    const fill = `${FIND_CLAUDE}; for i in $(seq 32); do head -c 1048576 /dev/zero | tr '\\0' a > /proc/$C/fd/1; echo > /proc/$C/fd/1; done; echo filled`
    const api = await startAnthropicDouble(
      {
        turns: [
          {
            tool_use: { name: 'Bash', input: { command: fill, description: 'fill the disk' } }
          },
          { hang: true }
        ]
      },
      { expectedKey: KEY }
    )
    const warm = await startAnthropicDouble({ turns: [{ text: 'ok' }] }, { expectedKey: KEY })
    try {
      // 1. cold tool cache: the claude download lands under RUNNER_TEMP and does not fit
      const cold = await runAction({
        inputs: base(warm, makeWorkspace(path.join(suite.dir, 'cold'), 1001), 'full-cold'),
        runnerTemp: rt,
        toolCache: path.join(suite.dir, 'cold-cache'),
        env: runnerEnv()
      })
      expect(cold.main.code).toBe(1)
      expect(errorLines(cold.main.stdout)).toEqual([
        expect.stringMatching(
          /^::error::Cannot write under RUNNER_TEMP \(.*rt-full\): ENOSPC: no space left on device.*The run stopped before claude ran\. Free space on the runner/
        )
      ])
      expect(leftovers(slugOf(cold.outputs['transcript-dir']!))).toEqual([])
      fs.rmSync(cold.outputs['transcript-dir']!, { recursive: true, force: true })

      // 2. warm tool cache (filled outside the small disk): the agent fills the disk mid-run
      if (!fs.existsSync(suite.toolCache))
        await runAction({
          inputs: base(warm, makeWorkspace(path.join(suite.dir, 'warm'), 1001), 'warm'),
          runnerTemp: path.join(suite.dir, 'rt-warm'),
          toolCache: suite.toolCache,
          env: runnerEnv()
        })
      const started = Date.now()
      const r = await runAction({
        inputs: base(api, makeWorkspace(path.join(suite.dir, 'full'), 1001), 'full-disk'),
        runnerTemp: rt,
        toolCache: suite.toolCache,
        env: runnerEnv()
      })
      const took = Date.now() - started
      expect(r.main.code).toBe(1)
      expect(errorLines(r.main.stdout)).toEqual([
        expect.stringMatching(
          /^::error::claude run concluded 'error': The run's record cannot be written under RUNNER_TEMP \(.*rt-full\): \S+: ENOSPC .*claude was stopped.*Free space on the runner/
        )
      ])
      expect(r.outputs['conclusion']).toBe('error')
      for (const out of [r.main.stderr, r.post.stderr]) expect(out).not.toMatch(/Unhandled|node:internal|^\s+at /m) // no crash, no stack
      expect(took).toBeLessThan(120_000) // stopped, not left hanging until timeout-minutes
      expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])
      // the post step builds the artifact elsewhere and uploads what exists
      expect(r.post.code).toBe(0)
      expect(r.post.stdout).toMatch(/::warning::The disk under the state dir is full \(ENOSPC\): the artifact is built in \S+ instead/)
      const art = artifacts.service.artifacts().get('full-disk')
      expect(art).toBeDefined()
      const files = readZip(art!.zip)
      expect([...files.keys()]).toEqual(expect.arrayContaining(['stream.jsonl', 'report.html', 'sessions.json']))
      expect(files.get('stream.jsonl')!.toString()).toContain('"type":"system"')
    } finally {
      await Promise.all([api.close(), warm.close()])
      execFileSync('umount', ['-l', rt])
    }
  })
})
