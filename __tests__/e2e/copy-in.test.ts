/**
 * The copy in, on a real docker bottle with the test guest image: the guest copies the staged
 * files from the read-only stage beside the tar stream, in one exec, and the tree it ends with is
 * the runner's (contents, modes, whole-second times, links, a read-only directory holding a staged
 * file); when the guest's part of it fails, the copy fails with what went wrong: a copy that lost
 * files silently would read to the door as the agent deleting them. An image without GNU tar
 * (busybox) still gets the staged files.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'
import type { Mount } from '../../src/backend/types.js'
import type { Guest } from '../../src/bottle/launch/guest.js'
import { copyWorkspaceIn } from '../../src/bottle/workspace/copy-in.js'
import { makeStage, removeStage, Stage, stageMounts, stageWorkspace } from '../../src/bottle/workspace/stage.js'
import { BottleError } from '../../src/util/errors.js'
import { readManifest } from '../../src/workspace-door/manifest.js'
import { GUEST_IMAGE, MUSL_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { requireImage, requireRealParts, tempDir } from './helpers.js'

const user = { uid: 1001, gid: 1001 }
const big = (fill: string) => fill.repeat(Math.ceil(20_000 / fill.length)).slice(0, 20_000)

describe('the copy in', () => {
  const backend = new DockerBackend({ wiring: 'relay', relayImage: RELAY_IMAGE })
  let dir: string
  let ws: string
  let state: string
  const bottles: string[] = []
  beforeAll(() => requireRealParts())
  beforeEach(() => {
    dir = tempDir('e2e-copy-in')
    ws = path.join(dir, 'ws')
    state = fs.mkdtempSync(path.join(dir, 'state-'))
    fs.mkdirSync(path.join(ws, 'src', 'locked'), { recursive: true })
    fs.writeFileSync(path.join(ws, 'src', 'big.bin'), big('big'))
    fs.writeFileSync(path.join(ws, 'src', 'locked', 'inside.bin'), big('inside'))
    fs.writeFileSync(path.join(ws, 'small.txt'), 'small\n')
    fs.writeFileSync(path.join(ws, 'tool.sh'), `#!/bin/sh\n${big('# pad\n')}`)
    fs.chmodSync(path.join(ws, 'tool.sh'), 0o755)
    fs.symlinkSync('src/big.bin', path.join(ws, 'link'))
    execFileSync('chown', ['-R', '1001:1001', ws])
    fs.chmodSync(path.join(ws, 'src', 'locked'), 0o555)
  })
  afterEach(async () => {
    for (const b of bottles.splice(0)) await backend.remove(b)
    removeStage(state)
  })

  async function bottle(mounts: Mount[], image = GUEST_IMAGE): Promise<Guest> {
    const name = `bb-e2e-copy-in-${process.pid}-${bottles.length}`
    bottles.push(name)
    await backend.create({
      name,
      labels: { 'bot-bottle.test': 'copy-in' },
      image,
      user,
      home: '/tmp',
      env: {},
      stateDir: state,
      network: 'none',
      cpus: 1,
      memory: '512m',
      pidsLimit: 128,
      mounts,
      workspace: { path: ws, maxBytes: 64 * 1048576, maxEntries: 1000 }
    })
    await backend.start(name)
    return { plan: { guestUser: user }, backend, name } as unknown as Guest
  }

  /**
   * The tree as `find` sees it in the guest or on the runner: type, mode, and for files and links
   * size, whole-second mtime, target (a directory's size is its file system's; its time is not kept).
   */
  const FIND = ['-mindepth', '1', '(', '-type', 'd', '-printf', '%P %y %m\\n', ')', '-o', '-printf', '%P %y %m %s %TY%Tm%Td%TH%TM%TS %l\\n']
  const normal = (out: string) =>
    out
      .split('\n')
      .filter(Boolean)
      .map(l => l.replace(/(\d{14})\.\d+/, '$1'))
      .sort()

  it("ends with the runner's tree: staged and streamed files, modes, times, a link, a read-only directory", async () => {
    const manifest = readManifest(ws)
    const stage = new Stage(makeStage(state, 0))
    const staging = stageWorkspace(manifest, stage, ['sk-ant-api03-copyin-0123456789'])
    const guest = await bottle(stageMounts(stage.dir, undefined))
    const copied = await copyWorkspaceIn(guest, manifest, undefined, [], staging)
    expect({ files: copied.files, staged: copied.staged }).toEqual({ files: 4, staged: 3 })
    const inGuest = await backend.exec(guest.name, ['find', ws, ...FIND], { user })
    const onRunner = execFileSync('find', [ws, ...FIND], { encoding: 'utf8' })
    expect(normal(inGuest.stdout)).toEqual(normal(onRunner))
    expect(normal(inGuest.stdout).filter(l => / [dfl] /.test(l))).toHaveLength(7)
    expect(normal(inGuest.stdout).find(l => l.startsWith('src/locked '))).toBe('src/locked d 555')
  })

  /** The copy's error after the stage was made and then broken by `spoil` (the mounts as the action makes them, unless `mounted` is false). */
  async function copyError(spoil: (stage: Stage) => void, mounted = true): Promise<unknown> {
    const manifest = readManifest(ws)
    const stage = new Stage(makeStage(state, 0))
    const staged = await stageWorkspace(manifest, stage, [])
    spoil(stage)
    const guest = await bottle(mounted ? stageMounts(stage.dir, undefined) : [])
    return copyWorkspaceIn(guest, manifest, undefined, [], Promise.resolve(staged)).catch(e => e)
  }
  const failedWith = (what: string) => ({
    kind: BottleError.name,
    message: expect.stringMatching(new RegExp(`^copying the workspace into the bottle failed \\(${what}\\)\\. `))
  })
  const shape = (err: unknown) => ({ kind: (err as Error)?.constructor?.name, message: (err as Error)?.message })

  it('fails, saying so, when the stage is not in the bottle', async () => {
    expect(shape(await copyError(() => undefined, false))).toEqual(failedWith('the stage is not there'))
  })

  it('fails, saying so, when the guest cannot read a staged file', async () => {
    // the runner's own, as if it had been staged so
    const err = await copyError(stage => fs.chmodSync(path.join(stage.tree, 'src', 'big.bin'), 0o600))
    expect(shape(err)).toEqual(failedWith('reading the staged files failed'))
  })

  it('fails, saying so, when a staged file is gone from the stage (never a file silently missing)', async () => {
    const err = await copyError(stage => fs.rmSync(path.join(stage.tree, 'src', 'locked', 'inside.bin')))
    expect(shape(err)).toEqual(failedWith('reading the staged files failed'))
  })

  it('a failure is seen however much tar says on stderr meanwhile (500 streamed files with times in the future)', async () => {
    fs.mkdirSync(path.join(ws, 'many'))
    const future = new Date('2040-01-01T00:00:00Z')
    for (let i = 0; i < 500; i++) {
      const p = path.join(ws, 'many', `f${i}.txt`)
      fs.writeFileSync(p, `${i}\n`)
      fs.utimesSync(p, future, future)
    }
    const err = await copyError(stage => fs.chmodSync(path.join(stage.tree, 'src', 'big.bin'), 0o600))
    expect(shape(err)).toEqual(failedWith('reading the staged files failed'))
  })

  it('in an image without GNU tar (busybox, as with workspace-changes: none), the staged files still go in', async () => {
    requireImage(MUSL_IMAGE, 'musl-image.sh')
    const manifest = readManifest(ws)
    const stage = new Stage(makeStage(state, 0))
    const staging = stageWorkspace(manifest, stage, [])
    const guest = await bottle(stageMounts(stage.dir, undefined), MUSL_IMAGE)
    const copied = await copyWorkspaceIn(guest, manifest, undefined, [], staging)
    expect({ files: copied.files, staged: copied.staged }).toEqual({ files: 4, staged: 3 })
    const sums = (out: string) => out.split('\n').filter(Boolean).sort()
    const inGuest = await backend.exec(guest.name, ['sh', '-c', 'cd "$1" && find . -type f | sort | xargs sha256sum', 'sh', ws], { user })
    const onRunner = execFileSync('sh', ['-c', 'cd "$1" && find . -type f | sort | xargs sha256sum', 'sh', ws], { encoding: 'utf8' })
    expect(sums(inGuest.stdout)).toEqual(sums(onRunner))
    expect(sums(inGuest.stdout)).toHaveLength(4)
  })
})
