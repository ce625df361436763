/**
 * The git gate against a real `git http-backend` double that wants a token, driven by real
 * git as the guest would: clone/fetch through the gate without any credential, pushes judged
 * by ref pattern, delete and fast-forward, decisions in git.jsonl.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { startGitGate } from '../../src/gitgate/git-gate.js'
import type { GateLimits } from '../../src/gitgate/limits.js'
import { FLUSH, pktLine } from '../../src/gitgate/pkt-line.js'
import { parsePushPolicy } from '../../src/config/git-policy.js'
import { checkRefFormat, refNameProblem } from '../../src/gitgate/ref-name.js'
import { gateSuite, git } from './git-gate-fixture.js'

const TOKEN = 'ghs_gateTokenCCCCCCCCCCCCCCCCCCCCCCCCCC3'
const SECRET = '0123456789abcdef0123456789abcdef'
const basic = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`

describe('git gate', () => {
  const suite = gateSuite('gitgate-', TOKEN)
  const { gates } = suite

  async function gate(name: string, gitPush: string, force = 'false', token: string | null = TOKEN, limits?: Partial<GateLimits>) {
    const g = await startGitGate({
      secret: SECRET,
      limits,
      upstream: new URL(`${suite.double.url}/acme/widgets.git`),
      authHeader: token ? { name: 'authorization', value: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` } : undefined,
      policy: parsePushPolicy(gitPush, force),
      bindHost: '127.0.0.1',
      logFile: path.join(suite.dir, `${name}.jsonl`),
      scratchDir: path.join(suite.dir, `${name}-scratch.git`)
    })
    gates.push(g)
    const clone = path.join(suite.dir, `${name}-clone`)
    const url = `http://127.0.0.1:${g.port}${g.guestPath}`
    const decisions = () =>
      fs
        .readFileSync(path.join(suite.dir, `${name}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
    return { g, clone, url, decisions }
  }

  const commit = async (clone: string, file: string) => {
    fs.writeFileSync(path.join(clone, file), `${file}\n`)
    await git(clone, 'add', '.')
    return git(clone, 'commit', '-qm', file)
  }

  it('clones through the gate with no credential in the client; the token is added upstream only', async () => {
    const { clone, url, decisions } = await gate('clone', '')
    const r = await git(suite.dir, 'clone', '-q', url, clone)
    expect(r).toMatchObject({ code: 0 })
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# widgets\n')
    const seen = suite.double.requests.filter(q => q.authorized)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every(q => q.headers.authorization === basic)).toBe(true) // exactly the header the gate was given
    expect(decisions().map(d => d.service)).toEqual(expect.arrayContaining(['info-refs', 'upload-pack']))
    expect(fs.readFileSync(path.join(suite.dir, 'clone.jsonl'), 'utf8')).not.toContain(TOKEN)
  })

  it("a ref the upstream refuses (branch protection) is 'rejected-upstream' with its reason, and not pushed", async () => {
    suite.double.protect('acme/widgets.git', ['refs/heads/bot-bottle/protected'])
    const { g, clone, url, decisions } = await gate('protected', 'bot-bottle/**')
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'p.txt')
    const r = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/protected', 'HEAD:refs/heads/bot-bottle/open')
    expect(r.code).not.toBe(0)
    expect(r.out).toContain('GH006: Protected branch update failed for refs/heads/bot-bottle/protected')
    expect(r.out).toMatch(/! \[remote rejected\] HEAD -> bot-bottle\/protected \(hook declined\)/)
    expect(() => suite.double.git('acme/widgets.git', 'rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/protected')).toThrow()
    const tip = (await git(clone, 'rev-parse', 'HEAD')).out.trim()
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'refs/heads/bot-bottle/open')).toBe(tip) // the rest of the push went through
    expect(g.pushed).toEqual(['refs/heads/bot-bottle/open'])
    expect(
      decisions()
        .filter(d => d.service === 'receive-pack')
        .map(d => [d.ref, d.decision, d.reason])
    ).toEqual([
      ['refs/heads/bot-bottle/protected', 'rejected-upstream', 'hook declined'],
      ['refs/heads/bot-bottle/open', 'pushed', expect.any(String)]
    ])
  })

  it('pushes only to refs in git-push; main, deletes and non-fast-forwards are refused before the upstream', async () => {
    const { g, clone, url, decisions } = await gate('push', 'bot-bottle/**')
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'b.txt')
    const mainBefore = suite.double.git('acme/widgets.git', 'rev-parse', 'main')

    const toMain = await git(clone, 'push', 'origin', 'HEAD:main')
    expect(toMain.code).not.toBe(0)
    expect(toMain.out).toContain('refs/heads/main is not in git-push')
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'main')).toBe(mainBefore)

    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/fix')).toMatchObject({ code: 0 })
    await commit(clone, 'c.txt')
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/fix')).toMatchObject({ code: 0 }) // fast-forward
    const tip = (await git(clone, 'rev-parse', 'HEAD')).out.trim()
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/fix')).toBe(tip)

    await git(clone, 'reset', '-q', '--hard', 'HEAD~2')
    await commit(clone, 'rewritten.txt')
    const force = await git(clone, 'push', '--force', 'origin', 'HEAD:refs/heads/bot-bottle/fix')
    expect(force.code).not.toBe(0)
    expect(force.out).toContain('not a fast-forward')
    const del = await git(clone, 'push', 'origin', ':refs/heads/bot-bottle/fix')
    expect(del.code).not.toBe(0)
    expect(del.out).toContain('deleting refs/heads/bot-bottle/fix is not allowed')
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/fix')).toBe(tip) // untouched

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

  it("refuses push options (git push -o) in git's report, before the upstream; the same push without them lands", async () => {
    // the upstream advertises push-options as GitHub and GitLab do, so git sends them
    suite.double.git('acme/widgets.git', 'config', 'receive.advertisePushOptions', 'true')
    const { g, clone, url, decisions } = await gate('push-options', 'bot-bottle/**')
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'mr.txt')
    const r = await git(
      clone,
      'push',
      '-o',
      'merge_request.create',
      '-o',
      'merge_request.target=main',
      '-o',
      'merge_request.merge_when_pipeline_succeeds',
      'origin',
      'HEAD:refs/heads/bot-bottle/mr'
    )
    expect(r.code).not.toBe(0)
    expect(r.out).toContain(
      '! [remote rejected] HEAD -> bot-bottle/mr (bot-bottle: push options (git push -o) are not passed on by the git gate; push without them)'
    )
    expect(() => suite.double.git('acme/widgets.git', 'rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/mr')).toThrow()
    const ci = await git(clone, '-c', 'push.pushOption=ci.variable=DEPLOY=1', 'push', 'origin', 'HEAD:refs/heads/bot-bottle/mr')
    expect(ci.out).toContain('push options (git push -o) are not passed on')
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/mr')).toMatchObject({ code: 0 })
    expect(g.pushed).toEqual(['refs/heads/bot-bottle/mr'])
    expect(
      decisions()
        .filter(d => d.ref)
        .map(d => [d.decision, d.reason])
    ).toEqual([
      ['blocked', 'bot-bottle: push options (git push -o) are not passed on by the git gate; push without them'],
      ['blocked', 'bot-bottle: push options (git push -o) are not passed on by the git gate; push without them'],
      ['pushed', expect.any(String)]
    ])
  })

  it("a push larger than git's post buffer (probe request, then a chunked body) passes the gate", async () => {
    const { g, clone, url } = await gate('large', 'big/*')
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    fs.writeFileSync(path.join(clone, 'blob.bin'), crypto.randomBytes(3 * 1024 * 1024))
    await git(clone, 'add', '.')
    await git(clone, 'commit', '-qm', 'big')
    const posts = () => suite.double.requests.filter(q => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length
    const before = posts()
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/big/one')).toMatchObject({ code: 0 })
    expect(posts() - before).toBe(2) // git's probe ("0000"), then the pack
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'big/one')).toBe((await git(clone, 'rev-parse', 'HEAD')).out.trim())
    expect(g.pushed).toEqual(['refs/heads/big/one'])
    // a path that only looks like the origin after normalisation is not served
    const sneaky = await fetch(`${url}/..%2f..%2fother.git/info/refs?service=git-upload-pack`)
    expect(sneaky.status).toBe(403)
  })

  it('git-allow-force lets a non-fast-forward through (deletes stay refused)', async () => {
    const { clone, url } = await gate('force', 'refs/heads/bot-bottle/*', 'true')
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    await commit(clone, 'x.txt')
    expect((await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/forced')).code).toBe(0)
    await git(clone, 'reset', '-q', '--hard', 'HEAD~1')
    await commit(clone, 'y.txt')
    expect(await git(clone, 'push', '--force', 'origin', 'HEAD:refs/heads/bot-bottle/forced')).toMatchObject({ code: 0 })
    expect(suite.double.git('acme/widgets.git', 'rev-parse', 'bot-bottle/forced')).toBe((await git(clone, 'rev-parse', 'HEAD')).out.trim())
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
    const r = await git(suite.dir, 'clone', '-q', url, clone)
    expect(r.code).not.toBe(0)
    expect(r.out).toMatch(/403/)
  })
})

describe('git gate against crafted pushes', () => {
  const suite = gateSuite('gitgate-crafted-', TOKEN)
  const { gates } = suite
  const upstream = (...args: string[]) => suite.double.git('acme/widgets.git', ...args)
  const refs = () => upstream('for-each-ref', '--format=%(refname) %(objectname)')

  async function gate(name: string, gitPush: string, limits?: Partial<GateLimits>) {
    const logFile = path.join(suite.dir, `${name}.jsonl`)
    const g = await startGitGate({
      secret: SECRET,
      limits,
      upstream: new URL(`${suite.double.url}/acme/widgets.git`),
      authHeader: { name: 'authorization', value: basic },
      policy: parsePushPolicy(gitPush, 'false'),
      bindHost: '127.0.0.1',
      logFile,
      scratchDir: path.join(suite.dir, `${name}-scratch`)
    })
    gates.push(g)
    const url = `http://127.0.0.1:${g.port}${g.guestPath}`
    const clone = path.join(suite.dir, `${name}-clone`)
    expect((await git(suite.dir, 'clone', '-q', url, clone)).code).toBe(0)
    // closing flushes git.jsonl: read it once the test is done with the gate
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
  const commit = async (clone: string, file: string) => {
    fs.writeFileSync(path.join(clone, file), `${file}\n`)
    await git(clone, 'add', '.')
    await git(clone, 'commit', '-qm', file)
    return (await git(clone, 'rev-parse', 'HEAD')).out.trim()
  }
  /** the objects reachable from `tips` and not from `not`, as git would send them */
  const packOf = (clone: string, tips: string[], not: string[]) =>
    execFileSync('git', ['-C', clone, 'pack-objects', '--stdout', '--revs', '-q'], { input: `${[...tips, ...not.map(n => `^${n}`)].join('\n')}\n` }) // local only: blocking is fine
  /** a receive-pack request built by hand: pkt-lines (latin1), a flush, the pack */
  const receivePack = async (url: string, lines: string[], pack: Buffer, gzip = false) => {
    const body = Buffer.concat([...lines.map(l => pktLine(Buffer.from(`${l}\n`, 'latin1'))), FLUSH, pack])
    const r = await fetch(`${url}/git-receive-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-receive-pack-request', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: gzip ? zlib.gzipSync(body) : body
    })
    return { status: r.status, text: Buffer.from(await r.arrayBuffer()).toString('latin1') }
  }
  const ZERO = '0'.repeat(40)
  const CAPS = 'report-status side-band-64k agent=git/2.39.5'

  it('refuses a push naming one ref twice (B→X rewrite, then X→Y fast-forward); the upstream keeps B', async () => {
    const { url, clone, decisions } = await gate('dup', 'bot-bottle/**')
    const b = await commit(clone, 'b.txt')
    expect((await git(clone, 'push', '-q', 'origin', 'HEAD:refs/heads/bot-bottle/dup')).code).toBe(0)
    await git(clone, 'reset', '-q', '--hard', 'HEAD~1')
    const x = await commit(clone, 'rewrite.txt') // not a descendant of b
    const y = await commit(clone, 'more.txt')
    const r = await receivePack(url, [`${b} ${x} refs/heads/bot-bottle/dup\0${CAPS}`, `${x} ${y} refs/heads/bot-bottle/dup`], packOf(clone, [y], [b]))
    expect(r.text).toContain('ng refs/heads/bot-bottle/dup bot-bottle: this ref is named more than once in one push')
    expect(upstream('rev-parse', 'bot-bottle/dup')).toBe(b)
    expect((await decisions()).filter(d => d.ref && d.new !== b).map(d => [d.ref, d.decision])).toEqual([
      ['refs/heads/bot-bottle/dup', 'blocked'],
      ['refs/heads/bot-bottle/dup', 'blocked']
    ])
  })

  it('reads every command as receive-pack does: a NUL in a later command refuses the push, nothing is created', async () => {
    const { url, clone, decisions } = await gate('nul', 'bot-bottle/**\n*-agent')
    const x = await commit(clone, 'n.txt')
    const before = refs()
    const r = await receivePack(
      url,
      [`${ZERO} ${x} refs/heads/bot-bottle/n\0${CAPS}`, `${ZERO} ${x} refs/heads/release\0-agent`],
      packOf(clone, [x], ['origin/main'])
    )
    expect(r.text).toContain('ng refs/heads/release bot-bottle: a command after the first carries a NUL')
    expect(refs()).toBe(before) // neither release nor bot-bottle/n
    expect((await decisions()).filter(d => d.ref).map(d => [d.ref, d.decision])).toEqual([
      ['refs/heads/bot-bottle/n', 'blocked'],
      ['refs/heads/release', 'blocked']
    ])
  })

  it('refuses ref names git would call funny, and names outside letters, digits and . _ - /, before the upstream', async () => {
    const { g, url, clone, decisions } = await gate('names', 'bot-bottle/**')
    const x = await commit(clone, 'names.txt')
    // real git sends this one itself: check-ref-format allows $ ( )
    const shell = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/$(id)')
    expect(shell.code).not.toBe(0)
    expect(shell.out).toMatch(/! \[remote rejected\] HEAD -> bot-bottle\/\$\(id\) \(bot-bottle: ref names may hold only letters, digits and \. _ - \/\)/)
    const before = refs()
    const pack = packOf(clone, [x], ['origin/main'])
    for (const [ref, reason] of [
      ['refs/heads/bot-bottle/a..b', "contains '..'"],
      ['refs/heads/bot-bottle/x@{1}', "contains '@{'"],
      ['refs/heads/bot-bottle/.hidden', "has a component beginning with '.'"],
      ['refs/heads/bot-bottle/x.lock', "has a component ending with '.lock'"],
      ['refs/heads/bot-bottle/a b', 'contains a control character, space']
    ]) {
      const r = await receivePack(url, [`${ZERO} ${x} ${ref}\0${CAPS}`], pack)
      expect(r.text).toContain(`ng ${ref} bot-bottle: not a valid ref name (git check-ref-format: it ${reason}`)
    }
    expect(refs()).toBe(before)
    expect(g.pushed).toEqual([])
    expect((await decisions()).filter(d => d.ref).every(d => d.decision === 'blocked')).toBe(true)
  })

  it("a push over the size limit is refused in git's report and never reaches the upstream; the gate keeps no copy", async () => {
    const { g, clone, decisions } = await gate('big', 'bot-bottle/**', { maxPushBytes: 1024 ** 2 })
    fs.writeFileSync(path.join(clone, 'blob.bin'), crypto.randomBytes(3 * 1024 * 1024))
    await git(clone, 'add', '.')
    await git(clone, 'commit', '-qm', 'big')
    const posts = () => suite.double.requests.filter(q => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length
    const before = posts()
    const r = await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/big')
    expect(r.code).not.toBe(0)
    expect(r.out).toContain(
      "! [remote rejected] HEAD -> bot-bottle/big (bot-bottle: push larger than the gate's limit of 1 MiB (input git-max-push-mb); push less at once)"
    )
    expect(posts() - before).toBe(1) // git's probe only; the pack never went up
    expect(() => upstream('rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/big')).toThrow()
    expect(g.pushed).toEqual([])
    expect((await decisions()).find(d => d.service === 'receive-pack' && d.decision === 'blocked')).toMatchObject({
      reason: expect.stringContaining('push larger than')
    })
    expect(fs.readdirSync(path.join(suite.dir, 'big-scratch', 'bodies'))).toEqual([])
  })

  it("a gzip bomb is refused at the inflation ratio, in git's report, without reaching the upstream", async () => {
    const { url, clone, decisions } = await gate('bomb', 'bot-bottle/**')
    const x = await commit(clone, 'bomb.txt')
    const posts = () => suite.double.requests.filter(q => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length
    const before = posts()
    // 64 MiB of zeros after a valid command list: about 64 KiB on the wire
    const r = await receivePack(
      url,
      [`${ZERO} ${x} refs/heads/bot-bottle/bomb\0${CAPS}`],
      Buffer.concat([Buffer.from('PACK'), Buffer.alloc(64 * 1024 ** 2)]),
      true
    )
    expect(r.text).toContain('ng refs/heads/bot-bottle/bomb bot-bottle: gzip body inflates more than 100:1')
    expect(posts()).toBe(before)
    expect((await decisions()).at(-1)).toMatchObject({
      service: 'receive-pack',
      decision: 'blocked',
      reason: expect.stringContaining('inflates more than 100:1')
    })
  })

  it('judges one push at a time: a second waits for the first; past the queue limit a push is refused with 503', async () => {
    const { url, clone, decisions } = await gate('queue', 'bot-bottle/**', { maxQueuedPushes: 1 })
    await commit(clone, 'q.txt')
    // a push that has sent its headers and part of its body, and then stalls
    const stalled = () => {
      const req = http.request(`${url}/git-receive-pack`, { method: 'POST', headers: { 'content-type': 'application/x-git-receive-pack-request' } })
      req.on('error', () => undefined)
      req.write(pktLine(`${ZERO} ${'1'.repeat(40)} refs/heads/bot-bottle/stall\0${CAPS}\n`))
      return req
    }
    const first = stalled()
    await new Promise(r => setTimeout(r, 300))
    let done = false
    const second = git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/queued').then(r => ((done = true), r))
    await new Promise(r => setTimeout(r, 1500))
    expect(done).toBe(false) // waiting behind the stalled push
    const third = await fetch(`${url}/git-receive-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-receive-pack-request' },
      body: '0000'
    })
    expect(third.status).toBe(503)
    expect(await third.text()).toContain('too many pushes at once')
    first.destroy()
    expect(await second).toMatchObject({ code: 0 })
    expect(upstream('rev-parse', 'bot-bottle/queued')).toBe((await git(clone, 'rev-parse', 'HEAD')).out.trim())
    expect((await decisions()).some(d => d.decision === 'blocked' && /pushes already wait/.test(d.reason))).toBe(true)
  })

  it("serves only requests that carry the run's secret; refusals are logged without it", async () => {
    const { g, url, logFile } = await gate('secret', 'bot-bottle/**')
    expect(g.guestPath).toBe(`/${SECRET}/acme/widgets.git`)
    const port = g.port
    for (const path of ['/acme/widgets.git', `/${SECRET.slice(0, -1)}x/acme/widgets.git`, `/${SECRET}/../acme/widgets.git`, `/x/${SECRET}/acme/widgets.git`]) {
      const r = await fetch(`http://127.0.0.1:${port}${path}/info/refs?service=git-upload-pack`)
      expect({ path, status: r.status }).toEqual({ path, status: 403 })
    }
    const other = await fetch(`http://127.0.0.1:${port}/${SECRET}/acme/other.git/info/refs?service=git-upload-pack`)
    expect(other.status).toBe(403)
    expect((await fetch(`${url}/info/refs?service=git-upload-pack`)).status).toBe(200)
    await g.close()
    const log = fs.readFileSync(logFile, 'utf8')
    expect(log).not.toContain(SECRET)
    expect(log).not.toContain(SECRET.slice(0, 16))
    expect(log.match(/without the run's secret path prefix/g)).toHaveLength(4)
  })

  it('refuses to start without a usable secret', async () => {
    await expect(
      startGitGate({
        secret: 'short',
        upstream: new URL(`${suite.double.url}/acme/widgets.git`),
        policy: parsePushPolicy('', ''),
        bindHost: '127.0.0.1',
        logFile: path.join(suite.dir, 'n.jsonl'),
        scratchDir: path.join(suite.dir, 'n')
      })
    ).rejects.toThrow('per-run secret must be 16 or more URL-safe characters')
  })
})

