/** The ledger between main and post: a clean teardown by main spares the post step its sweep, anything else does not. */
import { undo } from '../../src/bottle/undo.js'
import type { TeardownState } from '../../src/bottle/teardown-state.js'
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
