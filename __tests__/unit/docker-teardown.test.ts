/** The docker backend's teardown order, read from the requests the real engine received (through a logging socket). */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'
import { teardownResources } from '../../src/bottle/teardown/teardown.js'
import { startEngineSocketProxy } from '../../test/harness/engine-socket-proxy.mjs'
import { GUEST_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-teardown-'))
const id = crypto.randomBytes(3).toString('hex')
const net = `bb-td-${id}-net`
const bottle = `bb-td-${id}`

describe('docker teardown', () => {
  let proxy: Awaited<ReturnType<typeof startEngineSocketProxy>>
  const backendVia = () => new DockerBackend({ relayImage: RELAY_IMAGE, endpoint: { kind: 'unix', socketPath: proxy.socketPath, source: 'test' } })
  const requests = () => proxy.log.filter(l => !l.includes(' /version'))

  beforeAll(async () => {
    proxy = await startEngineSocketProxy(path.join(tmp, 'engine.sock'))
  })
  afterAll(() => proxy.close())

  async function makeRun(backend: DockerBackend) {
    const labels = { 'bot-bottle.test': id }
    const network = await backend.createNetwork(net, labels)
    await backend.exposeToGuest(network, [1234], labels)
    const spec = { name: bottle, labels, image: GUEST_IMAGE, user: { uid: 1001, gid: 1001 }, home: '/home/bottle', mounts: [], env: {} }
    await backend.create({ ...spec, stateDir: tmp, network: net, cpus: 1, memory: '256m', pidsLimit: 64 })
    await backend.start(bottle)
  }

  it('removes the bottle and the relay it started side by side, then the network, with no listing', async () => {
    const backend = backendVia()
    await makeRun(backend)
    proxy.log.length = 0
    expect(await teardownResources(backend, { bottleName: bottle, networkName: net })).toBe(true)
    const l = requests()
    const rm = (what: string) => l.findIndex(x => x.startsWith(what) && x.includes(`/containers/${bottle}`) && !x.includes('-relay'))
    const rmRelay = (what: string) => l.findIndex(x => x.startsWith(what) && x.includes(`/containers/${net}-relay`))
    // both removals started before either ended
    expect(Math.max(rm('start DELETE'), rmRelay('start DELETE'))).toBeLessThan(Math.min(rm('end DELETE'), rmRelay('end DELETE')))
    expect(rm('start DELETE')).toBeGreaterThanOrEqual(0)
    expect(l.slice(-2).map(x => x.replace(/\/v[\d.]+\//, '/'))).toEqual([`start DELETE /networks/${net}`, `end DELETE /networks/${net}`])
    expect(l.filter(x => x.includes('GET /') && x.includes('/containers/json'))).toEqual([])
  })

  it('another process (the post step) finds the relay by its label', async () => {
    await makeRun(backendVia())
    proxy.log.length = 0
    expect(await teardownResources(backendVia(), { bottleName: bottle, networkName: net })).toBe(true)
    const l = requests().map(x => x.replace(/\/v[\d.]+\//, '/'))
    expect(l).toContainEqual(`start GET /containers/json?all=true&filters={"label":["bot-bottle.relay-for=${net}"]}`)
    expect(l.at(-2)).toBe(`start DELETE /networks/${net}`)
  })
})
