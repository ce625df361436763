/**
 * Who may start a run on events anyone can cause (issue 28, item 1), against a GitHub REST double
 * whose every request and answer is checked against GitHub's OpenAPI description: a writer is
 * let in, a reader, a non-collaborator and an unlisted bot are refused with one line naming the
 * account and the permission found, a workflow_run is judged by its upstream actor too, and
 * anything but an answer from GitHub fails closed. Events only writers can cause are not checked.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readTriggerEvent, type TriggerEvent } from '../../src/trigger/event.js'
import { permissionApi } from '../../src/trigger/permission-api.js'
import { checkTrigger, type TriggerPolicy } from '../../src/trigger/trigger-check.js'
import { startGitHubApiDouble } from '../../test/harness/github-api-double.mjs'

const TOKEN = 'ghs_triggerCheckTokenTTTTTTTTTTTTTTTTTTTTT1'
const REPO = 'octo/widgets'
const POLICY: TriggerPolicy = {
  allowedBots: [],
  allowedNonWriteUsers: [],
  onNotAllowed: 'fail',
  eventContext: false,
  eventTextInPrompt: 'warn',
  agentConfigFromBase: 'forks'
}
type Double = Awaited<ReturnType<typeof startGitHubApiDouble>>
let gh: Double

beforeAll(async () => {
  gh = await startGitHubApiDouble({
    token: TOKEN,
    repository: REPO,
    permissions: { alice: 'write', mona: 'maintain', root: 'admin', rita: 'read', tim: 'triage' },
    users: ['stranger']
  })
}, 60_000)
afterAll(() => gh?.close())
afterEach(() => {
  // every request the action made was one of GitHub's operations, every answer one GitHub gives
  expect(gh.problems).toEqual([])
})

const user = (login: string) => ({ login, bot: login.endsWith('[bot]') })
const event = (name: string, actors: string[], upstream: string[] = [], priv = false): TriggerEvent => ({
  name,
  repository: REPO,
  private: priv,
  actors: actors.map(user),
  upstreamActors: upstream.map(user)
})
const api = (token: string | undefined = TOKEN) => permissionApi(gh.url, REPO, token)

describe('the trigger check', () => {
  it.each([
    ['alice', 'write'],
    ['mona', 'maintain'],
    ['root', 'admin']
  ])('%s (%s) may trigger from an issue comment', async (login, role) => {
    expect(await checkTrigger(event('issue_comment', [login]), POLICY, api())).toEqual({ allowed: true, checked: [`${login} (${role})`] })
  })

  it.each([
    ['rita', "permission 'read'"],
    ['tim', "permission 'triage'"],
    ['stranger', "permission 'read'"]
  ])('%s is refused, the permission found named', async (login, found) => {
    expect(await checkTrigger(event('pull_request_target', [login]), POLICY, api())).toEqual({
      allowed: false,
      line: `not allowed: this pull_request_target run was triggered by ${login}, who has ${found} on ${REPO}; write, maintain or admin is needed`
    })
  })

  it('allowed-non-write-users lets in the people it names (or anyone with *), each said; never a bot', async () => {
    const named = { ...POLICY, allowedNonWriteUsers: ['Rita'] }
    expect(await checkTrigger(event('issue_comment', ['rita']), named, api())).toEqual({
      allowed: true,
      checked: ['rita (read, allowed by allowed-non-write-users)']
    })
    expect(await checkTrigger(event('issue_comment', ['tim']), named, api())).toMatchObject({ allowed: false })
    const anyone = { ...POLICY, allowedNonWriteUsers: ['*'] }
    expect(await checkTrigger(event('issues', ['ghost-user', 'tim']), anyone, api())).toEqual({
      allowed: true,
      checked: ['ghost-user (not a collaborator, allowed by allowed-non-write-users)', 'tim (triage, allowed by allowed-non-write-users)']
    })
    expect(await checkTrigger(event('issues', ['evil[bot]']), anyone, api())).toMatchObject({ allowed: false })
  })

  it('an account GitHub does not know is refused as no collaborator', async () => {
    const v = await checkTrigger(event('issues', ['ghost-user']), POLICY, api())
    expect(v).toEqual({
      allowed: false,
      line: `not allowed: this issues run was triggered by ghost-user, who has no permission (not a collaborator) on ${REPO}; write, maintain or admin is needed`
    })
  })

  it('a re-run started by a writer of a run a reader caused is refused (every actor must be allowed)', async () => {
    const v = await checkTrigger(event('issue_comment', ['rita', 'alice']), POLICY, api())
    expect(v.allowed).toBe(false)
  })

  it('a bot is refused unless named; * is refused on a public repository and allowed on a private one', async () => {
    expect(await checkTrigger(event('issue_comment', ['renovate[bot]']), POLICY, api())).toEqual({
      allowed: false,
      line: 'not allowed: this issue_comment run was triggered by renovate[bot], a bot not named in allowed-bots'
    })
    expect(await checkTrigger(event('issue_comment', ['renovate[bot]']), { ...POLICY, allowedBots: ['renovate[bot]'] }, api())).toEqual({
      allowed: true,
      checked: ['renovate[bot] (allowed bot)']
    })
    expect((await checkTrigger(event('issue_comment', ['x[bot]']), { ...POLICY, allowedBots: ['*'] }, api())).allowed).toBe(false)
    expect((await checkTrigger(event('issue_comment', ['x[bot]'], [], true), { ...POLICY, allowedBots: ['*'] }, api())).allowed).toBe(true)
  })

  it('workflow_run: the upstream run’s actor is checked too', async () => {
    expect(await checkTrigger(event('workflow_run', ['alice'], ['rita']), POLICY, api())).toEqual({
      allowed: false,
      line: `not allowed: this workflow_run run was triggered by rita (the actor of the upstream run), who has permission 'read' on ${REPO}; write, maintain or admin is needed`
    })
    expect((await checkTrigger(event('workflow_run', ['alice'], ['mona']), POLICY, api())).allowed).toBe(true)
    expect((await checkTrigger(event('workflow_run', ['alice'], []), POLICY, api())).allowed).toBe(false)
  })

  it('push, schedule and workflow_dispatch need no check: GitHub is not asked', async () => {
    const before = gh.requests.length
    for (const name of ['push', 'schedule', 'workflow_dispatch'])
      expect(await checkTrigger(event(name, ['rita']), POLICY, api())).toEqual({ allowed: true, checked: [] })
    expect(gh.requests.length).toBe(before)
  })

  it('fails closed: no token, a refused token, a rate limit, an unreachable API', async () => {
    await expect(checkTrigger(event('issues', ['alice']), POLICY, permissionApi(gh.url, REPO, undefined))).rejects.toThrow(
      /no github-token was given\. Set 'github-token: \$\{\{ github\.token \}\}'/
    )
    await expect(checkTrigger(event('issues', ['alice']), POLICY, api('ghs_wrong'))).rejects.toThrow(
      'the trigger check: GitHub refused github-token (HTTP 401)'
    )
    const limited = await startGitHubApiDouble({ token: TOKEN, repository: REPO, permissions: { alice: 'write' }, rateLimited: true })
    try {
      await expect(checkTrigger(event('issues', ['alice']), POLICY, permissionApi(limited.url, REPO, TOKEN))).rejects.toThrow(
        'the trigger check: GitHub answered HTTP 403 (API rate limit exceeded for installation ID 4242.)'
      )
      expect(limited.problems).toEqual([])
    } finally {
      await limited.close()
    }
    await expect(checkTrigger(event('issues', ['alice']), POLICY, permissionApi('http://127.0.0.1:9', REPO, TOKEN))).rejects.toThrow(
      /could not reach the GitHub API at http:\/\/127\.0\.0\.1:9/
    )
  })

  it('the requests carried the token as GitHub wants it, to the documented operation', () => {
    const asked = gh.requests.filter(r => r.operationId === 'repos/get-collaborator-permission-level')
    expect(asked.length).toBeGreaterThan(5)
    expect(asked.filter(r => r.authorization === `Bearer ${TOKEN}`).length).toBeGreaterThan(5)
  })
})

describe('the GitHub double checks what it is asked', () => {
  it("records a path that is no operation of GitHub's, and a query parameter the operation does not declare", async () => {
    const d = await startGitHubApiDouble({ token: TOKEN, repository: REPO, permissions: { alice: 'write' } })
    try {
      const get = (p: string) => fetch(`${d.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(r => r.status)
      expect(await get('/repos/octo/widgets/collaborators/alice/permission')).toBe(200)
      expect(await get('/repos/octo/widgets/collaborators/alice/permissions')).toBe(404)
      expect(await get('/repos/octo/widgets/collaborators/alice/permission?role=x')).toBe(200)
      expect(d.problems).toEqual([
        "GET /repos/octo/widgets/collaborators/alice/permissions: no operation of GitHub's REST API",
        'GET /repos/octo/widgets/collaborators/alice/permission: query parameter role is not declared by repos/get-collaborator-permission-level'
      ])
    } finally {
      await d.close()
    }
  })
})

describe('the event as the runner describes it', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-trigger-'))
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))
  const payload = (p: unknown) => {
    fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify(p))
    return path.join(dir, 'event.json')
  }

  it('the sender, GITHUB_ACTOR and GITHUB_TRIGGERING_ACTOR, each once; bots by type or name', () => {
    const e = readTriggerEvent({
      GITHUB_EVENT_NAME: 'issue_comment',
      GITHUB_REPOSITORY: REPO,
      GITHUB_EVENT_PATH: payload({ sender: { login: 'some-app', type: 'Bot' }, repository: { private: false } }),
      GITHUB_ACTOR: 'some-app',
      GITHUB_TRIGGERING_ACTOR: 'Alice'
    })
    expect(e).toEqual({
      name: 'issue_comment',
      repository: REPO,
      private: false,
      actors: [
        { login: 'some-app', bot: true },
        { login: 'Alice', bot: false }
      ],
      upstreamActors: []
    })
  })

  it("workflow_run: the upstream run's actor and triggering actor", () => {
    const e = readTriggerEvent({
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: payload({
        sender: { login: 'alice' },
        workflow_run: { actor: { login: 'outsider' }, triggering_actor: { login: 'dependabot[bot]', type: 'Bot' } },
        repository: { visibility: 'internal' }
      }),
      GITHUB_ACTOR: 'alice'
    })
    expect({ private: e.private, upstream: e.upstreamActors }).toEqual({
      private: true,
      upstream: [
        { login: 'outsider', bot: false },
        { login: 'dependabot[bot]', bot: true }
      ]
    })
  })

  it('a login that is not one is dropped; an unreadable payload leaves the environment’s actors', () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{nope')
    const e = readTriggerEvent({
      GITHUB_EVENT_NAME: 'issues',
      GITHUB_EVENT_PATH: path.join(dir, 'bad.json'),
      GITHUB_ACTOR: 'x/../y',
      GITHUB_TRIGGERING_ACTOR: 'bob'
    })
    expect(e.actors).toEqual([{ login: 'bob', bot: false }])
  })
})
