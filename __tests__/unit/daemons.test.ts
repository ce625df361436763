/** The run's host daemons stop together: side by side, every one of them whatever another does, each outcome its own entry. */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { closeAll, startDaemons } from '../../src/bottle/launch/daemons.js'
import { prepare } from '../../src/bottle/prepare/prepare.js'
import { parseConfig } from '../../src/config/config.js'
import { readInputs } from '../../src/config/inputs.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-daemons-'))
/** the real stops, run whatever a test's own close() did (a daemon left listening would keep jest from exiting) */
const stops: (() => Promise<void>)[] = []
afterAll(async () => {
  await Promise.all(stops.map(stop => stop().catch(() => undefined)))
  fs.rmSync(tmp, { recursive: true, force: true })
})
const raw = { ...readInputs(() => ''), prompt: 'task', 'anthropic-api-key': 'sk-ant-key-123' }
const plan = () => prepare(parseConfig(raw, { workspace: tmp, runnerTemp: path.join(tmp, 'rt'), toolCache: path.join(tmp, 'tc') }))
const network = { name: 'bb-test-net', bindHost: '127.0.0.1', wiring: 'gateway' as const }

/** Whether something accepts a TCP connection on the loopback port (bounded: 2 s). */
function listening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2000 })
    socket.once('connect', () => resolve(!!socket.destroy()))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => resolve(!!socket.destroy() && false))
  })
}

/** Polls until `check` holds, at most 5 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (const until = Date.now() + 5000; Date.now() < until; await new Promise(r => setTimeout(r, 50))) if (await check()) return true
  return false
}

describe('daemons', () => {
  it('close() stops them side by side and returns each summary, model proxy first', async () => {
    const daemons = await startDaemons(plan(), network, {})
    expect(daemons.gitGate).toBeUndefined() // no origin, no gate
    const { modelProxy, egress } = daemons
    expect([await listening(modelProxy.port), await listening(egress.port)]).toEqual([true, true])
    // the model proxy's stop waits for the egress proxy's: one after the other, it would wait in vain
    const stopModel = modelProxy.close.bind(modelProxy)
    stops.push(stopModel, egress.close.bind(egress))
    modelProxy.close = async () => {
      if (!(await eventually(async () => !(await listening(egress.port))))) throw new Error('the egress proxy was not stopped beside it')
      await stopModel()
    }
    const closed = await daemons.close()
    expect(closed.map(c => [c.daemon, c.error])).toEqual([
      ['model proxy', undefined],
      ['egress proxy', undefined]
    ])
    expect(closed.map(c => c.summary)).toEqual([modelProxy.summary(), egress.summary()])
    expect([await listening(modelProxy.port), await listening(egress.port)]).toEqual([false, false])
  })

  it('one that cannot stop is an entry with its error; the others are stopped all the same and close() does not throw', async () => {
    const daemons = await startDaemons(plan(), network, {})
    const { modelProxy, egress } = daemons
    const stopModel = modelProxy.close.bind(modelProxy)
    stops.push(stopModel, egress.close.bind(egress))
    modelProxy.close = async () => {
      throw new Error('server is wedged')
    }
    const closed = await daemons.close()
    expect(closed).toEqual([
      { daemon: 'model proxy', error: 'server is wedged' },
      { daemon: 'egress proxy', summary: egress.summary() }
    ])
    expect(await listening(egress.port)).toBe(false)
  })

  it('a daemon whose stop never settles is an entry with its error once the deadline passes; the others are reported as usual', async () => {
    const never = { close: () => new Promise<void>(() => undefined), summary: () => 'never' }
    const quick = { close: async () => undefined, summary: () => 'quick: done' }
    const started = Date.now()
    const closed = await closeAll(
      [
        ['egress proxy', never],
        ['git gate', quick]
      ],
      300
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(closed).toEqual([
      { daemon: 'egress proxy', error: 'the egress proxy did not stop within 0.3 s; the teardown went on without it' },
      { daemon: 'git gate', summary: 'quick: done' }
    ])
  })
})
