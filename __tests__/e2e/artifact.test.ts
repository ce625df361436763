/**
 * The run's record, always: the post step uploads the redacted transcripts and report.html
 * to an artifact service double speaking the results-service protocol, after success,
 * max-turns, a killed claude and an interrupted main step; honours upload-transcripts; and
 * keeps local files with a warning where the service is unavailable.
 */
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { readZip } from '../../test/harness/zip.mjs'
import { artifactService, e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog, whenClaudeIsMidRun, type MidRun } from './helpers.js'

const KEY = `sk-ant-api03-${crypto.randomBytes(24).toString('base64url')}`
const GH_TOKEN = `ghp_${crypto.randomBytes(27).toString('hex').slice(0, 36)}`
const AWS = 'AKIAQWERTYUIOPASDFGH'
/** an env value with no token shape the redactor knows: only its being an `env` value makes it secret */
const PLAIN = 'plain-setting-value-4c1d9e'

/** Every way a planted secret could still show in a file. */
function leaks(text: string): string[] {
  const needles = [KEY, Buffer.from(KEY).toString('base64').replace(/=+$/, ''), encodeURIComponent(KEY), GH_TOKEN, AWS, PLAIN]
  const found = needles.filter(n => text.includes(n))
  if (/sk-ant-api03-[A-Za-z0-9_-]{20,}/.test(text)) found.push('anthropic key shape')
  if (/ghp_[A-Za-z0-9]{36}/.test(text)) found.push('github token shape')
  return found
}

