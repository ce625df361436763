/**
 * The workspace door's judgement, on its own: which of the agent's changes may come back, the
 * bottle's listing and tar stream read as hostile data, and writes on the runner that never
 * follow a link. Expected values are written out here, not taken from the product's lists.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Manifest, ManifestEntry } from '../../src/workspace-door/manifest.js'
import { readManifest } from '../../src/workspace-door/manifest.js'
import { parseProtectedPaths } from '../../src/config/git-policy.js'
import { ApplyRefused, makeDirectory, removeEntry, workspaceTarget, writeFile } from '../../src/workspace-door/apply.js'
import { changesOf } from '../../src/workspace-door/changes.js'
import { foldUnder, pathsUnder } from '../../src/workspace-door/fold.js'
import { hasGitComponent, isGitComponent } from '../../src/workspace-door/git-names.js'
import { gitShapedDirs, refusal } from '../../src/workspace-door/judge.js'
import { type ListedEntry, ListingParser } from '../../src/workspace-door/listing.js'
import { encodeHeader } from '../../src/util/tar/tar-header.js'
import { TarReader, type TarEntry } from '../../src/util/tar/tar-reader.js'
import { TarWriter } from '../../src/util/tar/tar-writer.js'
import { PassThrough } from 'node:stream'
import { runDoor } from '../../src/workspace-door/door.js'
import { Redactor } from '../../src/transcript/redact.js'
import type { Backend } from '../../src/backend/types.js'
import type { StreamedProcess } from '../../src/util/process.js'
import { RecordingBackend } from './recording-backend.js'

const file = (over: Partial<ListedEntry> = {}): ListedEntry => ({
  type: 'file',
  mode: 0o644,
  nlink: 1,
  size: 3,
  mtime: 100,
  mtimeFraction: true,
  target: '',
  ...over
})
const dir = (): ListedEntry => file({ type: 'dir', size: 0 })
const old = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({ type: 'file', mode: 0o644, size: 3, mtime: 100, ...over })
const manifest = (entries: Record<string, ManifestEntry>, heldBack: Record<string, string> = {}): Manifest => ({
  root: '/ws',
  entries: new Map(Object.entries(entries)),
  heldBack: new Map(Object.entries(heldBack))
})
const ctx = (listing: Map<string, ListedEntry>, heldBack: Record<string, string> = {}) => ({
  protectedPaths: parseProtectedPaths(''),
  heldBack: new Map(Object.entries(heldBack)),
  gitShaped: gitShapedDirs(listing)
})

describe('git names', () => {
  it.each(['.git', '.GIT', '.Git', '.git.', '.git ', '.git::$INDEX_ALLOCATION', '.g\u200cit', '.gi\ufefft', 'GIT~1', 'git~12'])('%j is git', n =>
    expect(isGitComponent(n)).toBe(true)
  )
  it.each(['git', '.gitignore', '.github', 'x.git', '.git2', 'gitx~1', '.gitmodules'])('%j is not', n => expect(isGitComponent(n)).toBe(false))
  it('finds a git component at any depth', () => {
    expect(hasGitComponent('a/b/.git/config')).toBe(true)
    expect(hasGitComponent('a/.GIT')).toBe(true)
    expect(hasGitComponent('a/b/c.txt')).toBe(false)
  })
})

describe('changes', () => {
  it('finds added, modified (size, time, exec bit, type, link target, a hard link made) and deleted; not a file left as it was', () => {
    const m = manifest({
      same: old({ mtime: 100 }),
      grown: old(),
      touched: old(),
      chmod: old(),
      retyped: old(),
      link: { type: 'symlink', mode: 0o777, size: 0, mtime: 1, target: 'a' },
      linked: old(),
      gone: old()
    })
    const listing = new Map<string, ListedEntry>([
      ['same', file({ mtimeFraction: false })],
      ['grown', file({ size: 4, mtimeFraction: false })],
      ['touched', file({ mtimeFraction: true })],
      ['chmod', file({ mode: 0o755, mtimeFraction: false })],
      ['retyped', dir()],
      ['link', file({ type: 'symlink', target: 'b', mtimeFraction: false })],
      ['linked', file({ nlink: 2, mtimeFraction: false })],
      ['new', file()]
    ])
    const got = changesOf(m, listing).map(c => `${c.path}:${c.change}:${c.type}`)
    expect(got.sort()).toEqual([
      'chmod:modified:file',
      'gone:deleted:file',
      'grown:modified:file',
      'link:modified:symlink',
      'linked:modified:file',
      'new:added:file',
      'retyped:modified:dir',
      'touched:modified:file'
    ])
  })
})

describe('judge', () => {
  const judge = (p: string, listed: ListedEntry, listing = new Map([[p, listed]]), heldBack: Record<string, string> = {}) =>
    refusal({ path: p, change: 'added', type: listed.type, listed }, ctx(listing, heldBack))

  it('lets a plain file, a directory and an executable through', () => {
    expect(judge('src/a.ts', file())).toBeUndefined()
    expect(judge('src', dir())).toBeUndefined()
    expect(judge('run.sh', file({ mode: 0o755 }))).toBeUndefined()
  })
  it.each([
    ['.git/config', 'a .git path (git would read it as its own)'],
    ['sub/.git/hooks/pre-commit', 'a .git path (git would read it as its own)'],
    ['sub/.GIT/config', 'a .git path (git would read it as its own)'],
    ['sub/git~1/config', 'a .git path (git would read it as its own)'],
    ['sub/.git./config', 'a .git path (git would read it as its own)'],
    ['a/../b', 'not a plain relative path'],
    ['/etc/passwd', 'not a plain relative path'],
    ['a//b', 'not a plain relative path'],
    ['a\nb', 'the name holds a control character'],
    [`${'x'.repeat(256)}`, 'a name is longer than 255 bytes'],
    [`${'d/'.repeat(2001)}f`, 'the path is longer than 4000 bytes']
  ])('refuses path %#: %s', (p, why) => expect(judge(p, file())).toBe(why))

  it.each([
    [file({ type: 'symlink', target: '/etc/shadow' }), 'a symbolic link'],
    [file({ type: 'fifo' }), 'a FIFO'],
    [file({ type: 'socket' }), 'a socket'],
    [file({ type: 'device' }), 'a device'],
    [file({ type: 'other' }), 'not a regular file or directory'],
    [file({ nlink: 2 }), 'a hard link']
  ])('refuses an entry: %#, %s', (e, why) => expect(judge('x', e)).toBe(why))

  it('a deleted link or file is fine', () => {
    expect(
      refusal({ path: 'l', change: 'deleted', type: 'symlink', old: { type: 'symlink', mode: 0o777, size: 0, mtime: 0, target: 'a' } }, ctx(new Map()))
    ).toBeUndefined()
  })

  it('refuses the protected paths, also as deletions and links above them; not an empty directory made there', () => {
    expect(judge('.github/workflows', dir())).toBeUndefined()
    expect(judge('.github/workflows', file({ type: 'symlink', target: '/tmp' }))).toBe('a symbolic link')
    expect(judge('.github/workflows/ci.yml', file())).toBe('a protected path (git-protected-paths: .github/workflows/**)')
    expect(judge('.GitHub/Workflows/ci.yml', file())).toBe('a protected path (git-protected-paths: .github/workflows/**)')
    expect(refusal({ path: '.github/workflows/ci.yml', change: 'deleted', type: 'file', old: old() }, ctx(new Map()))).toBe(
      'a protected path (git-protected-paths: .github/workflows/**)'
    )
  })

  it('refuses what was held back from the bottle and everything under it', () => {
    const held = { 'gha-creds-1.json': 'a credential file', private: 'not readable on the runner' }
    expect(judge('gha-creds-1.json', file(), undefined, held)).toBe('held back from the bottle (gha-creds-1.json: a credential file)')
    expect(judge('private/x', file(), undefined, held)).toBe('held back from the bottle (private: not readable on the runner)')
    expect(judge('privatex', file(), undefined, held)).toBeUndefined()
  })

  it('refuses what makes a directory git-shaped (root and below, any case), not the same names elsewhere', () => {
    const bare = new Map<string, ListedEntry>([
      ['HEAD', file()],
      ['objects', dir()],
      ['refs', dir()],
      ['config', file()],
      ['sub/head', file()],
      ['sub/Objects', dir()],
      ['sub/REFS', dir()],
      ['wt/HEAD', file()],
      ['wt/commondir', file()],
      ['ok/HEAD', file()],
      ['ok/refs', dir()],
      ['src/a.ts', file()]
    ])
    const why = (p: string) => refusal({ path: p, change: 'added', type: bare.get(p)!.type, listed: bare.get(p)! }, ctx(bare))
    expect(why('HEAD')).toBe('would make . a git directory (HEAD with objects/ and refs/, or commondir)')
    expect(why('config')).toBe('would make . a git directory (HEAD with objects/ and refs/, or commondir)')
    expect(why('objects')).toMatch(/^would make \. a git directory/)
    expect(why('sub/head')).toBe('would make sub a git directory (HEAD with objects/ and refs/, or commondir)')
    expect(why('sub/REFS')).toMatch(/^would make sub a git directory/)
    expect(why('wt/commondir')).toMatch(/^would make wt a git directory/)
    expect(why('ok/HEAD')).toBeUndefined() // no objects/: not a git dir
    expect(why('src/a.ts')).toBeUndefined()
    expect([...gitShapedDirs(bare)].sort()).toEqual(['', 'sub', 'wt'])
  })
})

describe('the listing', () => {
  const rec = (head: string, p: string, target = '') => Buffer.from(`${head}\0${p}\0${target}\0`)
  it('parses records split anywhere, names with spaces, newlines and tabs intact', () => {
    const parser = new ListingParser(1 << 20, 100)
    const all = Buffer.concat([rec('f 644 1 12 1700000000.0000000000', 'a b\nc'), rec('l 777 1 3 1700000001.5', 'ln', '/etc/x'), rec('d 755 2 4096 1', 'd')])
    for (let i = 0; i < all.length; i += 7) parser.push(all.subarray(i, i + 7))
    parser.end()
    expect([...parser.entries]).toEqual([
      ['a b\nc', { type: 'file', mode: 0o644, nlink: 1, size: 12, mtime: 1700000000, mtimeFraction: false, target: '' }],
      ['ln', { type: 'symlink', mode: 0o777, nlink: 1, size: 3, mtime: 1700000001, mtimeFraction: true, target: '/etc/x' }],
      ['d', { type: 'dir', mode: 0o755, nlink: 2, size: 4096, mtime: 1, mtimeFraction: false, target: '' }]
    ])
  })
  it.each([
    ['a forged head', rec('f 644 1 x 1', 'a')],
    ['an absolute path', rec('f 644 1 1 1', '/etc/passwd')],
    ['an empty path', rec('f 644 1 1 1', '')],
    ['a path twice', Buffer.concat([rec('f 644 1 1 1', 'a'), rec('f 644 1 1 1', 'a')])]
  ])('refuses %s', (_, data) => {
    const parser = new ListingParser(1 << 20, 100)
    expect(() => parser.push(data)).toThrow('the listing holds a malformed record')
  })
  it('is bounded in bytes and entries, and refuses a cut record', () => {
    expect(() => new ListingParser(10, 100).push(rec('f 644 1 1 1', 'abc'))).toThrow('the listing is larger than 10 bytes')
    const two = new ListingParser(1 << 20, 1)
    expect(() => two.push(Buffer.concat([rec('f 644 1 1 1', 'a'), rec('f 644 1 1 1', 'b')]))).toThrow('the listing holds more than 1 entries')
    const cut = new ListingParser(1 << 20, 10)
    cut.push(Buffer.from('f 644 1 1 1\0a'))
    expect(() => cut.end()).toThrow('the listing ends inside a record')
  })
})

describe('tar', () => {
  function read(data: Buffer): { entries: TarEntry[]; bodies: string[] } {
    const entries: TarEntry[] = []
    const bodies: string[] = []
    let body: Buffer[] = []
    const r = new TarReader({
      entry: e => {
        entries.push(e)
        body = []
      },
      data: c => body.push(c),
      entryEnd: () => bodies.push(Buffer.concat(body).toString())
    })
    for (let i = 0; i < data.length; i += 100) r.push(data.subarray(i, i + 100))
    r.end()
    return { entries, bodies }
  }

  it('round-trips what the writer writes, long names included, and GNU tar reads it too', async () => {
    const out = new PassThrough()
    const parts: Buffer[] = []
    out.on('data', c => parts.push(c))
    const w = new TarWriter(out, { uid: 1001, gid: 1001 })
    const long = `${'deep/'.repeat(40)}file.txt`
    await w.directory('d', 0o755, 1)
    await w.file('d/a.txt', 0o644, 1, 5, [Buffer.from('hello')])
    await w.file(long, 0o755, 1, 2, [Buffer.from('hi')])
    await w.symlink('l', 'd/a.txt', 1)
    await w.end()
    const tarball = Buffer.concat(parts)
    const { entries, bodies } = read(tarball)
    expect(entries.map(e => [e.name, e.type, e.mode.toString(8), e.size])).toEqual([
      ['d/', 'dir', '755', 0],
      ['d/a.txt', 'file', '644', 5],
      [long, 'file', '755', 2],
      ['l', 'symlink', '777', 0]
    ])
    expect(bodies).toEqual(['', 'hello', 'hi', ''])
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-tar-'))
    const { execFileSync } = await import('node:child_process')
    execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: tarball })
    expect(fs.readFileSync(path.join(dir, long), 'utf8')).toBe('hi')
    expect(fs.readlinkSync(path.join(dir, 'l'))).toBe('d/a.txt')
  })

  it('refuses a header whose checksum does not match, and a stream cut inside an entry', () => {
    const h = encodeHeader({ name: 'a', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 10, mtime: 0 })
    const bad = Buffer.from(h)
    bad[0] = 0x62
    expect(() => read(bad)).toThrow('tar: a header checksum does not match')
    expect(() => read(Buffer.concat([h, Buffer.from('abc')]))).toThrow('tar: the archive ends inside an entry')
  })

  it('bounds a long-name record and reads GNU tar long names and pax from the real tar', async () => {
    const { execFileSync } = await import('node:child_process')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-tar-'))
    const long = `${'n'.repeat(200)}/${'m'.repeat(120)}`
    fs.mkdirSync(path.join(dir, 'n'.repeat(200)))
    fs.writeFileSync(path.join(dir, long), 'x')
    for (const format of ['gnu', 'pax']) {
      const t = execFileSync('tar', ['-c', '-f', '-', `--format=${format}`, '-C', dir, long])
      expect(read(t).entries.map(e => [e.name, e.type])).toEqual([[long, 'file']])
    }
    const meta = encodeHeader({ name: 'x', type: 'pax', mode: 0o644, uid: 0, gid: 0, size: 2 * 1024 * 1024, mtime: 0 })
    expect(() => new TarReader({ entry() {}, data() {}, entryEnd() {} }).push(meta)).toThrow(/larger than a name can be/)
  })
})

describe('applying on the runner', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bb-door-'))

  it('writes through real directories only: a link anywhere above the path refuses it, and nothing outside is touched', () => {
    const root = tmp()
    const outside = tmp()
    fs.writeFileSync(path.join(outside, 'victim'), 'safe')
    fs.symlinkSync(outside, path.join(root, 'lib'))
    const staged = path.join(tmp(), 's')
    fs.writeFileSync(staged, 'evil')
    const ws = workspaceTarget(root)
    expect(() => writeFile(ws, 'lib/victim', staged, false)).toThrow(ApplyRefused)
    expect(() => writeFile(ws, 'lib/victim', staged, false)).toThrow('its parent lib is a link on the runner')
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('safe')
    // replacing the link itself with a file: the link goes, its target stays
    writeFile(ws, 'lib', staged, true)
    expect(fs.lstatSync(path.join(root, 'lib')).isFile()).toBe(true)
    expect(fs.statSync(path.join(root, 'lib')).mode & 0o777).toBe(0o755)
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('safe')
  })

  it('removes a directory only when empty, and a link without its target', () => {
    const root = tmp()
    const outside = tmp()
    fs.mkdirSync(path.join(root, 'd'))
    fs.writeFileSync(path.join(root, 'd', 'keep'), 'k')
    fs.symlinkSync(outside, path.join(root, 'l'))
    const ws = workspaceTarget(root)
    expect(() => removeEntry(ws, 'd')).toThrow('a directory that still holds files on the runner')
    removeEntry(ws, 'l')
    expect(fs.existsSync(outside)).toBe(true)
    makeDirectory(ws, 'n')
    expect(fs.statSync(path.join(root, 'n')).mode & 0o777).toBe(0o755)
  })
})

describe('the manifest', () => {
  it('leaves out .git at any depth and any spelling, holds back credential files, keeps links as links', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-man-'))
    for (const d of ['.git', 'sub/.GIT', 'src']) fs.mkdirSync(path.join(root, d), { recursive: true })
    fs.writeFileSync(path.join(root, '.git', 'config'), '')
    fs.writeFileSync(path.join(root, 'sub', '.GIT', 'config'), '')
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a')
    fs.writeFileSync(path.join(root, 'gha-creds-abc.json'), '{}')
    fs.symlinkSync('/etc/passwd', path.join(root, 'l'))
    const m = readManifest(root)
    expect([...m.entries.keys()].sort()).toEqual(['l', 'src', 'src/a.ts', 'sub'])
    expect(m.entries.get('l')).toMatchObject({ type: 'symlink', target: '/etc/passwd' })
    expect([...m.heldBack.keys()]).toEqual(['gha-creds-abc.json'])
  })
})

describe('naming refused paths', () => {
  it('counts a path under another refused one instead of listing it', () => {
    const got = foldUnder([
      { path: 'c/objects/ab/1' },
      { path: 'c/objects' },
      { path: 'c/HEAD' },
      { path: 'c/objects/ab/2' },
      { path: 'c/objectsx' },
      { path: 'pipe' }
    ])
    expect(got.map(f => `${f.item.path}+${f.under.map(u => u.path).join(',')}`)).toEqual([
      'c/HEAD+',
      'c/objects+c/objects/ab/1,c/objects/ab/2',
      'c/objectsx+',
      'pipe+'
    ])
  })

  it('counts in words a reader expects: one path, two paths', () => {
    expect([pathsUnder(1), pathsUnder(2), pathsUnder(40)]).toEqual(['1 path under it', '2 paths under it', '40 paths under it'])
  })
})

describe('a bottle whose find cannot list the tree', () => {
  it('brings nothing back and deletes nothing: busybox find (no -printf) exits 1 with nothing listed, which is not an empty tree', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-door-ws-'))
    fs.mkdirSync(path.join(root, 'src'))
    fs.writeFileSync(path.join(root, 'README.md'), '# kept\n')
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a\n')
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-door-state-'))
    const busyboxFind = { code: 1, stderr: 'find: unrecognized: -printf\nBusyBox v1.35.0 multi-call binary.\n' }
    // busybox's find as the guest has it (usage on stderr, exit 1, nothing on stdout), inside the door's one
    // exec: the script's probe of the root fails, so it exits 97 with find's complaint (the e2e file runs it in busybox)
    class BusyboxBackend extends RecordingBackend {
      override execRaw(...args: Partial<Parameters<Backend['execRaw']>>): StreamedProcess {
        const [name, argv, , , onStderr] = args
        this.calls.push({ op: 'execRaw', args: [name, [...(argv ?? [])]] })
        const probed = argv?.[0] === 'sh' && /-maxdepth 0 -printf %y\)" = d \] \|\| exit 97/.test(argv[2] ?? '')
        onStderr?.(Buffer.from(busyboxFind.stderr))
        return { exited: Promise.resolve({ code: probed ? 97 : busyboxFind.code, signal: null }), kill: () => undefined, pid: undefined }
      }
    }
    const r = await runDoor({
      backend: new BusyboxBackend(argv => (argv[0] === 'find' ? busyboxFind : {})),
      bottle: 'bottle',
      user: { uid: 1001, gid: 1001 },
      stateDir,
      manifest: readManifest(root),
      policy: { mode: 'apply', maxBytes: 1024 * 1024, maxFiles: 100 },
      protectedPaths: [],
      redactor: new Redactor()
    })
    expect({
      readme: fs.existsSync(path.join(root, 'README.md')) ? fs.readFileSync(path.join(root, 'README.md'), 'utf8') : 'deleted',
      src: fs.existsSync(path.join(root, 'src', 'a.ts')) ? 'kept' : 'deleted',
      accepted: r.accepted,
      decisions: r.decisions.map(d => `${d.path} ${d.verdict}: ${d.reason}`)
    }).toEqual({
      readme: '# kept\n',
      src: 'kept',
      accepted: 0,
      decisions: [
        expect.stringMatching(/^\. refused: the bottle's tree could not be listed \(.*find: unrecognized: -printf.*GNU find.*\): nothing comes back$/)
      ]
    })
  })
})
