/**
 * Which of the runner's git objects the bottle's repository gets, on real git repositories:
 * only what its refs, HEAD and index reach. A store holding anything else (a stash, a commit
 * reset away, a blob added and dropped: a credential file an earlier step staged) is not
 * borrowed; the bottle then gets a pack of exactly what it may have. The repository is built
 * here from the pieces readGuestRepo returns, and asked with git what it holds.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type GitPiece, heldBackInRepo, readGuestRepo, shareableObjects } from '../../src/bottle/workspace/guest-repo.js'

let dir: string
let ws: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-repo-objects-'))
  ws = path.join(dir, 'ws')
  fs.mkdirSync(ws)
  git(ws, 'init', '-q', '-b', 'main')
  fs.writeFileSync(path.join(ws, 'a.txt'), 'a\n')
  git(ws, 'add', '.')
  git(ws, 'commit', '-qm', 'one')
  fs.writeFileSync(path.join(ws, 'b.txt'), 'b\n')
  git(ws, 'add', '.')
  git(ws, 'commit', '-qm', 'two')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function git(at: string, ...args: string[]): string {
  return execFileSync('git', ['-C', at, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim()
}

/** A blob only the runner's store holds: written, never reachable from a ref or the index. */
function dropped(body: string): string {
  return execFileSync('git', ['-C', ws, 'hash-object', '-w', '--stdin'], { input: body, encoding: 'utf8' }).trim()
}

/** The bottle's repository made from its pieces (the working tree copied as the door does), in `at`. */
function materialize(pieces: GitPiece[], at: string): void {
  fs.cpSync(ws, at, { recursive: true, filter: src => !src.includes(`${path.sep}.git`) })
  for (const p of pieces) {
    const to = path.join(at, '.git', p.rel)
    if ('dir' in p) fs.mkdirSync(to, { recursive: true })
    else fs.writeFileSync(to, 'data' in p ? p.data : fs.readFileSync(p.hostPath))
  }
}

const has = (repo: string, oid: string) => spawnSync('git', ['-C', repo, 'cat-file', '-e', oid]).status === 0

async function bottleRepo(): Promise<string> {
  const draft = await readGuestRepo(ws, { packInto: path.join(dir, 'pack') })
  const at = path.join(dir, 'bottle')
  materialize(draft!.withOrigin(undefined).pieces, at)
  return at
}

