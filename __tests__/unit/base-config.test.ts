/**
 * Agent config from the base (issue 28, item 2): which runs are for a pull request from a fork
 * (from the payload, or GitHub's API for a comment on one), the base commit's `.claude/`,
 * `.mcp.json`, `.claude.json`, `CLAUDE.md`, `CLAUDE.local.md` and `.gitmodules` read from the
 * checkout or, when it lacks the base, from GitHub's git API (a REST double checked against
 * GitHub's OpenAPI description, serving a real repository), both the same bytes; the manifest
 * then holds the base's versions, and the door refuses every change under those names.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { applyBaseConfig, apiBaseConfig, BASE_CONFIG_MAX_ENTRIES, type BaseEntry, localBaseConfig } from '../../src/bottle/workspace/base-config.js'
import { readManifest } from '../../src/workspace-door/manifest.js'
import { pullRequestCopyPath } from '../../src/bottle/workspace/pull-request-config-in.js'
import { githubGet } from '../../src/trigger/github-api.js'
import { pullRequestOf } from '../../src/trigger/pull-request.js'
import { refusal } from '../../src/workspace-door/judge.js'
import { startGitHubApiDouble } from '../../test/harness/github-api-double.mjs'

const TOKEN = 'ghs_baseConfigTokenTTTTTTTTTTTTTTTTTTTTTTTT1'
const REPO = 'octo/widgets'
let dir: string
let base: string
let baseSha: string
let gh: Awaited<ReturnType<typeof startGitHubApiDouble>>

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim()
const write = (root: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
  fs.writeFileSync(path.join(root, rel), text)
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'base-config-'))
  base = path.join(dir, 'base')
  git(dir, 'init', '-q', '-b', 'main', base)
  write(base, '.claude/settings.json', '{"permissions":{"allow":["Read"]}}\n')
  write(base, '.claude/commands/review.md', 'Review the change.\n')
  write(base, '.claude/hooks/check.sh', '#!/bin/sh\nexit 0\n')
  fs.chmodSync(path.join(base, '.claude/hooks/check.sh'), 0o755)
  fs.symlinkSync('settings.json', path.join(base, '.claude/linked.json'))
  write(base, 'CLAUDE.md', 'BASE-INSTRUCTIONS: be brief.\n')
  write(base, 'src/CLAUDE.md', 'BASE-NESTED: src rules\n')
  fs.symlinkSync('../README.md', path.join(base, 'AGENTS.md')) // a link out of the agent configuration
  write(base, 'README.md', 'widgets\n')
  git(base, 'add', '.')
  git(base, 'commit', '-qm', 'base')
  baseSha = git(base, 'rev-parse', 'HEAD')
  gh = await startGitHubApiDouble({
    token: TOKEN,
    repository: REPO,
    gitRepo: base,
    pulls: { 9: { baseSha, headRepo: 'fork-owner/widgets' }, 10: { baseSha, headRepo: REPO } }
  })
}, 60_000)
afterAll(async () => {
  await gh?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
afterEach(() => expect(gh.problems).toEqual([]))

const get = () => githubGet(gh.url, TOKEN, 'agent-config-from-base')
const pr = (head: { repo: { full_name: string } | null }) => ({
  pull_request: { number: 9, base: { sha: baseSha, repo: { full_name: REPO } }, head }
})
const shown = (entries: BaseEntry[]) =>
  entries
    .map(e => (e.type === 'file' ? `${e.rel}${e.executable ? '*' : ''}=${e.data.toString()}` : e.type === 'symlink' ? `${e.rel}->${e.target}` : `${e.rel}/`))
    .sort()

describe('which run is for a pull request from a fork', () => {
  it.each(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])('a %s event from a fork is a fork', async name => {
    expect(await pullRequestOf(name, pr({ repo: { full_name: 'fork-owner/widgets' } }), REPO)).toEqual({
      label: 'pull request #9',
      base: baseSha,
      baseRepo: REPO,
      headRepo: 'fork-owner/widgets',
      fromFork: true
    })
  })

  it('a pull_request_target from a fork, from the same repository, from a deleted fork', async () => {
    expect(await pullRequestOf('pull_request_target', pr({ repo: { full_name: 'fork-owner/widgets' } }), REPO)).toMatchObject({ base: baseSha, fromFork: true })
    expect(await pullRequestOf('pull_request', pr({ repo: { full_name: 'Octo/Widgets' } }), REPO)).toMatchObject({ fromFork: false })
    expect(await pullRequestOf('pull_request_review', pr({ repo: null }), REPO)).toMatchObject({ fromFork: true, headRepo: undefined })
  })

  it('a comment on a pull request asks GitHub; a comment on an issue, a push and a schedule are no pull request', async () => {
    const comment = (n: number) => ({ issue: { number: n, pull_request: { url: 'x' } }, comment: { body: 'hi' } })
    expect(await pullRequestOf('issue_comment', comment(9), REPO, get())).toMatchObject({
      label: 'pull request #9',
      base: baseSha,
      fromFork: true,
      headRepo: 'fork-owner/widgets'
    })
    expect(await pullRequestOf('issue_comment', comment(10), REPO, get())).toMatchObject({ fromFork: false })
    expect(gh.requests.filter(r => r.operationId === 'pulls/get').map(r => r.path)).toEqual([9, 10].map(n => `/repos/${REPO}/pulls/${n}`))
    expect(await pullRequestOf('issue_comment', { issue: { number: 3 }, comment: { body: 'hi' } }, REPO, get())).toBeUndefined()
    expect(await pullRequestOf('push', {}, REPO)).toBeUndefined()
    expect(await pullRequestOf('schedule', {}, REPO)).toBeUndefined()
  })

  it('a workflow_run after a fork is a fork (base: the default branch); after a same-repository pull request, that pull request', async () => {
    const repository = { full_name: REPO, default_branch: 'main' }
    expect(
      await pullRequestOf('workflow_run', { workflow_run: { id: 7, head_repository: { full_name: 'evil/x' }, pull_requests: [] }, repository }, REPO)
    ).toEqual({ label: 'the upstream run 7 of this workflow_run', base: 'main', baseRepo: REPO, headRepo: 'evil/x', fromFork: true })
    expect(await pullRequestOf('workflow_run', { workflow_run: { head_repository: { full_name: 'evil/x' } }, repository }, REPO)).toMatchObject({
      label: 'the upstream run of this workflow_run'
    })
    const same = { id: 8, head_repository: { full_name: REPO }, pull_requests: [{ number: 4, base: { sha: baseSha } }] }
    expect(await pullRequestOf('workflow_run', { workflow_run: same, repository }, REPO)).toMatchObject({
      label: 'pull request #4 (the upstream run 8 of this workflow_run)',
      base: baseSha,
      fromFork: false
    })
    expect(await pullRequestOf('workflow_run', { workflow_run: { ...same, pull_requests: [] }, repository }, REPO)).toBeUndefined()
    await expect(pullRequestOf('workflow_run', { workflow_run: {} }, REPO)).rejects.toThrow(
      "agent-config-from-base: the workflow_run event names no upstream head repository and this repository's default branch. " +
        'Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
    )
  })

  it('a base named by a SHA-256 object name is read as well; a head repository with a name GitHub never gives is refused', async () => {
    const sha256 = 'a'.repeat(64)
    const at = (full: string) => ({ pull_request: { number: 9, base: { sha: sha256, repo: { full_name: REPO } }, head: { repo: { full_name: full } } } })
    expect(await pullRequestOf('pull_request_target', at('fork/widgets'), REPO)).toMatchObject({ base: sha256, fromFork: true })
    await expect(pullRequestOf('pull_request_target', at('fork/widgets x'), REPO)).rejects.toThrow('has no readable base commit')
  })

  it('only a comment on a pull request asks GitHub: not an issue event, not a comment on an issue', async () => {
    const asked = gh.requests.length
    const never = (() => {
      throw new Error('asked GitHub')
    }) as unknown as ReturnType<typeof get>
    expect(await pullRequestOf('issues', { issue: { number: 3, pull_request: { url: 'x' } } }, REPO, never)).toBeUndefined()
    expect(await pullRequestOf('issue_comment', { issue: { number: 3, pull_request: null } }, REPO, never)).toBeUndefined()
    expect(await pullRequestOf('issue_comment', { issue: { number: 3 } }, REPO, never)).toBeUndefined()
    await expect(pullRequestOf('issue_comment', { issue: { pull_request: {} } }, REPO, never)).rejects.toThrow(
      'agent-config-from-base: the comment is on a pull request whose number the event does not give. Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
    )
    expect(gh.requests.length).toBe(asked)
  })

  it('a pull request it cannot read is one clear error, never a guess', async () => {
    await expect(pullRequestOf('pull_request_target', {}, REPO)).rejects.toThrow(
      "agent-config-from-base: the pull_request_target event's pull request has no readable base commit and head repository. " +
        'Run the action on the event GitHub sent (GITHUB_EVENT_PATH), or set agent-config-from-base: never'
    )
    await expect(pullRequestOf('pull_request_target', { pull_request: { number: 9 } }, REPO)).rejects.toThrow(
      "agent-config-from-base: the pull_request_target event's pull request has no readable base commit and head repository"
    )
    await expect(pullRequestOf('issue_comment', { issue: { number: 12, pull_request: {} } }, REPO, get())).rejects.toThrow(
      'agent-config-from-base: GitHub did not describe pull request #12 of octo/widgets (its base commit and head repository). ' +
        'Check that github-token can read pull requests (permissions: pull-requests: read); the run did not start'
    )
    await expect(pullRequestOf('issue_comment', { issue: { number: 9, pull_request: {} } }, REPO)).rejects.toThrow(
      "agent-config-from-base: this comment is on pull request #9, whose head and base only GitHub's API can say, and no github-token was given. " +
        "Set 'github-token: ${{ github.token }}' (it stays on the runner), or agent-config-from-base: never"
    )
    await expect(pullRequestOf('issue_comment', { issue: { number: 9, pull_request: {} } }, REPO, githubGet(gh.url, 'wrong', 'x'))).rejects.toThrow(
      'x: GitHub refused github-token (HTTP 401)'
    )
  })
})

describe("the base's agent configuration", () => {
  const expected = [
    '.claude/',
    '.claude/commands/',
    '.claude/commands/review.md=Review the change.\n',
    '.claude/hooks/',
    '.claude/hooks/check.sh*=#!/bin/sh\nexit 0\n',
    '.claude/linked.json->settings.json',
    '.claude/settings.json={"permissions":{"allow":["Read"]}}\n',
    'CLAUDE.md=BASE-INSTRUCTIONS: be brief.\n',
    'src/CLAUDE.md=BASE-NESTED: src rules\n'
  ]

  it('from the checkout when it holds the base commit, from the API when not: the same entries', async () => {
    expect(shown((await localBaseConfig(base, baseSha))!)).toEqual(expected)
    const shallow = path.join(dir, 'shallow')
    git(dir, 'init', '-q', shallow)
    expect(await localBaseConfig(shallow, baseSha)).toBeUndefined()
    expect(shown(await apiBaseConfig(get(), REPO, baseSha))).toEqual(expected)
    expect(gh.requests.filter(r => r.operationId === 'git/get-tree').length).toBe(1) // the whole tree at once
  })

  it("a base tree too large for one answer of GitHub's: the top-level configuration and .claude/ whole, with a warning", async () => {
    const small = await startGitHubApiDouble({ token: TOKEN, repository: REPO, gitRepo: base, treeLimit: 8 })
    try {
      expect(shown(await apiBaseConfig(githubGet(small.url, TOKEN, 'x'), REPO, baseSha))).toEqual(expected.filter(e => !e.startsWith('src/')))
      expect(small.problems).toEqual([])
    } finally {
      await small.close()
    }
  })

  it('a base with none of it gives nothing; a base GitHub does not know is one error', async () => {
    const bare = path.join(dir, 'none')
    git(dir, 'init', '-q', bare)
    write(bare, 'a.txt', 'a')
    git(bare, 'add', '.')
    git(bare, 'commit', '-qm', 'a')
    expect(await localBaseConfig(bare, git(bare, 'rev-parse', 'HEAD'))).toEqual([])
    await expect(apiBaseConfig(get(), REPO, 'f'.repeat(40))).rejects.toThrow(
      `agent-config-from-base: GitHub did not give the tree of ${REPO} at the base commit ffffffffffff`
    )
  })

  it('a submodule in the configuration is left out (a commit, not a file); more than 16 MiB of files is refused', async () => {
    const sub = path.join(dir, 'with-sub')
    git(dir, 'init', '-q', sub)
    write(sub, '.claude/a.md', 'a')
    git(sub, 'add', '.')
    git(sub, 'update-index', '--add', '--cacheinfo', `160000,${baseSha},.claude/vendored`)
    git(sub, 'commit', '-qm', 'sub')
    expect(shown((await localBaseConfig(sub, git(sub, 'rev-parse', 'HEAD')))!)).toEqual(['.claude/', '.claude/a.md=a'])
    write(sub, '.claude/big.bin', 'x'.repeat(16 * 1024 * 1024 + 1))
    git(sub, 'add', '.')
    git(sub, 'commit', '-qm', 'big')
    await expect(localBaseConfig(sub, git(sub, 'rev-parse', 'HEAD'))).rejects.toThrow('entries or 16 MiB')
  })

  it(`more than ${BASE_CONFIG_MAX_ENTRIES} entries is refused, not read into memory`, async () => {
    const big = path.join(dir, 'big')
    git(dir, 'init', '-q', big)
    for (let i = 0; i <= BASE_CONFIG_MAX_ENTRIES; i++) write(big, `.claude/c/${i}.md`, String(i))
    git(big, 'add', '.')
    git(big, 'commit', '-qm', 'big')
    await expect(localBaseConfig(big, git(big, 'rev-parse', 'HEAD'))).rejects.toThrow(`holds more than ${BASE_CONFIG_MAX_ENTRIES} entries`)
  })
})

describe("the pull request's read-only copy", () => {
  it('names nothing as claude would load it: every agent-config name carries the suffix', () => {
    expect(['CLAUDE.md', '.claude/settings.json', 'src/.claude/skills/s/SKILL.md', 'pkg/AGENTS.md', 'x/.mcp.json'].map(pullRequestCopyPath)).toEqual([
      'CLAUDE.md.pull-request',
      '.claude.pull-request/settings.json',
      'src/.claude.pull-request/skills/s/SKILL.md',
      'pkg/AGENTS.md.pull-request',
      'x/.mcp.json.pull-request'
    ])
  })
})

describe('the checkout as the runner reads it', () => {
  it('a workspace without a .git of its own is not read (a bare repository the pull request planted there would run its config)', async () => {
    const ws = path.join(dir, 'planted')
    const marker = path.join(dir, 'PLANTED-RAN')
    write(ws, 'HEAD', 'ref: refs/heads/main\n')
    write(ws, 'objects/.keep', '')
    write(ws, 'refs/.keep', '')
    write(
      ws,
      'config',
      `[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialClone = origin\n[protocol "ext"]\n\tallow = always\n` +
        `[remote "origin"]\n\turl = "ext::sh -c touch% ${marker}"\n\tpromisor = true\n`
    )
    expect(await localBaseConfig(ws, baseSha)).toBeUndefined()
    expect(fs.existsSync(marker)).toBe(false)
  })
})

describe('the copy then holds the base', () => {
  it("the pull request's entries leave the copy for the read-only one; the base's come in with their bytes", async () => {
    const ws = path.join(dir, 'ws')
    write(ws, '.claude/settings.json', '{"hooks":{"SessionStart":[]}}')
    write(ws, '.claude/evil/x.sh', 'x')
    write(ws, '.mcp.json', '{"mcpServers":{}}')
    write(ws, 'CLAUDE.md', 'PR-INSTRUCTIONS')
    write(ws, 'code.ts', 'x')
    write(ws, 'src/CLAUDE.md', 'PR-NESTED')
    write(ws, 'src/.claude/skills/s/SKILL.md', 'PR-SKILL')
    write(ws, 'AGENTS.md', 'PR-AGENTS')
    const m = readManifest(ws)
    applyBaseConfig(m, (await localBaseConfig(base, baseSha))!, 1000)
    expect([...m.pullRequestConfig!.keys()].sort()).toEqual([
      '.claude',
      '.claude/evil',
      '.claude/evil/x.sh',
      '.claude/settings.json',
      '.mcp.json',
      'AGENTS.md',
      'CLAUDE.md',
      'src/.claude',
      'src/.claude/skills',
      'src/.claude/skills/s',
      'src/.claude/skills/s/SKILL.md',
      'src/CLAUDE.md'
    ])
    expect([...m.entries.keys()].sort()).toEqual(
      [
        'code.ts',
        'src',
        '.claude',
        '.claude/commands',
        '.claude/commands/review.md',
        '.claude/hooks',
        '.claude/hooks/check.sh',
        '.claude/linked.json',
        '.claude/settings.json',
        'CLAUDE.md',
        'src/CLAUDE.md'
      ].sort()
    )
    expect(m.entries.get('CLAUDE.md')).toEqual({ type: 'file', mode: 0o644, size: 29, mtime: 1000, data: Buffer.from('BASE-INSTRUCTIONS: be brief.\n') })
    expect(m.entries.get('.claude/hooks/check.sh')?.mode).toBe(0o755)
  })

  it('the door refuses every change under those names, however a case-insensitive runner spells them; others pass', () => {
    const ctx = { protectedPaths: [], heldBack: new Map(), gitShaped: new Set<string>(), agentConfigFromBase: true }
    const added = (p: string) =>
      refusal({ path: p, change: 'added', type: 'file', listed: { type: 'file', mode: 0o644, size: 1, mtime: 1, mtimeFraction: true, nlink: 1 } as never }, ctx)
    const why = "the agent configuration the bottle took from the pull request's base (agent-config-from-base): no change to it comes back"
    for (const p of [
      '.claude/settings.json',
      '.mcp.json',
      '.claude.json',
      'CLAUDE.md',
      'CLAUDE.local.md',
      '.gitmodules',
      '.CLAUDE/settings.json',
      'claude.md',
      'CLAUDE.md.'
    ])
      expect([p, added(p)]).toEqual([p, why])
    for (const p of ['src/CLAUDE.md', 'pr/.claude/settings.json', 'AGENTS.md', 'pkg/.mcp.json', '.lsp.json']) expect([p, added(p)]).toEqual([p, why])
    for (const p of ['claude.mdx', '.claudex/a', 'README.md', 'src/claude_md.ts']) expect([p, added(p)]).toEqual([p, undefined])
    expect(
      refusal(
        { path: '.mcp.json', change: 'added', type: 'file', listed: { type: 'file', mode: 0o644, size: 1, mtime: 1, mtimeFraction: true, nlink: 1 } as never },
        { ...ctx, agentConfigFromBase: false }
      )
    ).toBeUndefined()
  })
})
