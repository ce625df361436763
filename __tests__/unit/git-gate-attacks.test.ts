/**
 * Red team: pushes built to get past the git gate's content rules, made by real git and pushed
 * through the real gate to the real `git http-backend` upstream double.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import path from 'node:path'
import fs from 'node:fs'
import { FLUSH, pktLine } from '../../src/gitgate/pkt-line.js'
import { deltaBombPack } from '../../test/harness/delta-bomb.mjs'
import { gateSuite, git, startSuiteGate } from './git-gate-fixture.js'

const TOKEN = 'ghs_redTeamGateTokenFFFFFFFFFFFFFFFFFFFFFF6'
const SECRET = 'abcdef0123456789abcdef0123456789'

describe('git gate content rules under attack', () => {
  const suite = gateSuite('gitgate-redteam-', TOKEN)
  const upstream = (...args: string[]) => suite.double.git('acme/widgets.git', ...args)
  let n = 0
  async function gate(gitPush: string, protectedPaths?: string) {
    const name = `r${++n}`
    const { g } = await startSuiteGate(suite, { name, secret: SECRET, token: TOKEN, gitPush, protectedPaths })
    const clone = path.join(suite.dir, `${name}-clone`)
    expect((await git(suite.dir, 'clone', '-q', `http://127.0.0.1:${g.port}${g.guestPath}`, clone)).code).toBe(0)
    return { g, clone }
  }
  const commitFile = async (clone: string, file: string, text: string, message: string) => {
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true })
    fs.writeFileSync(path.join(clone, file), text)
    await git(clone, 'add', '-A')
    expect((await git(clone, 'commit', '-qm', message)).code).toBe(0)
    return (await git(clone, 'rev-parse', 'HEAD')).out.trim()
  }

  it('a merge with an old upstream commit cannot bring back (or drop) a workflow main has since changed', async () => {
    // main's history: a dangerous workflow, later hardened (pushed by the maintainers, no rule)
    const maint = await gate('main', 'none')
    const dangerous = await commitFile(
      maint.clone,
      '.github/workflows/ci.yml',
      'on: pull_request_target\njobs: {run: {steps: [{run: "${{ github.event.pull_request.title }}"}]}}\n',
      'ci'
    )
    await commitFile(maint.clone, '.github/workflows/ci.yml', 'on: pull_request\n', 'ci: harden')
    expect((await git(maint.clone, 'push', 'origin', 'HEAD:main')).code).toBe(0)

    // the agent: a "merge" of main with the old commit, keeping the old workflow (real git plumbing)
    const { clone } = await gate('bot-bottle/**')
    const tip = (await git(clone, 'rev-parse', 'origin/main')).out.trim()
    await git(clone, 'checkout', '-q', dangerous, '--', '.github/workflows/ci.yml')
    fs.writeFileSync(path.join(clone, 'feature.txt'), 'looks like a feature\n')
    await git(clone, 'add', '-A')
    const tree = (await git(clone, 'write-tree')).out.trim()
    const merge = (await git(clone, 'commit-tree', tree, '-p', tip, '-p', dangerous, '-m', 'Merge old work')).out.trim()
    const r = await git(clone, 'push', 'origin', `${merge}:refs/heads/bot-bottle/revert-ci`)
    expect(r.out).toContain(
      `(bot-bottle: .github/workflows/ci.yml is protected (git-protected-paths: .github/workflows/**) and commit ${merge.slice(0, 12)} changes it)`
    )
    expect(r.code).not.toBe(0)
    expect(() => upstream('rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/revert-ci')).toThrow()

    // the same with the old parent first, and a merge that drops the workflow (a parent from before it)
    const first = (await git(clone, 'commit-tree', tree, '-p', dangerous, '-p', tip, '-m', 'Merge')).out.trim()
    expect((await git(clone, 'push', 'origin', `${first}:refs/heads/bot-bottle/revert-ci-2`)).code).not.toBe(0)
    const root = (await git(clone, 'rev-list', '--max-parents=0', 'origin/main')).out.trim()
    await git(clone, 'rm', '-q', '--cached', '.github/workflows/ci.yml')
    const noCi = (await git(clone, 'write-tree')).out.trim()
    const drop = (await git(clone, 'commit-tree', noCi, '-p', tip, '-p', root, '-m', 'Merge')).out.trim()
    const dropped = await git(clone, 'push', 'origin', `${drop}:refs/heads/bot-bottle/drop-ci`)
    expect(dropped.out).toContain(`commit ${drop.slice(0, 12)} deletes it`)

    // control: an ordinary merge of main into the agent's branch still lands
    await git(clone, 'reset', '-q', '--hard', root)
    await git(clone, 'clean', '-qfd')
    await commitFile(clone, 'work.txt', 'work\n', 'work')
    expect(await git(clone, 'merge', '-q', '--no-edit', 'origin/main')).toMatchObject({ code: 0 })
    expect(await git(clone, 'push', 'origin', 'HEAD:refs/heads/bot-bottle/merged')).toMatchObject({ code: 0 })
  })

  it("a claimed old tip only the push's pack holds cannot hide the workflow edit it makes (the update from it is judged whole)", async () => {
    const { g, clone } = await gate('bot-bottle/**')
    const x = await commitFile(clone, '.github/workflows/evil.yml', 'on: push\njobs: {}\n', 'evil') // never on the upstream
    const y = await commitFile(clone, 'feature.txt', 'an innocent change\n', 'feature')
    const objects = (await git(clone, 'rev-list', '--objects', '--no-object-names', y, '--not', 'origin/main')).out
    const pack = await new Promise<Buffer>((resolve, reject) => {
      const p = spawn('git', ['-C', clone, 'pack-objects', '--stdout', '-q'])
      const out: Buffer[] = []
      p.stdout.on('data', (c: Buffer) => out.push(c))
      p.on('error', reject)
      p.on('close', () => resolve(Buffer.concat(out)))
      p.stdin.end(objects)
    })
    // "update bot-bottle/hide from x to y": y's own diff against x touches no workflow
    const line = `${x} ${y} refs/heads/bot-bottle/hide\0report-status agent=git/2.39.5\n`
    const r = await fetch(`http://127.0.0.1:${g.port}${g.guestPath}/git-receive-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-receive-pack-request' },
      body: Buffer.concat([pktLine(line), FLUSH, pack])
    })
    expect(Buffer.from(await r.arrayBuffer()).toString('latin1')).toContain(
      `ng refs/heads/bot-bottle/hide bot-bottle: .github/workflows/evil.yml is protected (git-protected-paths: .github/workflows/**) and commit ${x.slice(0, 12)} adds it`
    )
    expect(() => upstream('rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/hide')).toThrow()
    expect(() => upstream('cat-file', '-e', x)).toThrow()
  })

  it("a fast-forward of a ref outside branches and tags is judged on what it adds, not on the upstream's own history of that ref", async () => {
    // the upstream's refs/meta/ci (no branch or tag reaches it) added a workflow, pushed by the maintainers
    const maint = await gate('refs/meta/**', 'none')
    await git(maint.clone, 'checkout', '-q', '--orphan', 'meta')
    await commitFile(maint.clone, '.github/workflows/meta.yml', 'on: push\n', 'meta ci')
    expect((await git(maint.clone, 'push', 'origin', 'HEAD:refs/meta/ci')).code).toBe(0)
    const { g, clone } = await gate('refs/meta/**')
    expect((await git(clone, 'fetch', '-q', 'origin', 'refs/meta/ci')).code).toBe(0)
    await git(clone, 'checkout', '-q', 'FETCH_HEAD')
    const next = await commitFile(clone, 'notes.txt', 'a note\n', 'note')
    const r = await git(clone, 'push', 'origin', 'HEAD:refs/meta/ci')
    expect(r.out).not.toContain('is protected')
    expect(r.code).toBe(0)
    expect(upstream('rev-parse', 'refs/meta/ci')).toBe(next)
    expect(g.pushed).toEqual(['refs/meta/ci'])
  })

  it('a delta bomb (a few hundred bytes declaring 2 × 160 MiB objects) is refused without git building them on the runner', async () => {
    const { g } = await gate('bot-bottle/**')
    const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
    const commit = Buffer.from(`tree ${EMPTY_TREE}\nauthor a <a@x> 0 +0000\ncommitter a <a@x> 0 +0000\n\nnothing to see\n`)
    const tip = crypto
      .createHash('sha1')
      .update(Buffer.concat([Buffer.from(`commit ${commit.length}\0`), commit]))
      .digest('hex')
    const pack = deltaBombPack({
      count: 2,
      mib: 160,
      objects: [
        { type: 1, body: commit },
        { type: 2, body: Buffer.alloc(0) }
      ]
    })
    expect(pack.length).toBeLessThan(1024)
    const line = `${'0'.repeat(40)} ${tip} refs/heads/bot-bottle/bomb\0report-status agent=git/2.39.5\n`
    const started = Date.now()
    const r = await fetch(`http://127.0.0.1:${g.port}${g.guestPath}/git-receive-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-receive-pack-request' },
      body: Buffer.concat([pktLine(line), FLUSH, pack])
    })
    const report = Buffer.from(await r.arrayBuffer()).toString('latin1')
    const ms = Date.now() - started
    expect(report).toContain(
      'ng refs/heads/bot-bottle/bomb bot-bottle: the gate could not read the pushed objects (git index-pack: an object inflates to more than 100 MiB, the largest the gate indexes'
    )
    expect(() => upstream('rev-parse', '--verify', '-q', 'refs/heads/bot-bottle/bomb')).toThrow()
    // refused at 100 MiB, not after inflating the whole bomb (generous: a loaded machine)
    expect(ms).toBeLessThan(20_000)
  }, 60_000)
})
