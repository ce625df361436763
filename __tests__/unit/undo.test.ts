/** The ledger between main and post: a clean teardown by main spares the post step its sweep, anything else does not. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { undo } from '../../src/bottle/teardown/undo.js'
import type { Bottle } from '../../src/bottle/launch/launch.js'
import type { TeardownState } from '../../src/bottle/teardown/teardown-state.js'
import { RecordingBackend } from './recording-backend.js'

const ledger = (): TeardownState => ({ backend: 'docker', slug: 'bb-1-1-aa', bottleName: 'bb-1-1-aa', networkName: 'bb-1-1-aa-net', stateDir: '/tmp/x' })

describe('undo: main then post', () => {
  it("main's final teardown notes a clean removal, and the post step then does not sweep", async () => {
    const state = ledger()
    const main = new RecordingBackend()
    await undo({ state, save: () => undefined, backend: main, final: true })
    expect(main.calls.map(c => c.op)).toEqual(['remove', 'removeNetwork'])
    expect(state.tornDown).toBe(true)
    const post = new RecordingBackend()
    await undo({ state, save: () => undefined, backend: post, sweep: true })
    expect(post.calls).toEqual([])
  })

  it("a removal that failed, or the signal handler's teardown (which may race a create), leaves the sweep to the post step", async () => {
    const failing = ledger()
    const broken = new RecordingBackend()
    broken.remove = async () => {
      throw new Error('engine said no')
    }
    await undo({ state: failing, save: () => undefined, backend: broken, final: true })
    expect(failing.tornDown).toBeUndefined()

    const signalled = ledger()
    await undo({ state: signalled, save: () => undefined, backend: new RecordingBackend() })
    expect(signalled.tornDown).toBeUndefined()

    for (const state of [failing, signalled]) {
      const post = new RecordingBackend()
      await undo({ state, save: () => undefined, backend: post, sweep: true })
      expect(post.calls.map(c => c.op)).toEqual(['sweep'])
    }
  })
})

describe('undo: the copy-in stage', () => {
  it('removes staged workspace copies a run left (main, the signal handler and the post step all undo), and the rest of the state dir stays', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-undo-'))
    try {
      fs.mkdirSync(path.join(stateDir, 'workspace-in', 'src'), { recursive: true })
      fs.writeFileSync(path.join(stateDir, 'workspace-in', 'src', 'big.bin'), 'x'.repeat(9000))
      fs.writeFileSync(path.join(stateDir, 'stream.jsonl'), '{}\n')
      await undo({ state: { ...ledger(), stateDir }, save: () => undefined, backend: new RecordingBackend(), sweep: true })
      expect(fs.readdirSync(stateDir)).toEqual(['stream.jsonl'])
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true })
    }
  })
})

describe('undo: the bottle before the daemons', () => {
  it('removes the bottle and its network first, then stops the daemons (a connection the guest holds cannot delay its removal)', async () => {
    const order: string[] = []
    const backend = new RecordingBackend()
    const remove = backend.remove.bind(backend)
    backend.remove = async name => {
      order.push('remove bottle')
      await remove(name)
    }
    const removeNetwork = backend.removeNetwork.bind(backend)
    backend.removeNetwork = async name => {
      order.push('remove network')
      await removeNetwork(name)
    }
    const daemons = {
      close: async () => {
        order.push('stop daemons')
        return [{ daemon: 'egress proxy', summary: 'egress: 0 allowed, 0 blocked' }]
      }
    }
    const state = ledger()
    await undo({ state, save: () => undefined, backend, bottle: { daemons } as unknown as Bottle, final: true })
    expect(order).toEqual(['remove bottle', 'remove network', 'stop daemons'])
    expect(state.tornDown).toBe(true)
  })
})