describe('borrowing the store', () => {
  it('is allowed when every object is reachable from the refs, HEAD or the index', async () => {
    git(ws, 'repack', '-q', '-a', '-d')
    fs.writeFileSync(path.join(ws, 'staged.txt'), 'staged, not committed\n')
    git(ws, 'add', 'staged.txt') // a loose blob the index reaches
    expect(await shareableObjects(ws)).toBe(path.join(ws, '.git', 'objects'))
  })

  it('is allowed when an object is both loose and packed (counted twice by count-objects)', async () => {
    git(ws, 'repack', '-q', '-a') // packs them, keeps the loose copies
    expect(Number(/count: (\d+)/.exec(git(ws, 'count-objects', '-v'))![1])).toBeGreaterThan(0)
    expect(await shareableObjects(ws)).toBe(path.join(ws, '.git', 'objects'))
  })

  it('is refused when the store holds a stash', async () => {
    fs.writeFileSync(path.join(ws, 'a.txt'), 'CANARY-stashed-credential\n')
    git(ws, 'stash', '-q')
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  it('is refused when the store holds a blob nothing reaches (added and dropped)', async () => {
    dropped('CANARY-dropped-credential\n')
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  it('is refused when a commit was reset away (its tree and blob are still in the store)', async () => {
    fs.writeFileSync(path.join(ws, 'gone.txt'), 'CANARY-reset-away\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'three')
    git(ws, 'reset', '-q', '--hard', 'HEAD~1')
    expect(await shareableObjects(ws)).toBeUndefined()
  })
})

describe('the pack the bottle gets instead', () => {
  it('holds what the refs, HEAD and index reach, and nothing the runner stashed, dropped or reset away', async () => {
    fs.writeFileSync(path.join(ws, 'gone.txt'), 'CANARY-reset-away\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'three')
    const resetAway = git(ws, 'rev-parse', 'HEAD')
    const resetBlob = git(ws, 'rev-parse', 'HEAD:gone.txt')
    git(ws, 'reset', '-q', '--hard', 'HEAD~1')
    git(ws, 'tag', '-a', 'v1', '-m', 'tagged') // an annotated tag: a ref the bottle gets
    fs.writeFileSync(path.join(ws, 'a.txt'), 'CANARY-stashed-credential\n')
    git(ws, 'stash', '-q')
    const stash = git(ws, 'rev-parse', 'refs/stash')
    const stashBlob = git(ws, 'rev-parse', 'refs/stash:a.txt')
    const droppedBlob = dropped('CANARY-dropped-credential\n')
    fs.writeFileSync(path.join(ws, 'staged.txt'), 'staged, not committed\n')
    git(ws, 'add', 'staged.txt')
    const stagedBlob = git(ws, 'rev-parse', ':staged.txt')

    const bottle = await bottleRepo()
    expect({
      head: git(bottle, 'log', '--format=%s', 'HEAD'),
      tag: git(bottle, 'cat-file', '-t', 'v1'),
      staged: has(bottle, stagedBlob),
      fsck: spawnSync('git', ['-C', bottle, 'fsck', '--no-dangling', '--connectivity-only']).status,
      status: git(bottle, 'status', '--porcelain'),
      // not in the bottle
      stash: has(bottle, stash),
      stashBlob: has(bottle, stashBlob),
      dropped: has(bottle, droppedBlob),
      resetAway: has(bottle, resetAway),
      resetBlob: has(bottle, resetBlob),
      refs: git(bottle, 'for-each-ref', '--format=%(refname)').split('\n')
    }).toEqual({
      head: 'two\none',
      tag: 'tag',
      staged: true,
      fsck: 0,
      status: 'A  staged.txt',
      stash: false,
      stashBlob: false,
      dropped: false,
      resetAway: false,
      resetBlob: false,
      refs: ['refs/heads/main', 'refs/tags/v1']
    })
    // the runner's store still has them all: nothing was removed there
    expect([stash, stashBlob, droppedBlob, resetAway, resetBlob].every(o => has(ws, o))).toBe(true)
  })

  it('a detached HEAD is packed with its history', async () => {
    const first = git(ws, 'rev-parse', 'HEAD~1')
    git(ws, 'checkout', '-q', '--detach', first)
    git(ws, 'branch', '-q', '-D', 'main')
    const bottle = await bottleRepo()
    expect({ head: git(bottle, 'rev-parse', 'HEAD'), log: git(bottle, 'log', '--format=%s') }).toEqual({ head: first, log: 'one' })
  })

  it('an unborn branch with nothing staged gets an empty pack, and git works', async () => {
    const empty = path.join(dir, 'empty')
    fs.mkdirSync(empty)
    git(empty, 'init', '-q', '-b', 'main')
    ws = empty
    const bottle = await bottleRepo()
    expect({ status: git(bottle, 'status', '--porcelain'), head: spawnSync('git', ['-C', bottle, 'rev-parse', '--verify', '-q', 'HEAD']).status }).toEqual({
      status: '',
      head: 1
    })
  })
})

describe("what an attacker's review found (each failed before its fix)", () => {
  it('a blob staged in another worktree of the repository is neither borrowed nor packed', async () => {
    git(ws, 'worktree', 'add', '-q', path.join(dir, 'other'))
    fs.writeFileSync(path.join(dir, 'other', 'creds'), 'CANARY-other-worktree-secret\n')
    git(path.join(dir, 'other'), 'add', 'creds')
    const secret = git(path.join(dir, 'other'), 'rev-parse', ':creds')
    expect(await shareableObjects(ws)).toBeUndefined()
    expect(has(await bottleRepo(), secret)).toBe(false)
  })

  it('a graft on the runner does not make a commit reset away reachable', async () => {
    fs.writeFileSync(path.join(ws, 's.txt'), 'CANARY-graft-secret\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'secret')
    const secretCommit = git(ws, 'rev-parse', 'HEAD')
    const blob = git(ws, 'rev-parse', 'HEAD:s.txt')
    git(ws, 'reset', '-q', '--hard', 'HEAD~1')
    fs.writeFileSync(path.join(ws, '.git', 'info', 'grafts'), `${git(ws, 'rev-parse', 'HEAD')} ${secretCommit}\n`)
    expect(await shareableObjects(ws)).toBeUndefined()
    expect(has(await bottleRepo(), blob)).toBe(false)
  })

  it("filter-branch's backup of a rewritten history (refs/original/) stays out", async () => {
    const old = git(ws, 'rev-parse', 'HEAD~1')
    git(ws, 'update-ref', 'refs/original/refs/heads/main', old)
    git(ws, 'reset', '-q', '--hard', 'HEAD') // nothing else changes: only the backup ref names `old`
    const bottle = await bottleRepo()
    expect(git(bottle, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main')
  })

  it("packing writes nothing into the runner's .git: a pack dir on another file system works, the store is as it was", async () => {
    dropped('CANARY-dropped\n') // so the store is packed, not borrowed
    const objects = path.join(ws, '.git', 'objects')
    const listed = execFileSync('find', [objects, '-printf', '%p %s\n'], { encoding: 'utf8' })
    // /dev/shm is another file system than the checkout's: git's own temporary pack there could not be renamed over
    const packDir = fs.mkdtempSync(path.join('/dev/shm', 'bb-pack-test-'))
    try {
      const draft = await readGuestRepo(ws, { packInto: path.join(packDir, 'p') })
      const bottle = path.join(dir, 'bottle')
      materialize(draft!.withOrigin(undefined).pieces, bottle)
      expect(git(bottle, 'log', '--format=%s')).toBe('two\none')
    } finally {
      fs.rmSync(packDir, { recursive: true, force: true })
    }
    expect(execFileSync('find', [objects, '-printf', '%p %s\n'], { encoding: 'utf8' })).toBe(listed)
  })
})

describe('held-back files git still tracks', () => {
  const KEY = 'sk-ant-api03-heldBackTracked-0123456789'
  const heldBack = (entries: Record<string, string>) => new Map(Object.entries(entries))
  const CRED = 'a credential file a runner step left (gha-creds-*.json)'
  const SECRET = "holds one of the run's secrets"

  it('a credential file staged or committed is named; one never added is not', async () => {
    fs.writeFileSync(path.join(ws, 'gha-creds-0123abcd.json'), '{"private_key":"CANARY-gcp-key"}\n')
    fs.writeFileSync(path.join(ws, 'gha-creds-untracked.json'), '{}\n')
    git(ws, 'add', 'gha-creds-0123abcd.json') // an earlier step's `git add -A`
    expect(await heldBackInRepo(ws, heldBack({ 'gha-creds-0123abcd.json': CRED, 'gha-creds-untracked.json': CRED }), [KEY])).toEqual([
      'gha-creds-0123abcd.json'
    ])
  })

  it("a file with a run secret is named when HEAD's or the index's copy holds it, not when only the working copy does", async () => {
    fs.mkdirSync(path.join(ws, 'notes'))
    fs.writeFileSync(path.join(ws, 'notes', 'committed.txt'), `key ${KEY}\n`)
    fs.writeFileSync(path.join(ws, 'notes', 'later.txt'), 'clean when committed\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'three')
    fs.writeFileSync(path.join(ws, 'notes', 'later.txt'), `key ${KEY}\n`) // the secret only in the working copy
    fs.writeFileSync(path.join(ws, 'notes', 'committed.txt'), 'scrubbed in the working copy only\n')
    const names = await heldBackInRepo(ws, heldBack({ 'notes/committed.txt': SECRET, 'notes/later.txt': SECRET }), [KEY])
    expect(names).toEqual(['notes/committed.txt'])
  })

  it('nothing held back, or no checkout: nothing to say', async () => {
    expect(await heldBackInRepo(ws, new Map(), [KEY])).toEqual([])
    fs.rmSync(path.join(ws, '.git'), { recursive: true })
    expect(await heldBackInRepo(ws, heldBack({ 'a.txt': CRED }), [KEY])).toEqual([])
  })
})
