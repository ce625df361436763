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
import { type GitPiece, readGuestRepo, shareableObjects } from '../../src/bottle/workspace/guest-repo.js'

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
