/**
 * The stage's worker loop on a real file system: what it copies is exactly what it scanned, a
 * secret anywhere (across the 1 MiB chunks of a file over 16 MiB too) leaves no copy, a FIFO or a
 * link is left to the stream without hanging, the room is kept, a failed write stops the staging,
 * and the worker thread runs the same loop. Expected values are written out here.
 */
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type StageJob, stageFiles, stageInWorker } from '../../src/bottle/workspace/stage-files.js'
import { makeStage, removeStage, Stage, stageWorkspace } from '../../src/bottle/workspace/stage.js'
import { readManifest } from '../../src/workspace-door/manifest.js'

const KEY = 'sk-ant-api03-stageFiles-0123456789'
/**
 * Under mutation testing the loop's source carries Stryker's counters, globals a worker thread
 * does not have: there the loop is tested in this thread only (the suite runs both).
 */
const inWorkerToo = process.env['STRYKER_MUTATOR_WORKER'] === undefined ? it : it.skip
const MiB = 1024 * 1024
const hex = (s: string) => Buffer.from(s).toString('hex')
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')

let dir: string
let root: string
let stage: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-stage-files-'))
  root = path.join(dir, 'ws')
  stage = path.join(dir, 'stage')
  fs.mkdirSync(root)
  fs.mkdirSync(stage)
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const job = (files: string[], extra: Partial<StageJob> = {}): StageJob => ({
  root,
  dir: stage,
  files: files.map(f => [f, 1_700_000_000]),
  needles: [hex(KEY)],
  room: 1024 * MiB,
  ...extra
})

/** A file of `size` bytes of filler with `insert` written at `at`. */
function filler(rel: string, size: number, insert?: { at: number; text: string }): string {
  const b = Buffer.alloc(size, 'a')
  if (insert) b.write(insert.text, insert.at)
  const p = path.join(root, rel)
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, b)
  return p
}

