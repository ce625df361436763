/** The docker backend's teardown order, against a stand-in CLI that logs when each command starts and ends. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'
import { teardownResources } from '../../src/bottle/teardown.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-teardown-'))
const log = path.join(tmp, 'log')
const cli = path.join(tmp, 'docker')
// `rm` takes 0.3 s, as a container removal does; listings print nothing
fs.writeFileSync(cli, `#!/bin/sh\necho "start $*" >> ${log}\ncase "$1" in rm) sleep 0.3;; esac\necho "end $*" >> ${log}\n`, { mode: 0o755 })
const lines = () => fs.readFileSync(log, 'utf8').trim().split('\n')

describe('docker teardown', () => {
  beforeEach(() => fs.writeFileSync(log, ''))

  it('removes the bottle and the relay it started side by side, then the network, with no listing', async () => {
    const backend = new DockerBackend({ cli })
    await backend.exposeToGuest({ name: 'bb-net', bindHost: '127.0.0.1', wiring: 'relay' }, [1234], {})
    fs.writeFileSync(log, '')
    expect(await teardownResources(backend, { bottleName: 'bb', networkName: 'bb-net' })).toBe(true)
    const l = lines()
    expect(
      l
        .filter(x => x.startsWith('start'))
        .slice(0, 2)
        .sort()
    ).toEqual(['start rm --force --volumes bb', 'start rm --force --volumes bb-net-relay'])
    expect(l.slice(2, 4).sort()).toEqual(['end rm --force --volumes bb', 'end rm --force --volumes bb-net-relay']) // both started before either ended
    expect(l.slice(4)).toEqual(['start network rm bb-net', 'end network rm bb-net'])
  })

  it('another process (the post step) finds the relay by its label', async () => {
    expect(await teardownResources(new DockerBackend({ cli }), { bottleName: 'bb', networkName: 'bb-net' })).toBe(true)
    expect(lines()).toContainEqual('start ps --all --filter label=bot-bottle.relay-for=bb-net --format {{.Names}}')
    expect(lines().at(-2)).toBe('start network rm bb-net')
  })
})