describe('ref names', () => {
  // each against real `git check-ref-format` (which, like receive-pack, allows more than the gate)
  const names = [
    'heads/main',
    'heads/bot-bottle/fix-1',
    'heads/a..b',
    'heads/.x',
    'heads/x.',
    'heads/x.lock',
    'heads/x.lock/y',
    'heads//x',
    'heads/x/',
    '/heads/x',
    'main',
    '@',
    'heads/@',
    'heads/a@{b',
    'heads/a@b',
    'heads/a b',
    'heads/a\tb',
    'heads/a~b',
    'heads/a^b',
    'heads/a:b',
    'heads/a?b',
    'heads/a*b',
    'heads/a[b',
    'heads/a\\b',
    'heads/a\x7fb',
    'heads/$(id)',
    'heads/é',
    'heads/a{b}',
    'heads/a.b.c',
    'heads/-x'
  ]
  it.each(names)('%j as git check-ref-format judges it', name => {
    const r = spawnSync('git', ['check-ref-format', name])
    expect({ name, valid: checkRefFormat(name) === undefined }).toEqual({ name, valid: r.status === 0 })
  })
  it('the gate also wants refs/, two levels below it, and the safe charset', () => {
    expect(refNameProblem('refs/heads/bot-bottle/fix-1.2_x')).toBeUndefined()
    expect(refNameProblem('refs/x')).toContain('check-ref-format')
    expect(refNameProblem('heads/x')).toBe('bot-bottle: only refs/... may be pushed')
    expect(refNameProblem('refs/heads/$(id)')).toBe('bot-bottle: ref names may hold only letters, digits and . _ - /')
    expect(refNameProblem('refs/heads/é')).toContain('only letters, digits')
    expect(refNameProblem(`refs/heads/${'a'.repeat(2000)}`)).toContain('at most 1024')
  })
})

describe('git gate, upstream down', () => {
  it('answers 502 naming the upstream, and logs the failed request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-down-'))
    const g = await startGitGate({
      secret: SECRET,
      upstream: new URL('http://127.0.0.1:1/acme/widgets.git'),
      policy: parsePushPolicy('', ''),
      bindHost: '127.0.0.1',
      logFile: path.join(dir, 'git.jsonl'),
      scratchDir: path.join(dir, 's.git')
    })
    try {
      const r = await fetch(`http://127.0.0.1:${g.port}${g.guestPath}/info/refs?service=git-upload-pack`)
      expect(r.status).toBe(502)
      expect(await r.text()).toMatch(/^bot-bottle git gate: upstream http:\/\/127\.0\.0\.1:1 unreachable \(connect ECONNREFUSED/)
    } finally {
      await g.close()
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'git.jsonl'), 'utf8'))).toMatchObject({
      service: 'info-refs',
      decision: 'rejected-upstream',
      reason: expect.stringContaining('ECONNREFUSED')
    })
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
