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
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

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

  it('after restore, no host git command runs anything planted, the agent\'s commits stay, and no host file was touched', () => {
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
      expect(undone.join('\n')).toMatch(/\.git\/config \(link\)/)

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

  it('keeps what git itself writes (objects, refs, logs, index, HEAD) and judges the rest', () => {
    expect(['objects/ab/cdef', 'refs/heads/hooks', 'refs/heads/x/config', 'logs/HEAD', 'index', 'HEAD', 'packed-refs', 'modules/sub/refs/heads/main', 'modules/a/b/objects/pack/p.pack'].map(classify)).toEqual(Array(9).fill('state'))
    expect(['config', 'hooks/pre-commit', 'info/attributes', 'commondir', 'config.worktree', 'objects/info/alternates', 'modules/sub/config', 'modules/sub/hooks/post-checkout', 'worktrees/w/commondir', 'description', 'branches/x'].map(classify)).toEqual(Array(11).fill('guarded'))
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
    expect(secrets).toEqual(expect.arrayContaining(['ghs_insteadOfTokenBBBBBBBBBBBBBBBBBBBBB2', 'ghs_pushUrlTokenCCCCCCCCCCCCCCCCCCCCCCC3', 'proxyPassword99', BASIC, TOKEN]))
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
})
