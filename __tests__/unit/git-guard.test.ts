/**
 * The workspace's .git after an agent had it: every vector in git-attacks.ts planted as the
 * workspace's owner, then the host commands a runner's later steps run. Planted here by the test
 * (fast, every vector including the ones docker's pins stop); the escape suite plants them from a
 * real bottle. The control shows the same plants fire without the guard.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { classify, restoreWorkspaceGit, snapshotWorkspaceGit } from '../../src/bottle/git-guard.js'
import { credentialSecrets, stripGitCredentials, workspaceGitSecrets } from '../../src/bottle/git-credentials.js'
import { gateOrigin } from '../../src/gitgate/origin.js'
import { commitSubjects, firedDir, plantResults, plantScript, runHostGit, VECTORS } from '../git-attacks.js'

const OWNER = 1001
const TOKEN = 'ghs_guardUnitTokenAAAAAAAAAAAAAAAAAAAAAA1'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

function checkout(dir: string): string {
  const ws = path.join(dir, 'ws')
  fs.mkdirSync(ws, { recursive: true })
  const git = (...a: string[]) => execFileSync('git', ['-C', ws, '-c', 'user.name=t', '-c', 'user.email=t@x', ...a], { stdio: 'ignore' })
  git('init', '-q', '-b', 'main')
  fs.writeFileSync(path.join(ws, 'README.md'), '# t\n')
  git('add', '.')
  git('commit', '-qm', 'init')
  git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`)
  git('remote', 'add', 'origin', 'https://github.com/acme/widgets.git')
  execFileSync('chown', ['-R', `${OWNER}:${OWNER}`, ws])
  return ws
}

const plant = (ws: string, fired: string, hostFile: string) => {
  const r = spawnSync('setpriv', ['--reuid', String(OWNER), '--regid', String(OWNER), '--clear-groups', 'bash', '-c', plantScript(ws, fired, hostFile)], {
    cwd: ws,
    env: { PATH: process.env['PATH'], HOME: ws },
    encoding: 'utf8',
    timeout: 60_000
  })
  fs.rmSync(path.join(fired, 'fired.txt'), { force: true }) // what fired while planting is not the point
  return r
}

describe('the workspace .git guard', () => {
  let dir: string
  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('this test plants as uid 1001 and needs root (the suite runs as root in CI)')
  })
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-guard-'))
    fs.chmodSync(dir, 0o755)
  })
  afterEach(() => void spawnSync('rm', ['-rf', dir])) // rm walks trees deeper than a path can name

  it('control: without the guard, the planted vectors run on the host', () => {
    const ws = checkout(dir)
    const fired = firedDir(dir)
    const hostFile = path.join(dir, 'host-file')
    fs.writeFileSync(hostFile, 'host\n')
    const planted = plant(ws, fired, hostFile)
    expect(planted.status).toBe(0)
    // .git moved and replaced by a link, config a link to a host file: git follows the link
    const hits = runHostGit(ws, fired)
    expect(hits).toEqual(expect.arrayContaining(['diff-external', 'filter', 'hookspath', 'nested-repo', 'textconv']))
  })

  it("after restore, no host git command runs anything planted, the agent's commits stay, and no host file was touched", () => {
    const ws = checkout(dir)
    const configBefore = fs.readFileSync(path.join(ws, '.git', 'config'))
    const hooksBefore = fs.readdirSync(path.join(ws, '.git', 'hooks')).sort()
    const fired = firedDir(dir)
    const hostFile = path.join(dir, 'host-file')
    fs.writeFileSync(hostFile, 'host\n', { mode: 0o644 })
    const snapshotDir = path.join(dir, 'state', 'git-snapshot')
    const ref = snapshotWorkspaceGit(ws, snapshotDir)!
    expect(fs.statSync(snapshotDir).mode & 0o777).toBe(0o700)
    return stripGitCredentials(ws).then(() => {
      expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).not.toContain(BASIC)
      const planted = plant(ws, fired, hostFile)
      expect(planted.stdout + planted.stderr).toBe('')
      expect(plantResults(ws)).toEqual(Object.fromEntries(VECTORS.map(v => [v, 'planted'])))

      const undone = restoreWorkspaceGit(ref)
      expect(undone.join('\n')).toMatch(/\.git \(moved back from \.git-moved\)/)
      expect(undone.join('\n')).toMatch(/sub\/\.git \(added by the agent/)
      expect(undone.join('\n')).toMatch(/\.git\/commondir \(added\)/)
      expect(undone.join('\n')).toMatch(/\.git\/config \(changed: put back\)/)

      expect(runHostGit(ws, fired)).toEqual([])
      const gitDir = fs.lstatSync(path.join(ws, '.git'))
      expect(gitDir.isDirectory() && !gitDir.isSymbolicLink()).toBe(true)
      const config = fs.lstatSync(path.join(ws, '.git', 'config'))
      expect({ file: config.isFile(), uid: config.uid }).toEqual({ file: true, uid: OWNER })
      // byte for byte as before the run: credentials back, nothing of the agent's
      expect(fs.readFileSync(path.join(ws, '.git', 'config')).equals(configBefore)).toBe(true)
      expect(fs.readdirSync(path.join(ws, '.git', 'hooks')).sort()).toEqual(hooksBefore)
      for (const f of ['commondir', 'config.worktree', 'info/attributes']) expect(fs.existsSync(path.join(ws, '.git', f))).toBe(false)
      expect(fs.readFileSync(hostFile, 'utf8')).toBe('host\n')
      expect(fs.statSync(hostFile).uid).toBe(0)
      // the agent's work (and the host's commit just now) are there
      expect(commitSubjects(ws)).toEqual(expect.arrayContaining(['agent work', 'add sub', 'a later step', 'init']))
      expect(fs.existsSync(snapshotDir)).toBe(false) // it held the credentials
      expect(restoreWorkspaceGit(ref)).toEqual([]) // idempotent: the post step after the main step
    })
  })

  const asOwner = (ws: string, script: string) =>
    spawnSync('setpriv', ['--reuid', String(OWNER), '--regid', String(OWNER), '--clear-groups', 'bash', '-c', script], {
      cwd: ws,
      env: { PATH: process.env['PATH'], HOME: ws },
      encoding: 'utf8',
      timeout: 120_000
    })
  const payload = (ws: string, fired: string) => `printf '#!/bin/sh\\necho "$1" >> ${fired}/fired.txt\\n' > ${ws}/.payload && chmod +x ${ws}/.payload`

  it('a tree too deep for path-based calls, in .git and in the work tree, cannot stop the restore', () => {
    const ws = checkout(dir)
    const fired = firedDir(dir)
    const ref = snapshotWorkspaceGit(ws, path.join(dir, 'state', 'git-snapshot'))!
    const deep = 'for i in $(seq 1 600); do mkdir aaaaaaaaaa && cd aaaaaaaaaa; done'
    const r = asOwner(
      ws,
      `set -e
${payload(ws, fired)}
git config core.fsmonitor "${ws}/.payload fsmonitor"
(cd .git/refs && mkdir deep && cd deep && ${deep})
(mkdir -p work && cd work && ${deep} && mkdir .git && printf '[core]\\n\\tfsmonitor = ${ws}/.payload deep-nested\\n' > .git/config)
echo planted`
    )
    expect(r.stdout).toContain('planted')
    const undone = restoreWorkspaceGit(ref)
    expect(undone.join('\n')).toMatch(/\.git\/refs\/deep.*\(a tree deeper than git can use; removed\)/)
    expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).not.toContain('fsmonitor')
    expect(runHostGit(ws, fired)).toEqual([])
  })

  it('a submodule named "refs" does not make its config and hooks look like repository data', () => {
    const ws = checkout(dir)
    const fired = firedDir(dir)
    const src = path.join(dir, 'src-repo')
    execFileSync('git', ['init', '-q', src])
    execFileSync('git', ['-C', src, '-c', 'user.name=a', '-c', 'user.email=a@x', 'commit', '-q', '--allow-empty', '-m', 's'])
    execFileSync('chown', ['-R', `${OWNER}:${OWNER}`, src])
    const ref = snapshotWorkspaceGit(ws, path.join(dir, 'state', 'git-snapshot'))!
    const r = asOwner(
      ws,
      `set -e
${payload(ws, fired)}
git -c protocol.file.allow=always -c safe.directory='*' submodule add -q --name refs ${src} refs
git -c user.name=a -c user.email=a@x commit -qm 'add a submodule named refs'
git -C refs config core.fsmonitor "${ws}/.payload submodule-fsmonitor"
for h in post-checkout pre-commit; do printf '#!/bin/sh\\n${ws}/.payload submodule-hook\\n' > .git/modules/refs/hooks/$h; chmod +x .git/modules/refs/hooks/$h; done
echo planted`
    )
    expect(r.stdout + r.stderr).toContain('planted')
    const undone = restoreWorkspaceGit(ref)
    expect(undone.join('\n')).toMatch(/\.git\/modules\/refs\/config \(added\)/)
    expect(fs.existsSync(path.join(ws, '.git', 'modules', 'refs', 'hooks', 'post-checkout'))).toBe(false)
    // a later step initialises the submodule again: the git dir it reuses runs nothing
    spawnSync(
      'setpriv',
      [
        '--reuid',
        String(OWNER),
        '--regid',
        String(OWNER),
        '--clear-groups',
        'git',
        '-c',
        'protocol.file.allow=always',
        'submodule',
        'update',
        '--init',
        '--force'
      ],
      { cwd: ws, env: { PATH: process.env['PATH'], HOME: dir }, timeout: 30_000 }
    )
    expect(runHostGit(ws, fired)).toEqual([])
  })

  it('links, FIFOs and lock files anywhere in .git (the object store included) are removed', () => {
    const ws = checkout(dir)
    const ref = snapshotWorkspaceGit(ws, path.join(dir, 'state', 'git-snapshot'))!
    const r = asOwner(
      ws,
      `set -e
mkdir -p .git/objects/pack && mkfifo .git/objects/pack/pack-0000000000000000000000000000000000000000.idx
ln -s /etc/shadow .git/objects/pack/pack-0000000000000000000000000000000000000000.pack
mkdir -p .git/rebase-merge && printf 'exec touch pwned\\n' > .git/rebase-merge/git-rebase-todo
touch .git/index.lock .git/refs/heads/main.lock
echo planted`
    )
    expect(r.stdout).toContain('planted')
    const undone = restoreWorkspaceGit(ref).join('\n')
    for (const gone of [
      'objects/pack/pack-0000000000000000000000000000000000000000.idx (special file)',
      'objects/pack/pack-0000000000000000000000000000000000000000.pack (link)',
      'rebase-merge (added)',
      'index.lock (lock file left behind)',
      'refs/heads/main.lock (lock file left behind)'
    ]) {
      expect(undone).toContain(`.git/${gone}`)
    }
    expect(spawnSync('git', ['-c', 'safe.directory=*', '-C', ws, 'log', '-1', '--format=%s'], { encoding: 'utf8', timeout: 10_000 }).stdout).toBe('init\n')
  })

  it('a restore that cannot finish moves the git dir aside, so no later git uses it', () => {
    const ws = checkout(dir)
    const snapshotDir = path.join(dir, 'state', 'git-snapshot')
    const ref = snapshotWorkspaceGit(ws, snapshotDir)!
    fs.rmSync(path.join(snapshotDir, 'blobs', '0')) // the saved config is gone: the restore cannot finish
    fs.appendFileSync(path.join(ws, '.git', 'config'), '[core]\n\tfsmonitor = /bin/false\n')
    expect(() => restoreWorkspaceGit(ref)).toThrow(/could not put \.git back .*moved to \.git\.bot-bottle-unsafe.*Check out the repository again/)
    expect(fs.existsSync(path.join(ws, '.git'))).toBe(false)
    expect(fs.existsSync(path.join(ws, '.git.bot-bottle-unsafe', 'config'))).toBe(true)
  })

  it('keeps what git itself writes (objects, refs, logs, index, HEAD) and judges the rest', () => {
    expect(
      [
        'objects/ab/cdef',
        'refs/heads/hooks',
        'refs/heads/x/config',
        'logs/HEAD',
        'index',
        'HEAD',
        'packed-refs',
        'modules/sub/refs/heads/main',
        'modules/a/b/objects/pack/p.pack'
      ].map(classify)
    ).toEqual(Array(9).fill('state'))
    expect(
      [
        'modules/refs/config',
        'modules/refs/hooks/post-checkout',
        'modules/objects/objects/info/alternates',
        'rebase-merge/git-rebase-todo',
        'sequencer/todo'
      ].map(classify)
    ).toEqual(Array(5).fill('guarded'))
    expect(
      [
        'config',
        'hooks/pre-commit',
        'info/attributes',
        'commondir',
        'config.worktree',
        'objects/info/alternates',
        'modules/sub/config',
        'modules/sub/hooks/post-checkout',
        'worktrees/w/commondir',
        'description',
        'branches/x'
      ].map(classify)
    ).toEqual(Array(11).fill('guarded'))
    expect(['index.lock', 'refs/heads/main.lock', 'config.lock'].map(classify)).toEqual(['lock', 'lock', 'lock'])
  })
})

describe('checkout credentials', () => {
  it('finds them in extraheaders, URLs, insteadOf bases, proxies and the file newer checkouts include, and takes them out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cred-'))
    const ws = checkout(dir)
    const cfg = path.join(ws, '.git', 'config')
    const set = (...a: string[]) => execFileSync('git', ['config', '--file', cfg, ...a])
    set('url.https://x-access-token:ghs_insteadOfTokenBBBBBBBBBBBBBBBBBBBBB2@github.com/.insteadOf', 'https://github.com/')
    set('remote.origin.pushurl', 'https://ghs_pushUrlTokenCCCCCCCCCCCCCCCCCCCCCCC3@github.com/acme/widgets.git')
    set('http.proxy', 'http://proxyuser:proxyPassword99@proxy.internal:3128')
    set('--unset-all', 'http.https://github.com/.extraheader')
    const included = path.join(dir, 'git-credentials-1234.config')
    execFileSync('git', ['config', '--file', included, 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`])
    set(`includeIf.gitdir:${ws}/.git.path`, included)

    const secrets = workspaceGitSecrets(ws)
    expect(secrets).toEqual(
      expect.arrayContaining(['ghs_insteadOfTokenBBBBBBBBBBBBBBBBBBBBB2', 'ghs_pushUrlTokenCCCCCCCCCCCCCCCCCCCCCCC3', 'proxyPassword99', BASIC, TOKEN])
    )
    const saved = await stripGitCredentials(ws)
    const after = fs.readFileSync(cfg, 'utf8')
    for (const s of secrets) expect(after.includes(s)).toBe(false)
    expect(after).toContain('pushurl = https://github.com/acme/widgets.git')
    expect(after).toContain('proxy = http://proxy.internal:3128')
    // the gate still gets the checkout's credential, from the included file
    const origin = await gateOrigin(ws, saved, undefined)
    expect(origin).toMatchObject({ credentialSource: 'checkout extraheader', authHeader: { name: 'authorization', value: `basic ${BASIC}` } })
    expect(credentialSecrets('url = https://ghs_onlyUserTokenDDDDDDDDDDDDDDDDDDDDDD4@github.com/x')).toEqual(['ghs_onlyUserTokenDDDDDDDDDDDDDDDDDDDDDD4'])
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('takes them out of submodule git dirs too (actions/checkout with submodules: true)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cred-sub-'))
    const ws = checkout(dir)
    const sub = path.join(ws, '.git', 'modules', 'libs', 'deps')
    execFileSync('git', ['init', '-q', '--bare', sub])
    execFileSync('git', ['config', '--file', path.join(sub, 'config'), 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`])
    expect(workspaceGitSecrets(ws)).toEqual(expect.arrayContaining([BASIC, TOKEN]))
    await stripGitCredentials(ws)
    expect(fs.readFileSync(path.join(sub, 'config'), 'utf8')).not.toContain(BASIC)
    expect(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8')).not.toContain(BASIC)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
