/**
 * The git gate's content rules, driven by real git pushing through the gate to a real
 * `git http-backend` upstream: protected paths (and the forms a checkout would read as them),
 * secrets in new blobs, commit and tag messages and file names (split across lines, deltified,
 * in large blobs), objects it cannot read; each refusal in git's own report and git.jsonl.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '../../src/config/config.js'
import { DEFAULT_GIT_MAX_PUSH_MB, DEFAULT_PROTECTED_PATHS } from '../../src/config/fields.js'
import { parseProtectedPaths } from '../../src/config/git-policy.js'
import { readInputs } from '../../src/config/inputs.js'
import { FLUSH, pktLine } from '../../src/gitgate/pkt-line.js'
import { canonicalComponent, protectedRule } from '../../src/config/protected-paths.js'
import { SecretScanner } from '../../src/gitgate/secret-scan.js'
import { Redactor } from '../../src/transcript/redact.js'
import { runCommand } from '../../src/util/process.js'
import { gateSuite, git, gitEnv, startSuiteGate } from './git-gate-fixture.js'

const TOKEN = 'ghs_contentGateTokenEEEEEEEEEEEEEEEEEEEEE5'
const SECRET = 'fedcba9876543210fedcba9876543210'
const KEY = 'sk-ant-api03-contentRulesRunKey-0123456789abcdefXYZ'
const PLANTED = 'ghp_' + 'Pl4ntedT0kenAAAAAAAAAAAAAAAAAAAAAAAAAAAA' // a GitHub token shape, not a real one
const rev = async (cwd: string, what = 'HEAD') => (await git(cwd, 'rev-parse', what)).out.trim()
const short = (oid: string) => oid.slice(0, 12)

describe('git gate content rules', () => {
  const suite = gateSuite('gitgate-content-', TOKEN)
  const upstream = (...args: string[]) => suite.double.git('acme/widgets.git', ...args)
  const upstreamHas = (ref: string) => {
    try {
      upstream('rev-parse', '--verify', '-q', ref)
      return true
    } catch {
      return false
    }
  }

  let n = 0
  /** a gate (default rules unless given) and a fresh clone through it */
  async function gate(gitPush: string, opts: { protectedPaths?: string; secrets?: string[] } = {}) {
    const name = `g${++n}`
    const { g, logFile } = await startSuiteGate(suite, {
      name,
      secret: SECRET,
      token: TOKEN,
      gitPush,
      protectedPaths: opts.protectedPaths,
      secrets: opts.secrets ?? [KEY]
    })
    const url = `http://127.0.0.1:${g.port}${g.guestPath}`
    const clone = path.join(suite.dir, `${name}-clone`)
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    const decisions = async () => (
      await g.close(),
      fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
    )
    return { g, url, clone, logFile, decisions }
  }
  const write = (clone: string, file: string, text: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true })
    fs.writeFileSync(path.join(clone, file), text)
  }
  const commitAll = async (clone: string, message: string) => {
    await git(clone, 'add', '-A')
    expect((await git(clone, 'commit', '-qm', message)).code).toBe(0)
    return rev(clone)
  }
  const addAll = (clone: string, file: string, text: string) => (write(clone, file, text), git(clone, 'add', '-A'))
  /** stages a tree entry the working tree could not hold (a gitlink, a name this file system folds) */
  const stage = (clone: string, mode: string, oid: string, p: string) => git(clone, 'update-index', '--add', '--cacheinfo', `${mode},${oid},${p}`)
  const blob = async (clone: string, text: string) =>
    (await runCommand('git', ['-C', clone, 'hash-object', '-w', '--stdin'], { input: text, env: gitEnv })).stdout.trim()

  describe('protected paths', () => {
    let seeded: { clone: string }
    beforeAll(async () => {
      // the upstream already has a workflow: pushed to main through a gate without the rule
      const open = await gate('main', { protectedPaths: 'none' })
      write(open.clone, '.github/workflows/ci.yml', 'on: push\n')
      write(open.clone, 'docs/guide.md', '# guide\n')
      await commitAll(open.clone, 'ci')
      expect((await git(open.clone, 'push', 'origin', 'HEAD:main')).code).toBe(0)
      seeded = open
    })

    it("refuses a commit adding a workflow, naming the path in git's report; the upstream never sees it; an ordinary push lands", async () => {
      const { g, clone, decisions } = await gate('bot-bottle/**')
      write(clone, '.github/workflows/evil.yml', 'on: push\njobs: {}\n')
      const bad = await commitAll(clone, 'evil')
      const r = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/wf')
      expect(r.code).not.toBe(0)
      expect(r.out).toContain(
        `! [remote rejected] HEAD -> bot-bottle/wf (bot-bottle: .github/workflows/evil.yml is protected (git-protected-paths: .github/workflows/**) and commit ${short(bad)} adds it)`
      )
      expect(upstreamHas('refs/heads/bot-bottle/wf')).toBe(false)
      await git(clone, 'reset', '-q', '--hard', 'origin/main')
      write(clone, 'src/fix.txt', 'fix\n')
      const ok = await commitAll(clone, 'fix')
      expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/fix')).toMatchObject({ code: 0 })
      expect(upstream('rev-parse', 'bot-bottle/fix')).toBe(ok)
      expect(g.pushed).toEqual(['refs/heads/bot-bottle/fix'])
      const log = await decisions()
      expect(log.find(d => d.ref === 'refs/heads/bot-bottle/wf')).toMatchObject({
        decision: 'blocked',
        findings: [{ check: 'protected-path', where: '.github/workflows/evil.yml', rule: '.github/workflows/**', commit: bad, change: 'adds' }]
      })
      expect(log.find(d => d.ref === 'refs/heads/bot-bottle/fix')).toMatchObject({
        decision: 'pushed',
        scanned_bytes: expect.any(Number),
        scan_ms: expect.any(Number)
      })
    })

    // each change made on a clone of main (which has .github/workflows/ci.yml), then pushed
    const changes: [string, string, (clone: string) => Promise<unknown>][] = [
      ['changes its content', 'changes', c => addAll(c, '.github/workflows/ci.yml', 'on: [push, pull_request]\n')],
      ['makes it executable (mode only)', 'changes the mode of', c => git(c, 'update-index', '--chmod=+x', '.github/workflows/ci.yml')],
      ['deletes it', 'deletes', c => git(c, 'rm', '-q', '.github/workflows/ci.yml')],
      ['renames it out of the directory', 'deletes', c => git(c, 'mv', '.github/workflows/ci.yml', 'ci.yml')],
      ['adds a case variant (.GitHub/Workflows)', 'adds', c => addAll(c, '.GitHub/Workflows/x.yml', 'on: push\n')],
      [
        'adds an NTFS trailing-dot variant (.github./workflows)',
        'adds',
        async c => stage(c, '100644', await blob(c, 'on: push\n'), '.github./workflows/x.yml')
      ],
      ['adds through an 8.3 short name (GITHUB~1/WORKFL~1)', 'adds', async c => stage(c, '100644', await blob(c, 'on: push\n'), 'GITHUB~1/WORKFL~1/x.yml')],
      ['adds a submodule (gitlink) inside it', 'adds', c => stage(c, '160000', '1'.repeat(40), '.github/workflows/sub')]
    ]
    it.each(changes)('a commit that %s is refused', async (_what, verb, change) => {
      const { clone } = await gate('bot-bottle/**')
      await change(clone)
      expect((await git(clone, 'commit', '-qm', 'change')).code).toBe(0)
      const tip = await rev(clone)
      const ref = `refs/heads/bot-bottle/v${n}`
      const r = await git(clone, 'push', 'origin', `HEAD:${ref}`)
      expect(r.code).not.toBe(0)
      expect(r.out).toMatch(new RegExp(`is protected \\(git-protected-paths: \\.github/workflows/\\*\\*\\) and commit ${short(tip)} ${verb} it`))
      expect(upstreamHas(ref)).toBe(false)
    })

    it('a symlink or submodule where a protected path would lie is refused; a neighbour is not', async () => {
      const { clone } = await gate('bot-bottle/**', { protectedPaths: './deploy/ , CODEOWNERS' })
      await stage(clone, '120000', await blob(clone, 'docs'), 'deploy')
      await git(clone, 'commit', '-qm', 'link')
      const link = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/link')
      expect(link.out).toContain('(bot-bottle: deploy is protected (git-protected-paths: ./deploy/) and commit')
      await git(clone, 'reset', '-q', '--hard', 'origin/main')
      await stage(clone, '160000', '2'.repeat(40), 'Deploy')
      await git(clone, 'commit', '-qm', 'submodule')
      expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/sub')).out).toContain(
        '(bot-bottle: Deploy is protected (git-protected-paths: ./deploy/)'
      )
      await git(clone, 'reset', '-q', '--hard', 'origin/main')
      write(clone, 'deployment.md', 'notes\n')
      write(clone, 'docs/CODEOWNERS.md', 'not the file\n')
      await commitAll(clone, 'neighbours')
      expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/neighbours')).toMatchObject({ code: 0 })
      expect(upstreamHas('refs/heads/bot-bottle/link') || upstreamHas('refs/heads/bot-bottle/sub')).toBe(false)
    })

    it("judges only new commits: a merge that brings main's own workflow change passes, an evil merge does not, nor does an earlier commit of the push", async () => {
      const { clone } = await gate('bot-bottle/**')
      write(clone, 'feature.txt', 'feature\n')
      await commitAll(clone, 'feature')
      const branchPoint = await rev(clone)
      // meanwhile, main changes its workflow (through a gate that allows it)
      write(seeded.clone, '.github/workflows/ci.yml', 'on: [push]\n# v2\n')
      await commitAll(seeded.clone, 'ci v2')
      expect((await git(seeded.clone, 'push', 'origin', 'HEAD:main')).code).toBe(0)
      await git(clone, 'fetch', '-q', 'origin')
      expect((await git(clone, 'merge', '-q', '--no-edit', 'origin/main')).code).toBe(0)
      expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/merged')).toMatchObject({ code: 0 })
      // the same merge, with the workflow edited while merging
      await git(clone, 'reset', '-q', '--hard', branchPoint)
      await git(clone, 'merge', '-q', '--no-commit', 'origin/main')
      write(clone, '.github/workflows/ci.yml', 'on: [push]\n# v2, and mine\n')
      await commitAll(clone, 'evil merge')
      const evil = await rev(clone)
      expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/evil-merge')).out).toContain(
        `.github/workflows/ci.yml is protected (git-protected-paths: .github/workflows/**) and commit ${short(evil)} changes it`
      )
      // a workflow edit buried under a later commit that undoes it is still a change the push makes
      await git(clone, 'reset', '-q', '--hard', 'origin/main')
      write(clone, '.github/workflows/ci.yml', 'on: push\n# sneaky\n')
      const sneaky = await commitAll(clone, 'sneaky')
      await git(clone, 'revert', '--no-edit', 'HEAD')
      expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/buried')).out).toContain(`commit ${short(sneaky)} changes it`)
      // pointing a new branch at what the upstream already has is not a change
      expect(await git(clone, 'push', 'origin', 'origin/main:refs/heads/bot-bottle/at-main')).toMatchObject({ code: 0 })
    })
  })

  describe('secrets', () => {
    const refusedFor = async (clone: string, ref: string) => {
      const r = await git(clone, 'push', 'origin', `HEAD:${ref}`)
      expect(r.code).not.toBe(0)
      expect(upstreamHas(ref)).toBe(false)
      return r.out
    }

    it('refuses a planted GitHub token, naming the path and the kind but never the value; git.jsonl holds no value either', async () => {
      const { clone, logFile, decisions } = await gate('bot-bottle/**')
      write(clone, 'docs/setup.md', `# setup\n\nexport GH_TOKEN=${PLANTED}\n`)
      const tip = await commitAll(clone, 'docs')
      const out = await refusedFor(clone, 'refs/heads/bot-bottle/token')
      expect(out).toContain(`(bot-bottle: docs/setup.md (commit ${short(tip)}) holds a secret (github-token); secrets may not be pushed)`)
      expect(out).not.toContain(PLANTED.slice(4, 20))
      const log = await decisions()
      expect(log.find(d => d.ref === 'refs/heads/bot-bottle/token')).toMatchObject({
        decision: 'blocked',
        findings: [{ check: 'secret', where: `docs/setup.md (commit ${short(tip)})`, kinds: ['github-token'] }]
      })
      expect(fs.readFileSync(logFile, 'utf8')).not.toContain(PLANTED.slice(4, 20))
    })

    it.each([
      ["the run's own API key", (c: string) => write(c, 'notes.txt', `key: ${KEY}\n`), 'notes.txt', 'secret'],
      [
        'the key base64-encoded and wrapped at 20 columns (split across lines)',
        (c: string) =>
          write(
            c,
            'blob.b64',
            Buffer.from(`${KEY}\n`)
              .toString('base64')
              .replace(/(.{20})/g, '$1\n')
          ),
        'blob.b64',
        'secret'
      ],
      [
        'a token glued from string literals across lines',
        (c: string) => write(c, 'src/conf.js', `const t = "${PLANTED.slice(0, 20)}" +\n  "${PLANTED.slice(20)}"\n`),
        'src/conf.js',
        'github-token'
      ],
      [
        'an AWS key in a binary file',
        (c: string) => write(c, 'bin/data.bin', Buffer.concat([crypto.randomBytes(5000), Buffer.from('AKIAIOSFODNN7EXAMPLZ'), crypto.randomBytes(5000)])),
        'bin/data.bin',
        'aws-access-key'
      ]
    ])('refuses %s', async (_what, plant, where, kind) => {
      const { clone } = await gate('bot-bottle/**')
      plant(clone)
      await commitAll(clone, 'plant')
      const out = await refusedFor(clone, `refs/heads/bot-bottle/s${n}`)
      expect(out).toContain(`(bot-bottle: ${where} (commit`)
      expect(out).toContain(`holds a secret (${kind}); secrets may not be pushed`)
    })

    it("refuses a secret in a commit message, an annotated tag's message and a file name", async () => {
      const { clone } = await gate('bot-bottle/**, refs/tags/*')
      write(clone, 'a.txt', 'a\n')
      await git(clone, 'add', '-A')
      await git(clone, 'commit', '-qm', `fix\n\nused ${KEY} to test`)
      const c = await rev(clone)
      expect(await refusedFor(clone, 'refs/heads/bot-bottle/msg')).toContain(`(bot-bottle: commit ${short(c)} (its message or headers) holds a secret (secret)`)
      await git(clone, 'reset', '-q', '--hard', 'origin/main')
      await git(clone, 'tag', '-a', 'v9', '-m', `release\n${PLANTED}`)
      const tag = await rev(clone, 'v9')
      const t = await git(clone, 'push', 'origin', 'refs/tags/v9')
      expect(t.out).toContain(`(bot-bottle: tag ${short(tag)} (its message or headers) holds a secret (github-token)`)
      expect(upstreamHas('refs/tags/v9')).toBe(false)
      write(clone, `cfg/${PLANTED}.txt`, 'x\n')
      const named = await commitAll(clone, 'name')
      const out = await refusedFor(clone, 'refs/heads/bot-bottle/name')
      expect(out).toContain(`(bot-bottle: a file name in commit ${short(named)} holds a secret (github-token)`)
      expect(out).not.toContain(PLANTED.slice(4, 20))
    })

    it('reads deltified objects whole: a one-line change to a large file the upstream has, sent as a thin-pack delta, is scanned', async () => {
      const { clone, decisions } = await gate('bot-bottle/**')
      const lines = Array.from(
        { length: 40_000 },
        (_, i) => `line ${i} of an ordinary generated file ${crypto.createHash('md5').update(String(i)).digest('hex')}`
      )
      write(clone, 'data/big.txt', `${lines.join('\n')}\n`)
      await commitAll(clone, 'big file')
      expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/base')).toMatchObject({ code: 0 })
      lines[20_000] = `token=${PLANTED}`
      write(clone, 'data/big.txt', `${lines.join('\n')}\n`)
      const base = upstream('rev-parse', 'bot-bottle/base')
      await commitAll(clone, 'one line')
      const r = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/base')
      expect(r.out).toContain('(bot-bottle: data/big.txt (commit')
      expect(upstream('rev-parse', 'bot-bottle/base')).toBe(base)
      const pushes = (await decisions()).filter(d => d.ref === 'refs/heads/bot-bottle/base')
      // the pack that carried it was a small delta: the gate read the resolved blob, not the pack's bytes
      expect(pushes[1]).toMatchObject({ decision: 'blocked', findings: [{ kinds: ['github-token'] }] })
      expect(pushes[1].bytes_up).toBeLessThan(100_000)
      expect(pushes[1].scanned_bytes).toBeGreaterThan(2_000_000)
    })

    it("streams a large blob: a token across the scan's chunk boundaries deep inside 48 MiB is found", async () => {
      const { clone } = await gate('bot-bottle/**')
      const filler = Buffer.alloc(48 * 1024 ** 2, 'x\n')
      // at odd offsets around 64 KiB multiples, so some copy straddles a pipe chunk boundary
      for (const at of [65_536 * 300 - 17, 65_536 * 500 - 3]) Buffer.from(PLANTED).copy(filler, at)
      write(clone, 'big/blob.txt', filler)
      await commitAll(clone, 'large')
      expect(await refusedFor(clone, 'refs/heads/bot-bottle/large')).toContain('(bot-bottle: big/blob.txt (commit')
    })

    it('an ordinary push of ordinary text lands', async () => {
      const { g, clone } = await gate('bot-bottle/**')
      write(clone, 'src/app.ts', 'export const token = process.env.GH_TOKEN // read at run time\n')
      const tip = await commitAll(clone, 'ordinary')
      expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/ordinary')).toMatchObject({ code: 0 })
      expect(upstream('rev-parse', 'bot-bottle/ordinary')).toBe(tip)
      expect(g.pushed).toEqual(['refs/heads/bot-bottle/ordinary'])
    })
  })

  describe('crafted pushes', () => {
    const ZERO = '0'.repeat(40)
    const CAPS = 'report-status side-band-64k agent=git/2.39.5'
    const receivePack = async (url: string, line: string, pack: Buffer) => {
      const body = Buffer.concat([pktLine(`${line}\n`), FLUSH, pack])
      const r = await fetch(`${url}/git-receive-pack`, { method: 'POST', headers: { 'content-type': 'application/x-git-receive-pack-request' }, body })
      return Buffer.from(await r.arrayBuffer()).toString('latin1')
    }

    it('a secret in an object the pack carries but no pushed ref reaches is refused (the upstream would keep it, and serve it by id)', async () => {
      const { url, clone, decisions } = await gate('bot-bottle/**')
      write(clone, 'ok.txt', 'fine\n')
      const x = await commitAll(clone, 'ok')
      const hidden = await blob(clone, `stash: ${PLANTED}\n`)
      const list = `${execFileSync('git', ['-C', clone, 'rev-list', '--objects', '--no-object-names', x, '--not', 'origin/main'], { encoding: 'utf8' })}${hidden}\n`
      const pack = execFileSync('git', ['-C', clone, 'pack-objects', '--stdout', '-q'], { input: list })
      const r = await receivePack(url, `${ZERO} ${x} refs/heads/bot-bottle/hidden\0${CAPS}`, pack)
      expect(r).toContain(
        `ng refs/heads/bot-bottle/hidden bot-bottle: blob ${short(hidden)}, sent in the pack though no pushed ref reaches it holds a secret (github-token)`
      )
      expect(upstreamHas('refs/heads/bot-bottle/hidden')).toBe(false)
      expect(() => upstream('cat-file', '-e', hidden)).toThrow()
      // the same push without the hidden blob goes through
      const clean = execFileSync('git', ['-C', clone, 'pack-objects', '--stdout', '-q'], { input: list.replace(`${hidden}\n`, '') })
      expect(await receivePack(url, `${ZERO} ${x} refs/heads/bot-bottle/hidden\0${CAPS}`, clean)).toContain('ok refs/heads/bot-bottle/hidden')
      expect((await decisions()).filter(d => d.ref).map(d => d.decision)).toEqual(['blocked', 'pushed'])
    })

    it('a token as the ref name is refused', async () => {
      const { clone } = await gate('bot-bottle/**')
      const r = await git(clone, 'push', 'origin', `HEAD:refs/heads/bot-bottle/${PLANTED}`)
      expect(r.out).toContain('bot-bottle: the ref name holds a secret (github-token)')
      expect(upstreamHas(`refs/heads/bot-bottle/${PLANTED}`)).toBe(false)
    })

    it('a corrupt pack, or a tip that is nowhere, is refused, never waved through', async () => {
      const { url, clone } = await gate('bot-bottle/**')
      write(clone, 'x.txt', 'x\n')
      const x = await commitAll(clone, 'x') // never sent: the gate and the upstream lack it
      const garbage = Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x01'), crypto.randomBytes(200)])
      expect(await receivePack(url, `${ZERO} ${x} refs/heads/bot-bottle/corrupt\0${CAPS}`, garbage)).toContain(
        'ng refs/heads/bot-bottle/corrupt bot-bottle: the gate could not read the pushed objects (git index-pack:'
      )
      const empty = execFileSync('git', ['-C', clone, 'pack-objects', '--stdout', '-q'], { input: '' })
      expect(await receivePack(url, `${ZERO} ${x} refs/heads/bot-bottle/nowhere\0${CAPS}`, empty)).toContain(
        'ng refs/heads/bot-bottle/nowhere bot-bottle: the gate could not check the pushed objects (git rev-list:'
      )
      expect(upstreamHas('refs/heads/bot-bottle/corrupt') || upstreamHas('refs/heads/bot-bottle/nowhere')).toBe(false)
    })
  })
})

