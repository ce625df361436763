/**
 * Who may start a run (issue 28, item 1), through the built action: an issue comment by a reader
 * is refused before anything starts (one line naming the account and the permission, conclusion
 * `not-allowed`, no bottle, no record), quietly with `on-not-allowed: skip`, and a writer's comment
 * runs. GitHub is a REST double checked against GitHub's OpenAPI description.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { startGitHubApiDouble } from '../../test/harness/github-api-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { dockerLines, e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-trigger-e2e-0123456789abcdef'
const TOKEN = 'ghs_triggerE2eTokenTTTTTTTTTTTTTTTTTTTTTTTT3'
const REPO = 'octo/widgets'

describe('who may trigger a run', () => {
  const suite = e2eSuite('e2e-trigger')
  let gh: Awaited<ReturnType<typeof startGitHubApiDouble>>
  beforeAll(async () => {
    gh = await startGitHubApiDouble({ token: TOKEN, repository: REPO, permissions: { alice: 'write', rita: 'read' } })
  }, 60_000)
  afterAll(() => gh?.close())
  afterEach(() => expect(gh.problems).toEqual([]))

  async function run(name: string, commenter: string, inputs: Record<string, string> = {}) {
    const dir = path.join(suite.dir, name)
    const ws = path.join(dir, 'workspace')
    fs.mkdirSync(ws, { recursive: true })
    execFileSync('chown', ['1001:1001', ws])
    const eventPath = path.join(dir, 'event.json')
    fs.writeFileSync(
      eventPath,
      JSON.stringify({
        action: 'created',
        comment: { body: 'please fix' },
        sender: { login: commenter, type: 'User' },
        repository: { full_name: REPO, private: false }
      })
    )
    const api = await startAnthropicDouble({ turns: [{ text: 'Done.' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'github-token': TOKEN, ...inputs },
        runnerTemp: path.join(dir, 'rt'),
        toolCache: suite.toolCache,
        env: { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: REPO, GITHUB_ACTOR: commenter, GITHUB_API_URL: gh.url }
      })
      return { ...r, api, log: visibleLog(r.main.stdout, r.main.stderr), rt: path.join(dir, 'rt') }
    } finally {
      await api.close()
    }
  }
  const line = `not allowed: this issue_comment run was triggered by rita, who has permission 'read' on ${REPO}; write, maintain or admin is needed`

  it("a reader's comment is refused before anything starts: one line, conclusion not-allowed, no bottle", async () => {
    const before = dockerLines('ps', '--all', '--format', '{{.Names}}').length
    const r = await run('reader', 'rita')
    const errors = r.main.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'], errors }).toEqual({
      code: 1,
      conclusion: 'not-allowed',
      errors: [`::error::${line}. Nothing was started (on-not-allowed: skip ends such runs quietly)`]
    })
    expect(r.api.requests.length).toBe(0)
    expect(dockerLines('ps', '--all', '--format', '{{.Names}}').length).toBe(before)
    expect(fs.existsSync(path.join(r.rt, 'bot-bottle'))).toBe(false) // no state dir, no record
    expect(r.log).not.toContain(TOKEN)
  }, 300_000)

  it('with on-not-allowed: skip the step succeeds quietly, saying why', async () => {
    const r = await run('reader-skip', 'rita', { 'on-not-allowed': 'skip' })
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'not-allowed' })
    expect(r.main.stdout).toContain(`::notice::${line}. Nothing was started (on-not-allowed: skip)`)
    expect(r.api.requests.length).toBe(0)
  }, 300_000)

  it("a writer's comment runs", async () => {
    const r = await run('writer', 'alice')
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })
    expect(r.log).toContain('trigger: issue_comment by alice (write): allowed')
    expect(gh.requests.some(q => q.path === `/repos/${REPO}/collaborators/alice/permission` && q.authorization === `Bearer ${TOKEN}`)).toBe(true)
  }, 600_000)
})