describe('the stage worker loop', () => {
  it('copies small and large files byte for byte, with their mode and the given time, in directories others may read', () => {
    const small = filler('src/a.bin', 9000)
    const large = filler('big/large.bin', 17 * MiB + 5)
    fs.chmodSync(small, 0o755)
    const r = stageFiles(job(['src/a.bin', 'big/large.bin']), fs, path)
    expect(r).toEqual({ outcomes: [9000, 17 * MiB + 5], stopped: false })
    expect([sha(path.join(stage, 'src/a.bin')), sha(path.join(stage, 'big/large.bin'))]).toEqual([sha(small), sha(large)])
    const st = fs.statSync(path.join(stage, 'src/a.bin'))
    expect({ mode: (st.mode & 0o777).toString(8), mtime: st.mtimeMs }).toEqual({ mode: '755', mtime: 1_700_000_000_000 })
    expect((fs.statSync(path.join(stage, 'big')).mode & 0o777).toString(8)).toBe('755')
  })

  it.each([
    ['a small file, at its start', 9000, 0],
    ['a small file, at its end', 9000, 9000 - KEY.length],
    ['a large file, across the first chunk boundary', 17 * MiB, MiB - 5],
    ['a large file, ending right at a chunk boundary', 17 * MiB, 2 * MiB - KEY.length],
    ['a large file, starting right at a chunk boundary', 17 * MiB, 3 * MiB],
    ['a large file, at its very end', 17 * MiB + 3, 17 * MiB + 3 - KEY.length]
  ])('a secret in %s: no copy is left', (_, size, at) => {
    filler('s.bin', size, { at, text: KEY })
    filler('after.bin', 9000)
    const r = stageFiles(job(['s.bin', 'after.bin']), fs, path)
    expect(r).toEqual({ outcomes: ['secret', 9000], stopped: false })
    expect(fs.readdirSync(stage)).toEqual(['after.bin'])
  })

  it.each([
    ['a small file: nothing', 9000, 8000],
    ['a large file: only the clean chunks before the secret, then removed', 17 * MiB, 17 * MiB - 100]
  ])('writes no byte of a secret into the stage (%s)', (_, size, at) => {
    filler('s.bin', size, { at, text: KEY })
    let written = 0
    const counting = ((fd: number, b: Buffer, off: number, len: number) => {
      expect(b.subarray(off, off + len).includes(KEY)).toBe(false)
      written += len
      return fs.writeSync(fd, b, off, len)
    }) as typeof fs.writeSync
    expect(stageFiles(job(['s.bin']), { ...fs, writeSync: counting }, path).outcomes).toEqual(['secret'])
    expect(written).toBe(size > 16 * MiB ? 16 * MiB : 0) // the 17th MiB holds it
    expect(fs.readdirSync(stage)).toEqual([])
  })

  it('leaves a FIFO, a link, a missing file and one others may not read to the stream, without hanging', () => {
    execFileSync('mkfifo', [path.join(root, 'pipe')])
    filler('target.bin', 9000)
    fs.symlinkSync('target.bin', path.join(root, 'link'))
    fs.chmodSync(filler('private.bin', 9000), 0o640)
    const r = stageFiles(job(['pipe', 'link', 'gone.bin', 'private.bin', 'target.bin']), fs, path)
    expect(r).toEqual({ outcomes: ['stream', 'stream', 'stream', 'stream', 9000], stopped: false })
    expect(fs.readdirSync(stage)).toEqual(['target.bin'])
  })

  it('keeps within its room: a file that does not fit goes to the stream, a later one that fits is staged', () => {
    filler('a.bin', 9000)
    filler('b.bin', 20000)
    filler('c.bin', 9000)
    const r = stageFiles(job(['a.bin', 'b.bin', 'c.bin'], { room: 20000 }), fs, path)
    expect(r).toEqual({ outcomes: [9000, 'stream', 9000], stopped: false })
  })

  it('stops at the first write that fails: every later file is left to the stream; what was in the way is left alone', () => {
    filler('a.bin', 9000)
    filler('b.bin', 9000)
    fs.writeFileSync(path.join(stage, 'a.bin'), 'in the way') // created exclusively: this write fails
    const r = stageFiles(job(['a.bin', 'b.bin']), fs, path)
    expect(r).toEqual({ outcomes: ['stream', 'stream'], stopped: true })
    expect(fs.readdirSync(stage)).toEqual(['a.bin'])
    expect(fs.readFileSync(path.join(stage, 'a.bin'), 'utf8')).toBe('in the way')
  })

  it('a write that fails part way (the disk full) leaves no partial copy', () => {
    filler('a.bin', 9000)
    filler('b.bin', 9000)
    // a file system of 4 KiB: the first copy's write fails after it was created
    const full = ((fd: number, ...rest: unknown[]) => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', fd, rest })
    }) as typeof fs.writeSync
    const r = stageFiles(job(['a.bin', 'b.bin']), { ...fs, writeSync: full }, path)
    expect(r).toEqual({ outcomes: ['stream', 'stream'], stopped: true })
    expect(fs.readdirSync(stage)).toEqual([])
  })

  it('a parent it cannot make (a file in the way) stops the staging without throwing', () => {
    filler('sub/a.bin', 9000)
    fs.writeFileSync(path.join(stage, 'sub'), 'a file where the directory goes')
    expect(stageFiles(job(['sub/a.bin']), fs, path)).toEqual({ outcomes: ['stream'], stopped: true })
  })

  it('a directory already in the stage (the other worker made it) is used, not refused', () => {
    filler('sub/a.bin', 9000)
    fs.mkdirSync(path.join(stage, 'sub'))
    expect(stageFiles(job(['sub/a.bin']), fs, path)).toEqual({ outcomes: [9000], stopped: false })
  })

  it('a file shorter than its size says (a sysfs file: 4096 bytes said, a few read) is staged as read, without looping', () => {
    const sys = '/sys/devices/system/cpu'
    const said = fs.statSync(path.join(sys, 'online'))
    const read = fs.readFileSync(path.join(sys, 'online'))
    expect(said.size).toBeGreaterThan(read.length) // what makes it a short read
    const r = stageFiles(job(['online'], { root: sys }), fs, path)
    expect(r).toEqual({ outcomes: [read.length], stopped: false })
    expect(fs.readFileSync(path.join(stage, 'online'))).toEqual(read)
  })

  it('any of the secrets is found, not only the first', () => {
    filler('s.bin', 9000, { at: 4000, text: 'ghs_second-secret-0123456789' })
    const r = stageFiles(job(['s.bin'], { needles: [hex(KEY), hex('ghs_second-secret-0123456789')] }), fs, path)
    expect(r.outcomes).toEqual(['secret'])
  })

  it.each([
    ['clean', undefined, 2 * MiB + 17],
    ['a secret at its end', { at: 2 * MiB + 17 - KEY.length, text: KEY }, 'secret']
  ])('a file between the chunk size and the whole-read limit (2 MiB), %s', (_, insert, expected) => {
    const p = filler('mid.bin', 2 * MiB + 17, insert)
    expect(stageFiles(job(['mid.bin']), fs, path)).toEqual({ outcomes: [expected], stopped: false })
    if (expected !== 'secret') expect(sha(path.join(stage, 'mid.bin'))).toBe(sha(p))
  })

  it('a file of exactly the room left is staged', () => {
    filler('a.bin', 9000)
    expect(stageFiles(job(['a.bin'], { room: 9000 }), fs, path).outcomes).toEqual([9000])
  })

  it('closes every file it opened, whatever became of it', () => {
    const open = () => fs.readdirSync('/proc/self/fd').length
    for (let i = 0; i < 40; i++) filler(`f${i}.bin`, 9000, i % 10 === 3 ? { at: 5, text: KEY } : undefined)
    filler('big.bin', 17 * MiB)
    const before = open()
    const r = stageFiles(job([...Array.from({ length: 40 }, (_, i) => `f${i}.bin`), 'big.bin', 'gone.bin']), fs, path)
    expect(r.outcomes.filter(o => o === 'secret')).toHaveLength(4)
    expect(open()).toBe(before)
  })

  it('never writes through a link planted in the stage', () => {
    filler('a.bin', 9000)
    const outside = path.join(dir, 'outside.txt')
    fs.writeFileSync(outside, 'kept\n')
    fs.symlinkSync(outside, path.join(stage, 'a.bin'))
    expect(stageFiles(job(['a.bin']), fs, path).stopped).toBe(true)
    expect(fs.readFileSync(outside, 'utf8')).toBe('kept\n')
  })

  inWorkerToo('runs the same in a worker thread', async () => {
    filler('src/a.bin', 9000)
    filler('src/s.bin', 9000, { at: 100, text: KEY })
    expect(await stageInWorker(job(['src/a.bin', 'src/s.bin']))).toEqual({ outcomes: [9000, 'secret'], stopped: false })
    expect(fs.readdirSync(path.join(stage, 'src'))).toEqual(['a.bin'])
  })
})

describe('stageWorkspace with two workers', () => {
  inWorkerToo('stages 200 files in 20 directories, each worker its run of paths, and holds back the ones with a secret', async () => {
    for (let i = 0; i < 200; i++) filler(`d${i % 20}/f${i}.bin`, 9000, i % 50 === 7 ? { at: 10, text: KEY } : undefined)
    const state = path.join(dir, 'state')
    fs.mkdirSync(state)
    try {
      const manifest = readManifest(root)
      const s = new Stage(makeStage(state, 0))
      const staged = await stageWorkspace(manifest, s, [KEY])
      expect({ files: staged.files.size, bytes: staged.bytes, held: [...manifest.heldBack.keys()].sort() }).toEqual({
        files: 196,
        bytes: 196 * 9000,
        held: ['d17/f157.bin', 'd7/f107.bin', 'd7/f7.bin', 'd17/f57.bin'].sort()
      })
      const copies = execFileSync('find', ['.', '-type', 'f'], { cwd: s.tree, encoding: 'utf8' }).split('\n').filter(Boolean)
      expect(copies).toHaveLength(196)
    } finally {
      removeStage(state)
    }
  })
})
