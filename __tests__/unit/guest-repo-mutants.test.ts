/**
 * The bottle's git repository as readGuestRepo makes it, pinned where the other tests left it to
 * chance (mutation testing's survivors): exactly which pieces of `.git` go in (nothing else of
 * the runner's: no hooks, no config, no logs), the config written from nothing (its text, the
 * runner's identity only when printable, quoted; origin and upstream; a sha256 repository),
 * HEAD (a branch, or `main` when the runner's points outside refs/heads), which refs go in, the
 * runner's GIT_* variables ignored, the private pack directory and a pack that cannot be made;
 * when the runner's object store may be borrowed (every directory and file readable by all, no
 * links; a dropped blob found loose, packed or both; a store git cannot walk refused; a plain
 * directory inside another checkout is none); and gitDirBytes. On real git repositories;
 * expected values are written out.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type GitPiece, gitDirBytes, heldBackInRepo, readGuestRepo, shareableObjects } from '../../src/bottle/workspace/guest-repo.js'

let dir: string
let ws: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-repo-mutants-'))
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
const dropped = (body: string): string => execFileSync('git', ['-C', ws, 'hash-object', '-w', '--stdin'], { input: body, encoding: 'utf8' }).trim()

/** The loose file of an object in the runner's store. */
const looseFile = (oid: string) => path.join(ws, '.git', 'objects', oid.slice(0, 2), oid.slice(2))

/** The bottle's repository made from its pieces (the working tree copied as the door does), in `at`. */
function materialize(pieces: GitPiece[], at: string): string {
  fs.cpSync(ws, at, { recursive: true, filter: src => !src.includes(`${path.sep}.git`) })
  for (const p of pieces) {
    const to = path.join(at, '.git', p.rel)
    if ('dir' in p) fs.mkdirSync(to, { recursive: true })
    else fs.writeFileSync(to, 'data' in p ? p.data : fs.readFileSync(p.hostPath))
  }
  return at
}

const packed = () => ({ packInto: path.join(dir, 'pack') })
const piece = (pieces: GitPiece[], rel: string) => pieces.find(p => p.rel === rel)
const text = (p: GitPiece | undefined) => (p && 'data' in p ? p.data.toString('utf8') : undefined)

/** Each piece as `<rel> (dir|written|copied)`, a pack's name made generic. */
const listed = (pieces: GitPiece[]) =>
  pieces.map(p => `${p.rel.replace(/pack-[0-9a-f]{40,64}/, 'pack-<name>')} (${'dir' in p ? 'dir' : 'data' in p ? 'written' : 'copied'})`)

const CORE = [
  '[core]',
  '\trepositoryformatversion = 0',
  '\tfilemode = true',
  '\tbare = false',
  '\tlogallrefupdates = true',
  '\ttrustctime = false',
  '\tcheckStat = minimal'
]

