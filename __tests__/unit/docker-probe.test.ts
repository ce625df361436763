import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-probe-'))

describe('docker probe: one line saying why docker cannot be used', () => {
  it('daemon unreachable (DOCKER_HOST pointed at a socket nobody serves)', async () => {
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

  it('a socket that is not an engine: one line naming what answered', async () => {
    const sock = path.join(tmp, 'not-docker.sock')
    const http = await import('node:http')
    const server = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('page not found'))
    await new Promise<void>(resolve => server.listen(sock, resolve))
    try {
      const p = await new DockerBackend({ endpoint: { kind: 'unix', socketPath: sock, source: 'DOCKER_HOST' } }).probe()
      expect(p).toEqual({ usable: false, reason: `docker: the engine at unix://${sock} answered 404 to \`docker version\`: page not found` })
    } finally {
      server.close()
    }
  })

  it('a running engine is usable (the real dockerd the test command starts)', async () => {
    const p = await new DockerBackend().probe()
    if (!p.usable) throw new Error(`docker engine not reachable: ${p.reason}. Run 'bash test/harness/dockerd.sh' (installs docker.io, starts dockerd)`)
    expect(p.detail).toMatch(/^docker engine \d+\./)
  })
})
