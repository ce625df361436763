/**
 * `workspace-changes` in a real bottle (docker): `apply` writes what the door accepts, so a
 * later user step's `git add -A && git commit` commits exactly the agent's accepted changes;
 * `patch` writes nothing and leaves a patch that `git apply` takes; `none` brings nothing back.
 * The patch case also checks what the bottle was given: a copy (not a mount) of the working
 * tree with its untracked and ignored files, and a fresh .git with the runner's HEAD, index and
 * branches, origin at the git gate, and none of the runner's git config or hooks.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { changeRecords, describeOnHost, diffTrees, gitAsRoot, LEGIT_ON_HOST, LEGIT_RECORDS, legitScript, listTree, toolResults } from '../workspace-attacks.js'
import { e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-workspaceChanges-0123456789abcdef'
const TOKEN = 'ghs_workspaceChangesCheckoutTokenCCCCCCC6'

const LARGE = Buffer.alloc(64 * 1024, 'logo-bytes ')
const bash = (command: string) => ({ tool_use: { name: 'Bash', input: { command, description: 'work', timeout: 120_000 } } })

describe('workspace-changes: apply, patch, none', () => {
  const suite = e2eSuite('e2e-workspace-changes')
  const repo = seededCheckoutForSuite(suite, TOKEN)

  /** A checkout with the files the legitimate work edits, deletes and makes executable. */
  async function checkout(name: string): Promise<string> {
    fs.chmodSync(suite.dir, 0o755) // the workspace's owner runs git there after the action
    const ws = path.join(suite.dir, name, 'workspace')
    await repo.double!.checkout(ws)
    fs.writeFileSync(path.join(ws, 'tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o644 })
    fs.writeFileSync(path.join(ws, 'old.txt'), 'old\n')
    fs.writeFileSync(path.join(ws, '.gitignore'), 'build/\n')
    // large enough to go in through the stage (hard-linked, copied by the guest)
    fs.mkdirSync(path.join(ws, 'assets'))
    fs.writeFileSync(path.join(ws, 'assets', 'logo.bin'), LARGE)
    gitAsRoot(ws, 'add', '-A')
    gitAsRoot(ws, 'commit', '-qm', 'scene')
    fs.mkdirSync(path.join(ws, 'build'))
    fs.writeFileSync(path.join(ws, 'build', 'out.txt'), 'built earlier\n')
    execFileSync('chown', ['-R', '1001:1001', ws])
    return ws
  }

  async function run(name: string, ws: string, commands: string[], inputs: Record<string, string> = {}) {
    const api = await startAnthropicDouble({ turns: [...commands.map(bash), { text: 'done' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), ...inputs },
        runnerTemp: path.join(suite.dir, name, 'rt'),
        toolCache: suite.toolCache
      })
      return { ...r, api, log: visibleLog(r.main.stdout, r.main.stderr), records: changeRecords(r.outputs['transcript-dir'] ?? '') }
    } finally {
      await api.close()
    }
  }

  it('apply: a later `git add -A && git commit` commits exactly the accepted changes', async () => {
    const ws = await checkout('apply')
    const head = gitAsRoot(ws, 'rev-parse', 'HEAD')
    // two changes the door refuses (a symlink, a protected path), and a change to an ignored file it accepts
    const more = `cd ${ws}; ln -s /etc/passwd passwd-link; mkdir -p .github/workflows && echo 'on: push' > .github/workflows/x.yml; printf 'rebuilt\\n' > build/out.txt`
    const r = await run('apply', ws, [legitScript(ws), more])
    expect({ conclusion: r.outputs['conclusion'], failed: r.main.code !== 0 }).toEqual({ conclusion: 'refused-changes', failed: true })
    expect(r.log).toMatch(/workspace door: refused passwd-link: /)
    expect(r.log).toMatch(/workspace door: refused \.github\/workflows\/x\.yml: /)

    // the user's next step, as the workspace's owner
    execFileSync(
      'setpriv',
      ['--reuid', '1001', '--regid', '1001', '--clear-groups', 'sh', '-c', 'git add -A && git -c user.name=u -c user.email=u@x commit -qm later'],
      {
        cwd: ws,
        env: { PATH: process.env['PATH'], HOME: '/nonexistent' }
      }
    )
    const show = gitAsRoot(ws, 'show', '--no-renames', '--name-status', '--format=%P', 'HEAD').split('\n').filter(Boolean)
    expect(show).toEqual([head, 'M\tREADME.md', 'D\told.txt', 'A\tsrc/all.sh', 'A\tsrc/new.txt', 'A\tsrc/private.txt', 'M\ttool.sh'])
    const summary = gitAsRoot(ws, 'diff', '--summary', `${head}..HEAD`)
    expect(summary).toContain('mode change 100644 => 100755 tool.sh')
    expect(summary).toContain('create mode 100755 src/all.sh')
    expect(summary).toContain('create mode 100644 src/private.txt')
    expect(gitAsRoot(ws, 'status', '--porcelain')).toBe('')
    // the ignored output of an earlier step, changed by the agent, came back too (git ignores it)
    expect(fs.readFileSync(path.join(ws, 'build', 'out.txt'), 'utf8')).toBe('rebuilt\n')
    expect(r.records.filter(c => c.verdict === 'applied').map(c => `${c.path} ${c.change}`)).toEqual(
      expect.arrayContaining([...LEGIT_RECORDS, 'build/out.txt modified'])
    )
  }, 600_000)

  it('patch: nothing is written; the patch in the record applies with `git apply`; the bottle had a copy with a fresh .git', async () => {
    const ws = await checkout('patch')
    // the runner's state at this step: an untracked file, a staged one, a second branch, its own config and hook
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'untracked by the runner\n')
    fs.writeFileSync(path.join(ws, 'staged.txt'), 'staged by the runner\n')
    gitAsRoot(ws, 'add', 'staged.txt')
    gitAsRoot(ws, 'branch', 'feature')
    gitAsRoot(ws, 'config', 'alias.runneronly', '!echo runner-only')
    fs.writeFileSync(path.join(ws, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
    execFileSync('chown', ['-R', '1001:1001', ws])
    const head = gitAsRoot(ws, 'rev-parse', 'HEAD')
    const upstream = gitAsRoot(ws, 'remote', 'get-url', 'origin')
    const before = listTree(ws)

    const probe = [
      `cd ${ws}`,
      'echo "HEAD=$(git rev-parse HEAD)"',
      'echo "BRANCH=$(git symbolic-ref --short HEAD)"',
      `echo "BRANCHES=$(git for-each-ref --format='%(refname)' refs/heads | tr '\\n' ' ')"`,
      'echo "STAGED=$(git diff --cached --name-only)"',
      'echo "ORIGIN=$(git remote get-url origin)"',
      'echo "RUNNER_ALIAS=$(git config --get alias.runneronly || echo none)"',
      `echo "EXTRAHEADER=$(git config --get-regexp 'extraheader' || echo none)"`,
      `echo "HOOKS=$(ls .git/hooks | grep -v '\\.sample$' | tr '\\n' ' ')"`,
      'echo "NOTES=$(cat notes.txt)"',
      'echo "BUILD=$(cat build/out.txt)"',
      // the large file came through the stage; the runner's objects are borrowed read-only; the stage is emptied
      'echo "LARGE=$(sha256sum assets/logo.bin | cut -c1-64)"',
      'echo "ALTERNATES=$(cat .git/objects/info/alternates)"',
      'echo "FSCK=$(git fsck --connectivity-only >/dev/null 2>&1 && echo ok)"',
      'echo "STAGE_LEFT=$(ls -A /opt/bot-bottle/workspace-in | wc -l)"',
      // every mount at or under the workspace (path:type:options): none writable on the runner's disk
      `echo "MOUNTS=$(awk -v ws=${ws} '$5 == ws || index($5, ws "/") == 1 { for (i = 7; $i != "-"; i++); print $5 ":" $(i+1) ":" $6 }' /proc/self/mountinfo | tr '\\n' ' ')"`
    ].join('; ')
    const shmBefore = fs.readdirSync('/dev/shm')
    const r = await run('patch', ws, [probe, legitScript(ws)], { 'workspace-changes': 'patch' })
    // the stage (in memory with docker) is gone with the run: no link in the state dir, nothing new in /dev/shm
    expect({
      link: fs.existsSync(path.join(r.outputs['transcript-dir'] ?? '', 'workspace-in')),
      shm: fs.readdirSync('/dev/shm').filter(n => n.startsWith('bot-bottle-stage-') && !shmBefore.includes(n))
    }).toEqual({ link: false, shm: [] })
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })

    const seen: Record<string, string> = Object.fromEntries(
      toolResults(r.api)[0]!
        .split('\n')
        .map(l => /^([A-Z_]+)=(.*)$/.exec(l))
        .filter(m => m !== null)
        .map(m => [m[1], m[2]!.trim()])
    )
    expect(seen).toMatchObject({
      HEAD: head,
      BRANCH: 'main',
      BRANCHES: 'refs/heads/feature refs/heads/main',
      STAGED: 'staged.txt',
      RUNNER_ALIAS: 'none',
      EXTRAHEADER: 'none',
      HOOKS: '',
      NOTES: 'untracked by the runner',
      BUILD: 'built earlier',
      LARGE: crypto.createHash('sha256').update(LARGE).digest('hex'),
      ALTERNATES: '/opt/bot-bottle/git-objects',
      FSCK: 'ok',
      STAGE_LEFT: '0'
    })
    expect(r.log).toMatch(
      /workspace: copied into the bottle in \d+ ms \(\d+ files, 1 of them through the stage \(in memory\), .*the runner's objects borrowed read-only/
    )
    expect(seen['ORIGIN']).toMatch(/^https?:\/\//)
    expect(seen['ORIGIN']).not.toBe(upstream)
    expect(seen['ORIGIN']).not.toContain(TOKEN)
    expect((seen['MOUNTS'] ?? '').split(' ').filter(m => m && !/:tmpfs:|:ro(,|$)/.test(m))).toEqual([])

    // nothing written: the whole workspace, .git included, byte for byte
    expect(diffTrees(before, listTree(ws))).toEqual([])
    const patch = r.outputs['workspace-patch'] ?? ''
    expect(patch.startsWith(`${r.outputs['transcript-dir']}/`)).toBe(true)
    const text = fs.readFileSync(patch, 'utf8')
    expect(text).toMatch(/^diff --git /)
    expect(text).toMatch(/diff --git a\/tool\.sh b\/tool\.sh\nold mode 100644\nnew mode 100755/)
    expect(text).toMatch(/diff --git a\/old\.txt b\/old\.txt\ndeleted file mode 100644/)
    expect(r.records.filter(c => c.verdict === 'patched').map(c => `${c.path} ${c.change}`)).toEqual(expect.arrayContaining(LEGIT_RECORDS))
    expect(r.records.filter(c => c.verdict === 'applied')).toEqual([])

    // the patch applies to the runner's workspace as it is
    const copy = path.join(suite.dir, 'patch', 'applied')
    execFileSync('cp', ['-a', ws, copy])
    gitAsRoot(copy, 'apply', patch)
    const got = Object.fromEntries(Object.keys(LEGIT_ON_HOST).map(p => [p, describeOnHost(copy, p).replace(/^(\w+ \d+) \d+:\d+/, '$1')]))
    const want = Object.fromEntries(Object.entries(LEGIT_ON_HOST).map(([p, d]) => [p, d.replace(/^(\w+ \d+) \d+:\d+/, '$1')]))
    expect(got).toEqual({ ...want, src: 'dir 755' })
  }, 600_000)

  it('none: nothing comes back and no patch is made', async () => {
    const ws = await checkout('none')
    const before = listTree(ws)
    const r = await run('none', ws, [legitScript(ws)], { 'workspace-changes': 'none' })
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'], patch: r.outputs['workspace-patch'] ?? '' }).toEqual({
      code: 0,
      conclusion: 'success',
      patch: ''
    })
    expect(toolResults(r.api)[0]).toContain('legit-done')
    expect(diffTrees(before, listTree(ws))).toEqual([])
    expect(r.records.filter(c => c.verdict === 'applied' || c.verdict === 'patched')).toEqual([])
  }, 600_000)

  it('directories keep their modes, read-only ones included, with the large files the stage brings into them', async () => {
    const ws = await checkout('modes')
    for (const [d, mode] of [
      ['locked', 0o555],
      ['private', 0o750]
    ] as const) {
      fs.mkdirSync(path.join(ws, d))
      fs.writeFileSync(path.join(ws, d, 'big.bin'), LARGE) // staged: the guest's copy writes into the directory
      fs.writeFileSync(path.join(ws, d, 'small.txt'), `${d}\n`) // streamed
      execFileSync('chown', ['-R', '1001:1001', path.join(ws, d)])
      fs.chmodSync(path.join(ws, d), mode)
    }
    const r = await run('modes', ws, [`cd ${ws} && stat -c '%a %n' locked private assets && md5sum locked/big.bin private/big.bin && cat locked/small.txt`], {
      'workspace-changes': 'none'
    })
    expect([r.main.code, r.main.stdout.split('\n').filter(l => l.startsWith('::error'))]).toEqual([0, []])
    const said = toolResults(r.api)[0] ?? ''
    const md5 = crypto.createHash('md5').update(LARGE).digest('hex')
    expect(said).toContain('555 locked\n750 private\n755 assets')
    expect(said).toContain(`${md5}  locked/big.bin\n${md5}  private/big.bin\nlocked`)
    expect(r.log).toMatch(/workspace: copied into the bottle .*, [1-9]\d* of them through the stage/)
  }, 600_000)
})