describe("the bottle's .git", () => {
  it("holds HEAD, the refs, a pack, the index, info/exclude and a config written here: nothing else of the runner's .git", async () => {
    git(ws, 'checkout', '-q', '-b', 'feature')
    git(ws, 'tag', 'v1')
    fs.writeFileSync(path.join(ws, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
    git(ws, 'config', 'alias.st', '!echo ALIAS-RAN')
    git(ws, 'config', 'core.hooksPath', '/tmp/elsewhere')
    git(ws, 'config', 'credential.helper', 'store')
    fs.writeFileSync(path.join(ws, '.git', 'FETCH_HEAD'), 'runner state\n')
    const draft = await readGuestRepo(ws, packed())
    const { pieces, summary } = draft!.withOrigin(undefined)
    expect(listed(pieces)).toEqual([
      'refs (dir)',
      'refs/heads (dir)',
      'refs/tags (dir)',
      'objects (dir)',
      'objects/info (dir)',
      'objects/pack (dir)',
      'info (dir)',
      'HEAD (written)',
      'packed-refs (written)',
      'objects/pack/pack-<name>.pack (copied)',
      'objects/pack/pack-<name>.idx (copied)',
      'index (copied)',
      'info/exclude (copied)',
      'config (written)'
    ])
    expect(text(piece(pieces, 'HEAD'))).toBe('ref: refs/heads/feature\n')
    expect(text(piece(pieces, 'config'))).toBe(`${CORE.join('\n')}\n`)
    expect(summary).toBe('3 refs, a pack of what its refs and index reach, HEAD refs/heads/feature')
    const bottle = materialize(pieces, path.join(dir, 'bottle'))
    expect({
      head: git(bottle, 'symbolic-ref', 'HEAD'),
      refs: git(bottle, 'for-each-ref', '--format=%(refname)').split('\n'),
      log: git(bottle, 'log', '--format=%s'),
      fsck: spawnSync('git', ['-C', bottle, 'fsck', '--no-dangling']).status,
      status: git(bottle, 'status', '--porcelain')
    }).toEqual({ head: 'refs/heads/feature', refs: ['refs/heads/feature', 'refs/heads/main', 'refs/tags/v1'], log: 'two\none', fsck: 0, status: '' })
  })

  it("borrowing: an alternate naming where the runner's store is mounted, no pack, and git reads the history through it", async () => {
    const draft = await readGuestRepo(ws, { borrowAt: '/opt/bot-bottle/git-objects' })
    const { pieces, summary } = draft!.withOrigin(undefined)
    expect(listed(pieces).filter(l => l.startsWith('objects/'))).toEqual(['objects/info (dir)', 'objects/pack (dir)', 'objects/info/alternates (written)'])
    expect(text(piece(pieces, 'objects/info/alternates'))).toBe('/opt/bot-bottle/git-objects\n')
    expect(summary).toBe("1 refs, the runner's objects borrowed read-only, HEAD refs/heads/main")
    const here = (await readGuestRepo(ws, { borrowAt: path.join(ws, '.git', 'objects') }))!.withOrigin(undefined).pieces
    expect(git(materialize(here, path.join(dir, 'bottle')), 'log', '--format=%s')).toBe('two\none')
  })

  it('the config: origin at the gate and the branch it tracks, the runner identity quoted as git reads it', async () => {
    git(ws, 'checkout', '-q', '-b', 'feature')
    git(ws, 'config', 'user.name', 'Jo "JJ" Back\\slash')
    git(ws, 'config', 'user.email', 'jo@example.com')
    const { pieces } = (await readGuestRepo(ws, packed()))!.withOrigin('http://gate.local:8080/repo.git')
    expect(text(piece(pieces, 'config'))).toBe(
      [
        ...CORE,
        '[user]',
        '\tname = "Jo \\"JJ\\" Back\\\\slash"',
        '[user]',
        '\temail = "jo@example.com"',
        '[remote "origin"]',
        '\turl = "http://gate.local:8080/repo.git"',
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '[branch "feature"]',
        '\tremote = origin',
        '\tmerge = "refs/heads/feature"',
        ''
      ].join('\n')
    )
    const bottle = materialize(pieces, path.join(dir, 'bottle'))
    const get = (key: string) => execFileSync('git', ['-C', bottle, 'config', '--get', key], { encoding: 'utf8' }).trim()
    expect([get('user.name'), get('user.email'), get('remote.origin.url'), get('branch.feature.merge')]).toEqual([
      'Jo "JJ" Back\\slash',
      'jo@example.com',
      'http://gate.local:8080/repo.git',
      'refs/heads/feature'
    ])
  })

  it("the runner's identity only when it is one printable line of at most 256 characters", async () => {
    const nameIn = async (name: string) => {
      git(ws, 'config', 'user.name', name)
      const config = text(piece((await readGuestRepo(ws, packed()))!.withOrigin(undefined).pieces, 'config'))!
      return config.includes('[user]') ? /\tname = (.*)\n/.exec(config)![1] : 'not copied'
    }
    expect(await nameIn('J')).toBe('"J"')
    expect(await nameIn('x'.repeat(256))).toBe(`"${'x'.repeat(256)}"`)
    expect(await nameIn('x'.repeat(257))).toBe('not copied')
    expect(await nameIn('tab\there')).toBe('not copied')
    expect(await nameIn('del\x7f')).toBe('not copied')
  })

  it('a sha256 repository: its object format in the config, its refs and history kept', async () => {
    const sha = path.join(dir, 'sha256')
    fs.mkdirSync(sha)
    git(sha, 'init', '-q', '-b', 'main', '--object-format=sha256')
    fs.writeFileSync(path.join(sha, 'a.txt'), 'a\n')
    git(sha, 'add', '.')
    git(sha, 'commit', '-qm', 'sha one')
    ws = sha
    const { pieces, summary } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect(text(piece(pieces, 'config'))).toBe(
      `${['[core]', '\trepositoryformatversion = 1', ...CORE.slice(2), '[extensions]', '\tobjectformat = sha256'].join('\n')}\n`
    )
    expect(text(piece(pieces, 'packed-refs'))).toMatch(/^[0-9a-f]{64} refs\/heads\/main\n$/)
    expect(summary).toBe('1 refs, a pack of what its refs and index reach, HEAD refs/heads/main')
    const bottle = materialize(pieces, path.join(dir, 'bottle'))
    expect({ log: git(bottle, 'log', '--format=%s'), format: git(bottle, 'rev-parse', '--show-object-format') }).toEqual({ log: 'sha one', format: 'sha256' })
  })
})

describe('HEAD', () => {
  it('an unborn branch other than main is kept', async () => {
    const fresh = path.join(dir, 'fresh')
    fs.mkdirSync(fresh)
    git(fresh, 'init', '-q', '-b', 'trunk')
    ws = fresh
    const { pieces, summary } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect({ head: text(piece(pieces, 'HEAD')), summary }).toEqual({
      head: 'ref: refs/heads/trunk\n',
      summary: '0 refs, a pack of what its refs and index reach, HEAD refs/heads/trunk'
    })
  })

  it('a detached HEAD is named by its commit in the summary', async () => {
    const first = git(ws, 'rev-parse', 'HEAD~1')
    git(ws, 'checkout', '-q', '--detach', first)
    const { pieces, summary } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect({ head: text(piece(pieces, 'HEAD')), summary }).toEqual({
      head: `${first}\n`,
      summary: `1 refs, a pack of what its refs and index reach, HEAD ${first}`
    })
  })

  it("a HEAD the runner points outside refs/heads/ is not copied: the bottle's HEAD is main", async () => {
    git(ws, 'tag', 'v1')
    git(ws, 'symbolic-ref', 'HEAD', 'refs/tags/v1')
    const { pieces } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect(text(piece(pieces, 'HEAD'))).toBe('ref: refs/heads/main\n')
    expect(git(materialize(pieces, path.join(dir, 'bottle')), 'log', '--format=%s')).toBe('two\none')
  })
})

describe('which refs go in', () => {
  it('not a ref one level below refs/ (the gate refuses such names); a branch merely ending in refs/stash, or a ref under refs/stashes/, is not the stash', async () => {
    git(ws, 'update-ref', 'refs/onelevel', 'HEAD')
    git(ws, 'branch', 'backup/refs/stash')
    git(ws, 'update-ref', 'refs/stashes/old', 'HEAD')
    const { pieces } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect(text(piece(pieces, 'packed-refs'))!.replace(/[0-9a-f]{40} /g, '')).toBe('refs/heads/backup/refs/stash\nrefs/heads/main\nrefs/stashes/old\n')
  })
})

describe("the runner's environment", () => {
  it("GIT_* variables of the runner's (an earlier step's GITHUB_ENV) do not point git at another repository", async () => {
    const other = path.join(dir, 'other')
    fs.mkdirSync(other)
    git(other, 'init', '-q', '-b', 'main')
    fs.writeFileSync(path.join(other, 'x.txt'), 'CANARY-other-repository\n')
    git(other, 'add', '.')
    git(other, 'commit', '-qm', 'OTHER')
    const saved = { ...process.env }
    Object.assign(process.env, {
      GIT_DIR: path.join(other, '.git'),
      GIT_INDEX_FILE: path.join(other, '.git', 'index'),
      GIT_OBJECT_DIRECTORY: path.join(other, '.git', 'objects')
    })
    let shared: string | undefined
    let pieces: GitPiece[]
    try {
      shared = await shareableObjects(ws)
      pieces = (await readGuestRepo(ws, packed()))!.withOrigin(undefined).pieces
    } finally {
      for (const k of ['GIT_DIR', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) if (saved[k] === undefined) delete process.env[k]
      Object.assign(process.env, saved)
    }
    const bottle = materialize(pieces, path.join(dir, 'bottle'))
    expect({ shared, log: git(bottle, 'log', '--format=%s'), files: git(bottle, 'ls-files').split('\n') }).toEqual({
      shared: path.join(ws, '.git', 'objects'),
      log: 'two\none',
      files: ['a.txt', 'b.txt']
    })
  })
})

describe('the pack', () => {
  it('is made in a private directory, with its parents, and one left from before is used again', async () => {
    const into = path.join(dir, 'state', 'repo-pack')
    await readGuestRepo(ws, { packInto: into })
    expect((fs.statSync(into).mode & 0o777).toString(8)).toBe('700')
    const again = (await readGuestRepo(ws, { packInto: into }))!.withOrigin(undefined).pieces
    expect(git(materialize(again, path.join(dir, 'bottle')), 'log', '--format=%s')).toBe('two\none')
  })

  it("is this user's alone, and a link left at its name is never written through", async () => {
    const into = path.join(dir, 'repo-pack')
    const files = (await readGuestRepo(ws, { packInto: into }))!
      .withOrigin(undefined)
      .pieces.flatMap(p => ('hostPath' in p && p.rel.endsWith('.pack') ? [p.hostPath] : []))
    expect(files.map(f => (fs.statSync(f).mode & 0o777).toString(8))).toEqual(['600']) // the objects' content
    const elsewhere = path.join(dir, 'precious')
    fs.writeFileSync(elsewhere, 'keep')
    const other = path.join(dir, 'repo-pack-2')
    fs.mkdirSync(other)
    fs.symlinkSync(elsewhere, path.join(other, 'incoming.pack'))
    await expect(readGuestRepo(ws, { packInto: other })).rejects.toThrow("packing the runner's objects for the bottle's repository failed")
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('keep')
  })

  it('that git cannot walk (a corrupt tree) fails in one line, not with a pack of part of the history', async () => {
    const tree = git(ws, 'rev-parse', 'HEAD~1^{tree}')
    fs.chmodSync(looseFile(tree), 0o644)
    fs.writeFileSync(looseFile(tree), 'not a zlib stream')
    await expect(readGuestRepo(ws, packed())).rejects.toThrow(
      "packing the runner's objects for the bottle's repository failed. Check the checkout with `git fsck` in a step before this one"
    )
  })

  it('that git cannot make (a corrupt object) fails in one line naming the fix', async () => {
    const blob = git(ws, 'rev-parse', 'HEAD:b.txt')
    fs.chmodSync(looseFile(blob), 0o644)
    fs.writeFileSync(looseFile(blob), 'not a zlib stream')
    await expect(readGuestRepo(ws, packed())).rejects.toThrow(
      "packing the runner's objects for the bottle's repository failed. Check the checkout with `git fsck` in a step before this one"
    )
  })

  it('a split index: its shared index goes in, and git reads the index', async () => {
    git(ws, 'update-index', '--split-index')
    const { pieces } = (await readGuestRepo(ws, packed()))!.withOrigin(undefined)
    expect(listed(pieces).filter(l => l.startsWith('sharedindex.'))).toHaveLength(1)
    const bottle = materialize(pieces, path.join(dir, 'bottle'))
    expect({ status: git(bottle, 'status', '--porcelain'), files: git(bottle, 'ls-files').split('\n') }).toEqual({ status: '', files: ['a.txt', 'b.txt'] })
  })
})

describe('not a checkout', () => {
  it('a plain directory inside another checkout is none: neither its repository nor its store is taken', async () => {
    const inner = path.join(ws, 'sub')
    fs.mkdirSync(inner)
    fs.writeFileSync(path.join(inner, 'c.txt'), 'c\n')
    expect({ repo: await readGuestRepo(inner, packed()), shared: await shareableObjects(inner) }).toEqual({ repo: undefined, shared: undefined })
    expect(await readGuestRepo(path.join(dir, 'missing'), packed())).toBeUndefined()
  })
})

describe('borrowing the store', () => {
  const OBJECTS = () => path.join(ws, '.git', 'objects')

  it('is allowed with several refs and ten or more objects, all reachable', async () => {
    git(ws, 'checkout', '-q', '-b', 'other')
    fs.writeFileSync(path.join(ws, 'c.txt'), 'c\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'three')
    git(ws, 'tag', '-a', 'v1', '-m', 'tagged')
    git(ws, 'checkout', '-q', 'main')
    expect(Number(git(ws, 'rev-list', '--count', '--objects', '--all'))).toBe(10)
    expect(await shareableObjects(ws)).toBe(OBJECTS())
  })

  it.each([
    ['loose, beside a history that is all packed', () => (git(ws, 'repack', '-q', '-a', '-d'), dropped('CANARY-dropped\n'))],
    ['only in a pack, beside loose history', () => packOnly(dropped('CANARY-dropped\n'), { prune: true })],
    ['both loose and in a pack', () => packOnly(dropped('CANARY-dropped\n'), { prune: false })]
  ])('is refused when a dropped blob is %s', async (_, drop) => {
    drop()
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  /** Packs one object on its own; `prune` removes its loose copy. */
  function packOnly(oid: string, { prune }: { prune: boolean }): void {
    execFileSync('git', ['-C', ws, 'pack-objects', '-q', path.join(OBJECTS(), 'pack', 'pack')], { input: `${oid}\n` })
    if (prune) git(ws, 'prune-packed')
    expect(fs.existsSync(looseFile(oid))).toBe(!prune)
  }

  it('is refused when git cannot walk the store (a corrupt tree)', async () => {
    const tree = git(ws, 'rev-parse', 'HEAD^{tree}')
    fs.chmodSync(looseFile(tree), 0o644)
    fs.writeFileSync(looseFile(tree), 'not a zlib stream')
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  it.each([
    ['the store itself is not readable by all', () => fs.chmodSync(OBJECTS(), 0o750)],
    ['a directory in it is not listable by all', () => fs.chmodSync(path.dirname(looseFile(git(ws, 'rev-parse', 'HEAD'))), 0o754)],
    ['a directory in it cannot be entered by all', () => fs.chmodSync(path.dirname(looseFile(git(ws, 'rev-parse', 'HEAD'))), 0o751)],
    ['it holds a symbolic link', () => fs.symlinkSync('/etc/hostname', path.join(OBJECTS(), 'info', 'leak'))]
  ])('is refused when %s', async (_, change) => {
    expect(await shareableObjects(ws)).toBe(OBJECTS())
    change()
    expect(await shareableObjects(ws)).toBeUndefined()
  })
})

describe('gitDirBytes', () => {
  /** A checkout whose .git holds files of known sizes: 1, 4096, 4097 and 1 bytes, 10000 under objects/, and a link. */
  function sized(): string {
    const at = path.join(dir, 'sized')
    const file = (rel: string, size: number) => {
      fs.mkdirSync(path.dirname(path.join(at, '.git', rel)), { recursive: true })
      fs.writeFileSync(path.join(at, '.git', rel), Buffer.alloc(size))
    }
    file('config', 0)
    file('HEAD', 4096)
    file('index', 4097)
    file('logs/objects/x', 1) // an `objects` directory elsewhere than the top is not the store
    file('objects/pack/p.pack', 10_000)
    fs.symlinkSync('/etc/passwd', path.join(at, '.git', 'link'))
    return at
  }

  it('counts every file under the git dir in whole 4 KiB pages (at least one each), links not, the store only when it is copied', () => {
    const at = sized()
    expect({ copied: gitDirBytes(at), alsoCopied: gitDirBytes(at, false), borrowed: gitDirBytes(at, true) }).toEqual({
      copied: 4096 + 4096 + 8192 + 4096 + 12_288,
      alsoCopied: 32_768,
      borrowed: 4096 + 4096 + 8192 + 4096
    })
  })

  it('is 0 for a directory that is no checkout, or whose .git names a git dir that is gone', () => {
    expect(gitDirBytes(path.join(dir, 'nothing'))).toBe(0)
    const wt = path.join(dir, 'worktree')
    fs.mkdirSync(wt)
    fs.writeFileSync(path.join(wt, '.git'), 'gitdir: ../gone/.git\n')
    expect(gitDirBytes(wt)).toBe(0)
  })
})

describe('held-back files git still tracks, named once each', () => {
  const CRED = 'a credential file a runner step left (gha-creds-*.json)'
  const SECRET = "holds one of the run's secrets"

  it('a path with pathspec magic characters is taken literally', async () => {
    fs.writeFileSync(path.join(ws, 'gha-creds-[1].json'), '{"private_key":"CANARY"}\n')
    fs.writeFileSync(path.join(ws, 'gha-creds-1.json'), '{}\n')
    git(ws, 'add', '.')
    expect(await heldBackInRepo(ws, new Map([['gha-creds-[1].json', CRED]]), [])).toEqual(['gha-creds-[1].json'])
  })

  it('a run secret of 8 characters or more is looked for, a shorter one not; a file whose HEAD and index copies both hold it is named once', async () => {
    fs.writeFileSync(path.join(ws, 'eight.txt'), 'x 12345678 x\n')
    fs.writeFileSync(path.join(ws, 'seven.txt'), 'x 1234567 x\n')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'three')
    fs.writeFileSync(path.join(ws, 'eight.txt'), 'y 12345678 y\n')
    git(ws, 'add', 'eight.txt') // the index's copy differs from HEAD's, both hold the secret
    const held = new Map([
      ['eight.txt', SECRET],
      ['seven.txt', SECRET]
    ])
    expect(await heldBackInRepo(ws, held, ['12345678', '1234567'])).toEqual(['eight.txt'])
  })
})
