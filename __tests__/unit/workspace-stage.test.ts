/**
 * The copy-in's stage on a real file system: which workspace files go in through it (large
 * enough, readable by the guest user whoever owns the copy), that a file with a secret is held
 * back and never copied, that the stage holds the bytes vetted (a later write to the runner's
 * file does not reach it) and leaves the runner's inodes alone (no new ctime, no second link),
 * and that without room the stream takes the rest. Expected values are written out here.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { currentOwner } from '../../src/bottle/teardown/owner.js'
import { readManifest } from '../../src/workspace-door/manifest.js'
import { makeStage, reapStaleStages, removeStage, STAGE_MIN_BYTES, Stage, stageDirOf, stageMounts, stageWorkspace } from '../../src/bottle/workspace/stage.js'
import { shareableObjects } from '../../src/bottle/workspace/guest-repo.js'

const KEY = 'sk-ant-api03-stageTestKey-0123456789'
const big = (fill: string) => fill.repeat(Math.ceil(9000 / fill.length)).slice(0, 9000)

let dir: string
let ws: string
let state: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-stage-'))
  ws = path.join(dir, 'ws')
  state = path.join(dir, 'state')
  fs.mkdirSync(path.join(ws, 'src', 'deep'), { recursive: true })
  fs.mkdirSync(state, { mode: 0o700 })
})
afterEach(() => {
  removeStage(state)
  fs.rmSync(dir, { recursive: true, force: true })
})

function write(rel: string, data: string, mode = 0o644): string {
  const p = path.join(ws, rel)
  fs.writeFileSync(p, data)
  fs.chmodSync(p, mode)
  return p
}

describe('which files go in through the stage', () => {
  it('a regular file of 8 KiB or more that others may read; the rest is left to the stream', async () => {
    expect(STAGE_MIN_BYTES).toBe(8192)
    write('a.bin', big('a'))
    write('b.bin', 'x'.repeat(8192))
    write('small.txt', 'x'.repeat(8191))
    write('private.bin', big('p'), 0o640)
    write('owner-only.bin', big('o'), 0o600)
    write('others-only.bin', big('r'), 0o004)
    const manifest = readManifest(ws)
    const staged = await stageWorkspace(manifest, new Stage(makeStage(state, 0)), [KEY])
    expect([...staged.files].sort()).toEqual(['a.bin', 'b.bin', 'others-only.bin'])
  })
})

describe('where the stage lives', () => {
  it('in memory where the runner has /dev/shm, in a private directory, linked from the state dir; every teardown removes both', () => {
    if (!fs.statSync('/dev/shm', { throwIfNoEntry: false })?.isDirectory()) throw new Error('this test needs /dev/shm (a Linux runner)')
    const dir = makeStage(state, 0)
    expect(dir).toMatch(/^\/dev\/shm\/bot-bottle-stage-[A-Za-z0-9]{6}\/stage$/)
    expect(fs.readlinkSync(stageDirOf(state))).toBe(dir)
    expect({
      parent: (fs.statSync(path.dirname(dir)).mode & 0o777).toString(8),
      stage: (fs.statSync(dir).mode & 0o777).toString(8)
    }).toEqual({ parent: '700', stage: '755' })
    fs.writeFileSync(path.join(dir, 'copy.bin'), 'x')
    removeStage(state)
    expect({ parent: fs.existsSync(path.dirname(dir)), link: fs.existsSync(stageDirOf(state)) }).toEqual({ parent: false, link: false })
  })

  it('in the state dir without a memory file system, or when the memory one lacks room for what would be staged', () => {
    expect(makeStage(state, Number.MAX_SAFE_INTEGER)).toBe(path.join(state, 'workspace-in'))
    const dir = makeStage(state, 0, null)
    expect(dir).toBe(path.join(state, 'workspace-in'))
    expect(fs.lstatSync(dir).isDirectory()).toBe(true)
    removeStage(state)
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('a link in the state dir to anything but a memory stage of ours is removed, never followed', () => {
    const elsewhere = path.join(dir, 'precious')
    fs.mkdirSync(elsewhere)
    fs.writeFileSync(path.join(elsewhere, 'keep.txt'), 'keep')
    fs.symlinkSync(elsewhere, stageDirOf(state))
    removeStage(state)
    expect({ link: fs.existsSync(stageDirOf(state)), kept: fs.readFileSync(path.join(elsewhere, 'keep.txt'), 'utf8') }).toEqual({ link: false, kept: 'keep' })
  })
})

describe('reaping memory stages of killed runs', () => {
  it("removes a stage whose owner process is gone, never a live run's, nor one that names no owner or is not a stage", () => {
    const memory = path.join(dir, 'shm')
    fs.mkdirSync(memory)
    const gone = spawnSync('sh', ['-c', 'cat /proc/self/stat'], { encoding: 'utf8' }) // a process that has ended: its pid and start time
    const fields = gone.stdout.slice(gone.stdout.lastIndexOf(')') + 2).split(' ')
    const me = currentOwner().split('|')
    const goneOwner = [me[0], me[1], gone.pid, fields[19]].join('|')
    const stage = (name: string, owner?: string) => {
      fs.mkdirSync(path.join(memory, name, 'stage'), { recursive: true })
      if (owner !== undefined) fs.writeFileSync(path.join(memory, name, 'owner'), owner)
    }
    stage('bot-bottle-stage-Gone01', goneOwner)
    stage('bot-bottle-stage-Live01', currentOwner())
    stage('bot-bottle-stage-NoOwnr')
    stage('something-else', goneOwner)
    expect(reapStaleStages(memory)).toEqual([path.join(memory, 'bot-bottle-stage-Gone01')])
    expect(fs.readdirSync(memory).sort()).toEqual(['bot-bottle-stage-Live01', 'bot-bottle-stage-NoOwnr', 'something-else'])
  })

  it('a memory stage says whose it is', () => {
    if (!fs.statSync('/dev/shm', { throwIfNoEntry: false })?.isDirectory()) throw new Error('this test needs /dev/shm (a Linux runner)')
    const made = makeStage(state, 0)
    expect(fs.readFileSync(path.join(path.dirname(made), 'owner'), 'utf8')).toBe(currentOwner())
  })
})

describe('stageWorkspace', () => {
  it('copies the large readable files under their paths, leaves the rest to the stream, and holds back a file with a secret', async () => {
    write('src/deep/large.bin', big('large'))
    write('top.bin', big('top'))
    write('src/small.txt', 'small\n')
    write('src/private.bin', big('private'), 0o600)
    write('src/leak.bin', `${big('leak')}\n${KEY}\n`)
    fs.symlinkSync('top.bin', path.join(ws, 'link.bin'))
    const manifest = readManifest(ws)
    const warnings: string[] = []
    const write$ = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      warnings.push(String(chunk))
      return true
    })
    const stage = new Stage(makeStage(state, 0))
    let staged: Awaited<ReturnType<typeof stageWorkspace>>
    try {
      staged = await stageWorkspace(manifest, stage, [KEY, 'short'])
    } finally {
      write$.mockRestore()
    }
    expect([...staged.files].sort()).toEqual(['src/deep/large.bin', 'top.bin'])
    expect(staged.bytes).toBe(18000)
    // copies with the runner's bytes, mode and whole-second time, in directories the guest user can read
    const copy = fs.statSync(path.join(stage.tree, 'src/deep/large.bin'))
    const orig = fs.statSync(path.join(ws, 'src/deep/large.bin'))
    expect(fs.readFileSync(path.join(stage.tree, 'src/deep/large.bin'), 'utf8')).toBe(big('large'))
    expect({ ino: copy.ino === orig.ino, mode: (copy.mode & 0o777).toString(8), mtime: copy.mtimeMs }).toEqual({
      ino: false,
      mode: '644',
      mtime: Math.floor(orig.mtimeMs / 1000) * 1000
    })
    expect((fs.statSync(path.join(stage.tree, 'src/deep')).mode & 0o777).toString(8)).toBe('755')
    expect((fs.statSync(stage.dir).mode & 0o777).toString(8)).toBe('755')
    expect((fs.statSync(stage.tree).mode & 0o777).toString(8)).toBe('755')
    // the list the guest's tar copies from: exactly the staged paths, NUL-separated, never read as options
    expect(fs.readFileSync(path.join(stage.dir, 'list'), 'utf8').split('\0').sort()).toEqual(['', './src/deep/large.bin', './top.bin'])
    expect((fs.statSync(path.join(stage.dir, 'list')).mode & 0o777).toString(8)).toBe('644')
    // nothing else is in the stage: not the small, the private, the secret file or the link
    const listed = execFileSync('find', ['.', '-mindepth', '1'], { cwd: stage.tree, encoding: 'utf8' }).split('\n').filter(Boolean).sort()
    expect(listed).toEqual(['./src', './src/deep', './src/deep/large.bin', './top.bin'])
    // the secret's file is held back with a warning naming it (never its content)
    expect(manifest.entries.has('src/leak.bin')).toBe(false)
    expect(manifest.heldBack.get('src/leak.bin')).toBe("holds one of the run's secrets")
    expect(warnings.join('')).toContain('src/leak.bin holds one of the run')
    expect(warnings.join('')).not.toContain(KEY)
    expect(manifest.entries.has('src/private.bin')).toBe(true)

    await stage.clear()
    expect(fs.readdirSync(stage.dir)).toEqual([])
    expect(fs.readFileSync(path.join(ws, 'top.bin'), 'utf8')).toBe(big('top'))
  })

  it("holds what was vetted, not the runner's file: a later write does not reach the stage, and the runner's inode keeps its ctime and one link", async () => {
    const p = write('log.bin', big('log line '))
    const before = fs.statSync(p)
    const manifest = readManifest(ws)
    const stage = new Stage(makeStage(state, 0))
    const staged = await stageWorkspace(manifest, stage, [KEY])
    expect([...staged.files]).toEqual(['log.bin'])
    const after = fs.statSync(p)
    expect({ ctime: after.ctimeMs, nlink: after.nlink }).toEqual({ ctime: before.ctimeMs, nlink: 1 })
    // an earlier step's process writes a secret into the runner's file: the stage still holds the vetted bytes
    fs.appendFileSync(p, `\n${KEY}\n`)
    expect(fs.readFileSync(path.join(stage.tree, 'log.bin'), 'utf8')).toBe(big('log line '))
  })

  it('stages only what fits in the room the disk has; the stream takes the rest', async () => {
    for (let i = 0; i < 5; i++) write(`f${i}.bin`, big(String(i)))
    const manifest = readManifest(ws)
    const stage = new Stage(makeStage(state, 0))
    Object.assign(stage, { room: 20_000 }) // as if the disk had room for two files past the margin
    const staged = await stageWorkspace(manifest, stage, [KEY])
    expect({ files: staged.files.size, bytes: staged.bytes, entries: manifest.entries.size }).toEqual({ files: 2, bytes: 18000, entries: 7 })
  })

  it('the mounts are read-only: the stage, and the objects only when given', () => {
    expect(stageMounts('/s', undefined)).toEqual([{ host: '/s', guest: '/opt/bot-bottle/workspace-in', readOnly: true }])
    expect(stageMounts('/s', '/o')).toEqual([
      { host: '/s', guest: '/opt/bot-bottle/workspace-in', readOnly: true },
      { host: '/o', guest: '/opt/bot-bottle/git-objects', readOnly: true }
    ])
  })
})

describe('shareableObjects', () => {
  const git = (...a: string[]) => execFileSync('git', ['-C', ws, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { stdio: 'ignore' })
  beforeEach(() => {
    write('a.txt', 'a\n')
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'one')
  })

  it("borrows the runner's objects when the guest user can read all of them", async () => {
    expect(await shareableObjects(ws)).toBe(path.join(ws, '.git', 'objects'))
  })

  it('not when one object is readable only by its owner', async () => {
    const objects = path.join(ws, '.git', 'objects')
    const loose = execFileSync('find', [objects, '-type', 'f', '-path', '*/[0-9a-f][0-9a-f]/*'], { encoding: 'utf8' }).split('\n')[0]!
    fs.chmodSync(loose, 0o400)
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  it('not when the store borrows from another one itself (its paths mean nothing in the guest)', async () => {
    fs.writeFileSync(path.join(ws, '.git', 'objects', 'info', 'alternates'), '/somewhere/else/objects\n')
    expect(await shareableObjects(ws)).toBeUndefined()
  })

  it('not for a directory that is no checkout', async () => {
    fs.rmSync(path.join(ws, '.git'), { recursive: true })
    expect(await shareableObjects(ws)).toBeUndefined()
  })
})