describe('protected path rules', () => {
  const rules = parseProtectedPaths(DEFAULT_PROTECTED_PATHS)
  it.each([
    ['.github/workflows/ci.yml', false, true],
    ['.github/workflows/nested/x.yml', false, true],
    ['.GITHUB/WORKFLOWS/ci.yml', false, true],
    ['.github\u200c/workflows/ci.yml', false, true], // HFS+ ignores U+200C
    ['.github. /workflows/ci.yml', false, true], // NTFS drops trailing dots and spaces
    ['.github::$INDEX_ALLOCATION/workflows/ci.yml', false, true], // NTFS stream syntax
    ['.github\\workflows\\ci.yml', false, true], // one name with backslashes: separators on NTFS
    ['GITHUB~1/workflows/ci.yml', false, true], // 8.3 short name
    ['.github/workflows', false, true], // a file or link in place of the directory
    ['./.github//workflows/ci.yml', false, true],
    ['docs/../.github/workflows/ci.yml', false, true], // tree entries named `.` or `..`: fsck only warns
    ['.github', true, true], // a symlink or submodule above it
    ['.github', false, false], // a plain file named .github holds no workflows
    ['.github/workflow/ci.yml', false, false],
    ['docs/.github/workflows/ci.yml', false, false],
    ['github/workflows/ci.yml', false, false]
  ])('%j (link: %s) protected: %s', (p, link, expected) => {
    expect(protectedRule(rules, p, link) !== undefined).toBe(expected)
  })

  it('reads the input like git-push: lists, ./ and / prefixes, trailing /, none, and names itself when wrong', () => {
    expect(parseProtectedPaths('').map(r => r.rule)).toEqual(['.github/workflows/**'])
    expect(parseProtectedPaths('none')).toEqual([])
    const custom = parseProtectedPaths('./CODEOWNERS, /deploy/\nsrc/*.sh')
    expect(protectedRule(custom, 'codeowners', false)).toBe('./CODEOWNERS')
    expect(protectedRule(custom, 'deploy/a/b', false)).toBe('/deploy/')
    expect(protectedRule(custom, 'src/run.sh', false)).toBe('src/*.sh')
    expect(protectedRule(custom, 'src/lib/run.sh', false)).toBeUndefined()
    expect(() => parseProtectedPaths('a/../b')).toThrow("Input 'git-protected-paths': 'a/../b' is not a path rule")
    expect(canonicalComponent('.GitHub.')).toBe('.github')
  })

  it('the action reads git-protected-paths and git-max-push-mb with the defaults action.yml documents', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-gate-config-'))
    const raw = { ...readInputs(() => ''), prompt: 'p', 'anthropic-api-key': 'sk-ant-x-0123456789' }
    const runner = { workspace: ws, runnerTemp: ws }
    const c = parseConfig(raw, runner)
    expect(c.git.maxPushBytes).toBe(100 * 1024 ** 2)
    expect(c.git.protectedPaths.map(r => r.rule)).toEqual(['.github/workflows/**'])
    const yml = fs.readFileSync(path.join(process.cwd(), 'action.yml'), 'utf8')
    expect(yml).toMatch(new RegExp(`  git-max-push-mb:\\n(?:    .*\\n)*?    default: '${DEFAULT_GIT_MAX_PUSH_MB}'`))
    expect(yml).toMatch(/ {2}git-protected-paths:\n(?: {4}.*\n)*? {4}default: '\.github\/workflows\/\*\*'/)
    expect(parseConfig({ ...raw, 'git-max-push-mb': '5', 'git-protected-paths': 'none' }, runner).git).toMatchObject({
      maxPushBytes: 5 * 1024 ** 2,
      protectedPaths: []
    })
    expect(() => parseConfig({ ...raw, 'git-max-push-mb': '0' }, runner)).toThrow("Input 'git-max-push-mb'")
    fs.rmSync(ws, { recursive: true, force: true })
  })
})

describe('secret scanner', () => {
  it('finds a match split between two chunks, and one split across lines, with bounded memory', () => {
    const s = new SecretScanner(new Redactor())
    const text = Buffer.from(`${'a'.repeat(100_000)} ${PLANTED} end`)
    const cut = 100_010
    s.write(text.subarray(0, cut))
    s.write(text.subarray(cut))
    expect(s.end()).toEqual(['github-token'])
    const wrapped = new SecretScanner(new Redactor())
    wrapped.write(Buffer.from(`x = '${PLANTED.slice(0, 10)}'\n    '${PLANTED.slice(10)}'\n`))
    expect(wrapped.end()).toEqual(['github-token'])
  })
})
