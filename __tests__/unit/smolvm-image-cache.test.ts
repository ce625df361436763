/**
 * Pruning the smolvm image archives: the action's archives least recently used first, each with
 * smolvm's staged copy when that is a hard link to it (smolvm never removes those,
 * src/cli/vm_common.rs:2383-2405), never the archive in use nor one whose copy a machine uses;
 * and where smolvm keeps its copies (dirs::cache_dir(), src/data/image_source.rs:324-328).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pruneImageCache, smolvmArchiveDir } from '../../src/backend/smolvm/image-cache.js'

const MIB = 1024 * 1024
let dir: string
let cache: string
let smolvm: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-image-cache-'))
  cache = path.join(dir, 'bot-bottle-smolvm-images')
  smolvm = path.join(dir, 'smolvm-image-archives')
  fs.mkdirSync(cache)
  fs.mkdirSync(smolvm)
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** An archive of `mib` MiB last used on `day`, with smolvm's staged copy under `hash` when given. */
function archive(id: string, mib: number, day: string, hash?: string): string {
  const p = path.join(cache, `${id.repeat(64)}.tar`)
  fs.writeFileSync(p, Buffer.alloc(mib * MIB))
  fs.utimesSync(p, new Date(day), new Date(day))
  if (hash) {
    fs.mkdirSync(path.join(smolvm, hash.repeat(64)))
    fs.linkSync(p, path.join(smolvm, hash.repeat(64), 'archive.tar'))
  }
  return p
}

describe('pruneImageCache', () => {
  it('removes the least recently used first, each with its staged copy, until the rest fit', () => {
    const oldest = archive('1', 3, '2026-01-01', 'a')
    const older = archive('2', 3, '2026-02-01', 'b')
    const recent = archive('3', 3, '2026-03-01', 'c')
    const current = archive('4', 3, '2026-04-01', 'd')
    const pruned = pruneImageCache({ cacheDir: cache, budgetBytes: 6 * MIB, keep: current, smolvmDir: smolvm, inUse: new Set() })
    expect(pruned).toEqual([
      { archive: oldest, bytes: 3 * MIB, staged: path.join(smolvm, 'a'.repeat(64)) },
      { archive: older, bytes: 3 * MIB, staged: path.join(smolvm, 'b'.repeat(64)) }
    ])
    expect(fs.readdirSync(cache).sort()).toEqual([path.basename(recent), path.basename(current)])
    expect(fs.readdirSync(smolvm).sort()).toEqual(['c'.repeat(64), 'd'.repeat(64)])
  })

  it('never the archive in use, even when it alone is over the budget', () => {
    const current = archive('4', 5, '2026-01-01', 'd')
    expect(pruneImageCache({ cacheDir: cache, budgetBytes: MIB, keep: current, smolvmDir: smolvm, inUse: new Set() })).toEqual([])
    expect(fs.existsSync(current)).toBe(true)
  })

  it("leaves an archive whose staged copy a machine uses, and a staged copy that is no link of the action's", () => {
    archive('1', 3, '2026-01-01', 'a')
    const current = archive('4', 3, '2026-04-01')
    fs.mkdirSync(path.join(smolvm, 'e'.repeat(64)))
    fs.writeFileSync(path.join(smolvm, 'e'.repeat(64), 'archive.tar'), 'someone else')
    const pruned = pruneImageCache({ cacheDir: cache, budgetBytes: MIB, keep: current, smolvmDir: smolvm, inUse: new Set([`local:${'a'.repeat(64)}`]) })
    expect(pruned).toEqual([])
    expect(fs.readdirSync(smolvm).sort()).toEqual(['a'.repeat(64), 'e'.repeat(64)])
  })

  it('nothing under the budget, and files that are no archive of the action are never touched', () => {
    const current = archive('4', 1, '2026-04-01')
    fs.writeFileSync(path.join(cache, `${'5'.repeat(64)}.tar.123.partial`), Buffer.alloc(4 * MIB))
    fs.writeFileSync(path.join(cache, 'notes.txt'), 'x')
    expect(pruneImageCache({ cacheDir: cache, budgetBytes: MIB, keep: current, smolvmDir: smolvm, inUse: new Set() })).toEqual([])
    expect(fs.readdirSync(cache)).toHaveLength(3)
  })
})

describe("smolvm's archive cache dir", () => {
  it('is dirs::cache_dir() + smolvm-image-archives', () => {
    expect(smolvmArchiveDir({ HOME: '/Users/r' }, 'darwin')).toBe('/Users/r/Library/Caches/smolvm-image-archives')
    expect(smolvmArchiveDir({ HOME: '/home/r' }, 'linux')).toBe('/home/r/.cache/smolvm-image-archives')
    expect(smolvmArchiveDir({ HOME: '/home/r', XDG_CACHE_HOME: '/x/cache' }, 'linux')).toBe('/x/cache/smolvm-image-archives')
    expect(smolvmArchiveDir({ HOME: '/home/r', XDG_CACHE_HOME: 'relative' }, 'linux')).toBe('/home/r/.cache/smolvm-image-archives')
    expect(smolvmArchiveDir({}, 'linux')).toBeUndefined()
  })
})