describe('transcripts as artifacts', () => {
  const suite = e2eSuite('e2e-artifact')
  const artifacts = artifactService()
  const runnerEnv = artifacts.runnerEnv
  let n = 0

  type Turns = Parameters<typeof startAnthropicDouble>[0]['turns']
  async function run(
    turns: Turns,
    inputs: Record<string, string> = {},
    opts: {
      env?: Record<string, string>
      onMainSpawn?: Parameters<typeof runAction>[0]['onMainSpawn']
      api?: Awaited<ReturnType<typeof startAnthropicDouble>>
    } = {}
  ) {
    const name = `case-${++n}`
    const ws = makeWorkspace(path.join(suite.dir, name), 1001)
    const api = opts.api ?? (await startAnthropicDouble({ turns }, { expectedKey: KEY }))
    try {
      const r = await runAction({
        inputs: {
          prompt: `Fix it. (pasted by mistake: ${KEY})`,
          ...suite.inputs(api, ws, KEY),
          'artifact-name': `transcripts-${name}`,
          env: `DEPLOY_TOKEN=${GH_TOKEN}\nDEPLOY_SETTING=${PLAIN}\nDEBUG=true`,
          ...inputs
        },
        runnerTemp: path.join(suite.dir, `rt-${name}`),
        toolCache: suite.toolCache,
        env: runnerEnv(opts.env),
        onMainSpawn: opts.onMainSpawn ? child => opts.onMainSpawn!(child) : undefined
      })
      return { ...r, name: `transcripts-${name}`, ws, api }
    } finally {
      if (!opts.api) await api.close()
    }
  }

  it('uploads a complete, redacted record after a successful run, with report and job summary', async () => {
    const r = await run([
      {
        tool_use: {
          name: 'Bash',
          input: {
            command: `echo "token: $DEPLOY_TOKEN"; echo "setting: $DEPLOY_SETTING" | tee /tmp/setting.txt; echo "debug: $DEBUG"; echo ${AWS}; echo '<script>alert(1)</script>'`,
            description: 'print secrets'
          }
        }
      },
      { text: `Done. The key was ${KEY}` }
    ])
    expect({ code: r.main.code, log: visibleLog(r.main.stdout) }).toMatchObject({ code: 0 })
    expect(r.post.code).toBe(0)
    const art = artifacts.service.artifacts().get(r.name)
    expect(art).toBeDefined()
    expect(r.outputs['artifact-id']).toBe(String(art!.id))
    expect(r.outputs['artifact-url']).toBe(`https://github.com/acme/widgets/actions/runs/4242/artifacts/${art!.id}`)
    const files = readZip(art!.zip)
    const names = [...files.keys()].sort()
    expect(names).toEqual(expect.arrayContaining(['outputs.json', 'report.html', 'stderr.log', 'stream.jsonl']))
    expect(names.filter(f => f.startsWith('sessions/') && f.endsWith('.jsonl')).length).toBeGreaterThanOrEqual(1)
    for (const [f, body] of files) expect({ file: f, leaks: leaks(body.toString('utf8')) }).toEqual({ file: f, leaks: [] })
    const stream = files.get('stream.jsonl')!.toString('utf8')
    expect(stream).toContain('[REDACTED:secret]') // the env value the agent printed
    // an env value with no known token shape reached the agent, and no record, log or summary
    // (outside the workspace: a workspace file holding it would be refused by the workspace door)
    expect(stream).toContain('setting: [REDACTED:secret]')
    expect(r.main.stdout).toContain(`::add-mask::${PLAIN}`)
    expect(stream).toContain('debug: true') // short values are settings, not masked
    expect(stream).toContain('[REDACTED:aws-access-key]')
    expect(stream.split('\n').filter(Boolean).length).toBe(
      fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'stream.jsonl'), 'utf8').split('\n').filter(Boolean).length
    )
    const report = files.get('report.html')!.toString('utf8')
    expect(report).not.toMatch(/<script>alert/)
    expect(report).not.toMatch(/src=["']?https?:|href=["']?https?:/)
    // the job summary says what happened, with the link; it and the log carry no secret either
    expect(r.summary).toContain('### bot-bottle: success')
    expect(r.summary).toContain('| turns | 2 |')
    expect(r.summary).toMatch(/\| Bash \| 1 \|/)
    expect(r.summary).toContain(`[artifact](${r.outputs['artifact-url']})`)
    expect(r.summary).toContain('Done. The key was [REDACTED:secret]')
    expect(leaks(r.summary)).toEqual([])
    expect(r.outputs['result']).toBe('Done. The key was [REDACTED:secret]')
    expect(leaks(visibleLog(r.post.stdout, r.main.stdout))).toEqual([])
    expect(r.post.stdout).toMatch(/Transcripts uploaded as artifact 'transcripts-case-1' \(id \d+, \d+ bytes, \d+ ms\)/)
  })

  it("the runner's own cloud credentials the model writes are redacted from the uploaded record, as from the main step's log", async () => {
    // no shape the redactor knows (no AKIA…, no name beside them): only knowing the runner's values catches them
    const awsSecret = crypto.randomBytes(30).toString('base64')
    const awsSession = `IQoJb3JpZ2lu${crypto.randomBytes(120).toString('base64')}`
    const cloud = [awsSecret, awsSession]
    const r = await run(
      [
        { tool_use: { name: 'Bash', input: { command: `echo ${awsSecret} ${awsSession}`, description: 'print what it was told' } } },
        { text: `The runner's credentials: ${awsSecret} and ${awsSession}` }
      ],
      {},
      { env: { AWS_SECRET_ACCESS_KEY: awsSecret, AWS_SESSION_TOKEN: awsSession } }
    )
    expect(r.main.code).toBe(0)
    expect(r.post.code).toBe(0)
    const files = readZip(artifacts.service.artifacts().get(r.name)!.zip)
    const names = [...files.keys()]
    expect(names).toEqual(expect.arrayContaining(['stream.jsonl', 'report.html']))
    expect(names.some(f => f.startsWith('sessions/') && f.endsWith('.jsonl'))).toBe(true)
    for (const [f, body] of files) expect({ file: f, found: cloud.filter(c => body.includes(c)) }).toEqual({ file: f, found: [] })
    expect(files.get('stream.jsonl')!.toString('utf8')).toContain("The runner's credentials: [REDACTED:secret] and [REDACTED:secret]")
    expect(cloud.filter(c => visibleLog(r.main.stdout, r.post.stdout).includes(c) || r.summary.includes(c))).toEqual([])
  })

  it("uploads after max-turns; 'on-failure' skips a success; 'never' never uploads", async () => {
    const loop = [{ tool_use: { name: 'Bash', input: { command: 'echo 1' } } }, { tool_use: { name: 'Bash', input: { command: 'echo 2' } } }, { text: 'x' }]
    const failed = await run(loop, { 'max-turns': '1', 'upload-transcripts': 'on-failure' })
    expect(failed.outputs['conclusion']).toBe('max-turns')
    expect(artifacts.service.artifacts().has(failed.name)).toBe(true)
    expect(readZip(artifacts.service.artifacts().get(failed.name)!.zip).get('outputs.json')!.toString()).toContain('"conclusion": "max-turns"')

    const ok = await run([{ text: 'fine' }], { 'upload-transcripts': 'on-failure' })
    expect(ok.outputs['conclusion']).toBe('success')
    expect(artifacts.service.artifacts().has(ok.name)).toBe(false)
    expect(ok.post.stdout).toContain('Transcripts not uploaded (upload-transcripts: on-failure, conclusion: success)')

    const never = await run(loop, { 'max-turns': '1', 'upload-transcripts': 'never' })
    expect(artifacts.service.artifacts().has(never.name)).toBe(false)
    expect(fs.existsSync(path.join(never.outputs['transcript-dir']!, 'artifact', 'report.html'))).toBe(true)
  })

  it('uploads what there is when claude is killed mid-run', async () => {
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: 'echo before-the-kill' } } }, { hang: true }] },
      { expectedKey: KEY }
    )
    try {
      let midRun: MidRun | undefined
      const r = await run(
        [],
        {},
        {
          api,
          onMainSpawn: child =>
            (midRun = whenClaudeIsMidRun({ conversation: () => api.conversation().slice(1) }, child, () => {
              // kill claude inside the bottle (as the OOM killer would), not the action
              const slug = fs.readdirSync(path.join(suite.dir, `rt-case-${n}`, 'bot-bottle'))[0]!
              const top = execFileSync('docker', ['top', slug, '-eo', 'pid,args'], { encoding: 'utf8' })
              const pid = top
                .split('\n')
                .find(l => / -p /.test(l) && l.includes('/claude'))
                ?.trim()
                .split(/\s+/)[0]
              if (!pid) throw new Error(`claude not found in the bottle:\n${top}`)
              process.kill(Number(pid), 'SIGKILL')
            }))
        }
      )
      midRun!.check()
      expect(r.outputs['conclusion']).toBe('error')
      expect(r.main.code).toBe(1)
      const files = readZip(artifacts.service.artifacts().get(r.name)!.zip)
      expect(files.get('stream.jsonl')!.toString()).toContain('before-the-kill')
      expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('uploads after the main step is interrupted (SIGINT, then SIGTERM, as a cancellation)', async () => {
    const api = await startAnthropicDouble({ turns: [{ hang: true }] }, { expectedKey: KEY })
    try {
      let midRun: MidRun | undefined
      const r = await run(
        [],
        {},
        {
          api,
          onMainSpawn: child =>
            (midRun = whenClaudeIsMidRun(api, child, () => {
              child.kill('SIGINT')
              setTimeout(() => child.kill('SIGTERM'), 200)
            }))
        }
      )
      midRun!.check()
      expect(r.main.code).not.toBe(0)
      expect(r.post.code).toBe(0)
      const art = artifacts.service.artifacts().get(r.name)
      expect(art).toBeDefined()
      const files = readZip(art!.zip)
      expect(files.has('report.html')).toBe(true)
      expect(files.has('stream.jsonl')).toBe(true)
      for (const [f, body] of files) expect({ file: f, leaks: leaks(body.toString('utf8')) }).toEqual({ file: f, leaks: [] })
      expect(leftovers(slugOf(JSON.parse(r.state['bottle']!).stateDir))).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('on GHES (or without the runtime token) warns once and keeps the local files', async () => {
    const before = artifacts.service.requests.length
    const ghes = await run([{ text: 'ok' }], {}, { env: { GITHUB_SERVER_URL: 'https://ghes.example.test' } })
    expect(ghes.post.code).toBe(0)
    const warnings = ghes.post.stdout.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^::warning::Transcripts not uploaded: @actions\/artifact does not support GitHub Enterprise Server.*ghes\.example\.test.*kept in .*artifact/
      )
    ])
    expect(fs.existsSync(path.join(ghes.outputs['transcript-dir']!, 'artifact', 'stream.jsonl'))).toBe(true)
    const local = await run([{ text: 'ok' }], {}, { env: { ACTIONS_RUNTIME_TOKEN: '' } })
    expect(local.post.stdout).toMatch(/::warning::Transcripts not uploaded: the artifact service is not available/)
    expect(artifacts.service.requests.length).toBe(before)
  })

  it('rejects a bad artifact name before anything starts', async () => {
    const r = await run([{ text: 'ok' }], { 'artifact-name': 'bad/name' })
    expect(r.main.code).toBe(1)
    expect(r.main.stdout).toContain(`::error::Input 'artifact-name': invalid value (got 'bad/name'). Use a name without`)
    expect(r.outputs['transcript-dir']).toBe('')
  })
})
