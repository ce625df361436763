/**
 * The git gate against a real `git http-backend` double that wants a token, driven by real
 * git as the guest would: clone/fetch through the gate without any credential, pushes judged
 * by ref pattern, delete and fast-forward, decisions in git.jsonl.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitGate, type GitGate } from '../../src/gitgate/git-gate.js'
import type { GateLimits } from '../../src/gitgate/limits.js'
import { parsePushPolicy } from '../../src/gitgate/push-policy.js'
import { runCommand } from '../../src/util/process.js'
import { startGitHttpDouble } from '../../test/harness/git-http-double.mjs'

const TOKEN = 'ghs_gateTokenCCCCCCCCCCCCCCCCCCCCCCCCCC3'
const SECRET = '0123456789abcdef0123456789abcdef'
const basic = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: os.tmpdir(), GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' }

// async: the gate runs in this process, so a blocking spawn would deadlock it
async function git(cwd: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCommand('git', ['-C', cwd, ...args], { env: gitEnv, timeoutMs: 60_000 })
  return { code: r.code ?? -1, out: `${r.stdout}${r.stderr}` }
}

describe('git gate', () => {
  let dir: string
  let double: Awaited<ReturnType<typeof startGitHttpDouble>>
  const gates: GitGate[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'))
    const bare = path.join(dir, 'srv', 'acme', 'widgets.git')
    execFileSync('git', ['init', '--bare', '-q', '-b', 'main', bare])
    const seed = path.join(dir, 'seed')
    execFileSync('git', ['init', '-q', '-b', 'main', seed])
    fs.writeFileSync(path.join(seed, 'a.txt'), 'a\n')
    await git(seed, 'add', '.')
    await git(seed, 'commit', '-qm', 'A')
    expect((await git(seed, 'push', '-q', bare, 'main')).code).toBe(0)
    double = await startGitHttpDouble({ root: path.join(dir, 'srv'), token: TOKEN })
  })
  afterAll(async () => {
    for (const g of gates) await g.close()
    await double.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  async function gate(name: string, gitPush: string, force = 'false', token: string | null = TOKEN, limits?: Partial<GateLimits>) {
    const g = await startGitGate({
      secret: SECRET,
      limits,
      upstream: new URL(`${double.url}/acme/widgets.git`),
      authHeader: token ? { name: 'authorization', value: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` } : undefined,
      policy: parsePushPolicy(gitPush, force),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, `${name}.jsonl`),
      scratchDir: path.join(dir, `${name}-scratch.git`)
    })
    gates.push(g)
    const clone = path.join(dir, `${name}-clone`)
    const url = `http://127.0.0.1:${g.port}${g.guestPath}`
    const decisions = () => fs.readFileSync(path.join(dir, `${name}.jsonl`), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    return { g, clone, url, decisions }
  }

  const commit = async (clone: string, file: string) => {
    fs.writeFileSync(path.join(clone, file), `${file}\n`)
    await git(clone, 'add', '.')
    return git(clone, 'commit', '-qm', file)
  }

  it('clones through the gate with no credential in the client; the token is added upstream only', async () => {
    const { clone, url, decisions } = await gate('clone', '')
    const r = await git(dir, 'clone', '-q', url, clone)
    expect(r).toMatchObject({ code: 0 })
    expect(fs.readFileSync(path.join(clone, 'a.txt'), 'utf8')).toBe('a\n')
    const seen = double.requests.filter(q => q.authorized)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every(q => q.headers.authorization === basic)).toBe(true) // exactly the header the gate was given
    expect(decisions().map(d => d.service)).toEqual(expect.arrayContaining(['info-refs', 'upload-pack']))
    expect(fs.readFileSync(path.join(dir, 'clone.jsonl'), 'utf8')).not.toContain(TOKEN)
  })

  it('pushes only to refs in git-push; main, deletes and non-fast-forwards are refused before the upstream', async () => {
    const { g, clone, url, decisions } = await gate('push', 'bot-bottle/**')
    expect((await git(dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'b.txt')
    const mainBefore = double.git('acme/widgets.git', 'rev-parse', 'main')

    const toMain = await git(clone, 'push', 'origin', 'HEAD:main')
    expect(toMain.code).not.toBe(0)
    expect(toMain.out).toContain('refs/heads/main is not in git-push')
    expect(double.git('acme/widgets.git', 'rev-parse', 'main')).toBe(mainBefore)

    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/fix')).toMatchObject({ code: 0 })
    await commit(clone, 'c.txt')
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/fix')).toMatchObject({ code: 0 }) // fast-forward
    const tip = (await git(clone, 'rev-parse', 'HEAD')).out.trim()
    expect(double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/fix')).toBe(tip)

    await git(clone, 'reset', '-q', '--hard', 'HEAD~2')
    await commit(clone, 'rewritten.txt')
    const force = await git(clone, 'push', '--force', 'origin', 'HEAD:refs/heads/bot-bottle/fix')
    expect(force.code).not.toBe(0)
    expect(force.out).toContain('not a fast-forward')
    const del = await git(clone, 'push', 'origin', ':refs/heads/bot-bottle/fix')
    expect(del.code).not.toBe(0)
    expect(del.out).toContain('deleting refs/heads/bot-bottle/fix is not allowed')
    expect(double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/fix')).toBe(tip) // untouched

    expect(g.pushed).toEqual(['refs/heads/bot-bottle/fix', 'refs/heads/bot-bottle/fix'])
    const pushes = decisions().filter(d => d.service === 'receive-pack' && d.ref)
    expect(pushes.map(d => [d.ref, d.decision])).toEqual([
      ['refs/heads/main', 'blocked'],
      ['refs/heads/bot-bottle/fix', 'pushed'],
      ['refs/heads/bot-bottle/fix', 'pushed'],
      ['refs/heads/bot-bottle/fix', 'blocked'],
      ['refs/heads/bot-bottle/fix', 'blocked']
    ])
    expect(g.summary()).toContain('pushed refs/heads/bot-bottle/fix, refs/heads/bot-bottle/fix; 3 refused')
  })

  it('a push larger than git\'s post buffer (probe request, then a chunked body) passes the gate', async () => {
    const { g, clone, url } = await gate('large', 'big/*')
    expect((await git(dir, 'clone', '-q', url, clone)).code).toBe(0)
    fs.writeFileSync(path.join(clone, 'blob.bin'), crypto.randomBytes(3 * 1024 * 1024))
    await git(clone, 'add', '.')
    await git(clone, 'commit', '-qm', 'big')
    const posts = () => double.requests.filter(q => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length
    const before = posts()
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/big/one')).toMatchObject({ code: 0 })
    expect(posts() - before).toBe(2) // git's probe ("0000"), then the pack
    expect(double.git('acme/widgets.git', 'rev-parse', 'big/one')).toBe((await git(clone, 'rev-parse', 'HEAD')).out.trim())
    expect(g.pushed).toEqual(['refs/heads/big/one'])
    // a path that only looks like the origin after normalisation is not served
    const sneaky = await fetch(`${url}/..%2f..%2fother.git/info/refs?service=git-upload-pack`)
    expect(sneaky.status).toBe(403)
  })

  it('git-allow-force lets a non-fast-forward through (deletes stay refused)', async () => {
    const { clone, url } = await gate('force', 'refs/heads/bot-bottle/*', 'true')
    expect((await git(dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'x.txt')
    expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/forced')).code).toBe(0)
    await git(clone, 'reset', '-q', '--hard', 'HEAD~1')
    await commit(clone, 'y.txt')
    expect(await git(clone, 'push', '--force', 'origin', 'HEAD:refs/heads/bot-bottle/forced')).toMatchObject({ code: 0 })
    expect(double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/forced')).toBe((await git(clone, 'rev-parse', 'HEAD')).out.trim())
    expect((await git(clone, 'push', 'origin', ':refs/heads/bot-bottle/forced')).code).not.toBe(0)
    // `*` stays within one path segment
    expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/a/b')).out).toContain('is not in git-push')
  })

  it('serves nothing but the origin, and says which token to give when the upstream refuses the gate', async () => {
    const { g } = await gate('other', 'x')
    const other = await fetch(`http://127.0.0.1:${g.port}/${SECRET}/acme/secret.git/info/refs?service=git-upload-pack`)
    expect(other.status).toBe(403)
    expect(await other.text()).toContain("only the workspace's origin (/acme/widgets.git)")
    const { clone, url } = await gate('notoken', '', 'false', null)
    const r = await git(dir, 'clone', '-q', url, clone)
    expect(r.code).not.toBe(0)
    expect(r.out).toMatch(/403/)
  })
})

describe('git gate, upstream down', () => {
  it('answers 502 naming the upstream, and logs the failed request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-down-'))
    const g = await startGitGate({ secret: SECRET, upstream: new URL('http://127.0.0.1:1/acme/widgets.git'), policy: parsePushPolicy('', ''), bindHost: '127.0.0.1', logFile: path.join(dir, 'git.jsonl'), scratchDir: path.join(dir, 's.git') })
    try {
      const r = await fetch(`http://127.0.0.1:${g.port}${g.guestPath}/info/refs?service=git-upload-pack`)
      expect(r.status).toBe(502)
      expect(await r.text()).toMatch(/^bot-bottle git gate: upstream http:\/\/127\.0\.0\.1:1 unreachable \(connect ECONNREFUSED/)
    } finally {
      await g.close()
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'git.jsonl'), 'utf8'))).toMatchObject({ service: 'info-refs', decision: 'rejected-upstream', reason: expect.stringContaining('ECONNREFUSED') })
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('push policy input', () => {
  it('names the input and the fix for a bad pattern or flag', () => {
    expect(() => parsePushPolicy('refs/heads/../x', '')).toThrow("Input 'git-push': 'refs/heads/../x' is not a ref pattern")
    expect(() => parsePushPolicy('a b', '')).toThrow("Input 'git-push'")
    expect(() => parsePushPolicy('', 'yes')).toThrow("Input 'git-allow-force'")
    expect(parsePushPolicy('agent/*, refs/tags/v*\n', 'TRUE')).toEqual({ patterns: ['refs/heads/agent/*', 'refs/tags/v*'], allowForce: true })
  })
})
