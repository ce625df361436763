import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-probe-'))

/** A stand-in CLI that prints what the real docker CLI prints when the socket refuses the user. */
function fakeCli(stderr: string, code: number): string {
  const p = path.join(tmp, `docker-${code}-${Math.random().toString(16).slice(2)}`)
  fs.writeFileSync(p, `#!/bin/sh\necho '${stderr}' >&2\nexit ${code}\n`, { mode: 0o755 })
  return p
}

describe('docker probe: one line saying why docker cannot be used', () => {
  it('CLI missing', async () => {
    const p = await new DockerBackend({ cli: path.join(tmp, 'no-such-docker') }).probe()
    expect(p).toEqual({ usable: false, reason: expect.stringMatching(/^docker: the docker CLI is not installed/) })
  })

  it('daemon unreachable (a real docker CLI pointed at a socket nobody serves)', async () => {
    const saved = process.env['DOCKER_HOST']
    process.env['DOCKER_HOST'] = `unix://${path.join(tmp, 'nobody.sock')}`
    try {
      const p = await new DockerBackend().probe()
      expect(p.usable).toBe(false)
      if (!p.usable) expect(p.reason).toMatch(/^docker: the docker daemon is unreachable \(start dockerd/)
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST']
      else process.env['DOCKER_HOST'] = saved
    }
  })

  it('permission denied on the socket', async () => {
    const cli = fakeCli(
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix /var/run/docker.sock: connect: permission denied',
      1
    )
    const p = await new DockerBackend({ cli }).probe()
    expect(p).toEqual({ usable: false, reason: expect.stringMatching(/permission denied on the docker socket \(add the runner user to the `docker` group/) })
  })

  it('a running engine is usable (the real dockerd the test command starts)', async () => {
    const p = await new DockerBackend().probe()
    if (!p.usable) throw new Error(`docker engine not reachable: ${p.reason}. Run 'bash test/harness/dockerd.sh' (installs docker.io, starts dockerd)`)
    expect(p.detail).toMatch(/^docker engine \d+\./)
  })
})
