// A unix socket in front of the real docker engine's, for tests: it passes every byte through,
// logs when each request starts (its request line) and when its answer starts, and can be cut
// (every connection dropped, the socket gone) as when dockerd stops. Point DOCKER_HOST at it.
import fs from 'node:fs'
import net from 'node:net'

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r?$/m

/**
 * @param {string} socketPath where to listen
 * @param {{ upstream?: string }} [opts] the engine's socket (default /var/run/docker.sock)
 */
export async function startEngineSocketProxy(socketPath, opts = {}) {
  const upstream = opts.upstream ?? '/var/run/docker.sock'
  /** @type {string[]} "start METHOD PATH" / "end METHOD PATH", in the order they happened */
  const log = []
  const sockets = new Set()
  const server = net.createServer({ allowHalfOpen: true }, client => {
    const engine = net.connect({ path: upstream, allowHalfOpen: true })
    sockets.add(client)
    sockets.add(engine)
    /** requests sent on this connection and not answered yet (a kept-alive connection runs them in turn) */
    const pending = []
    let hijacked = false
    client.on('data', chunk => {
      if (!hijacked) {
        const m = REQUEST_LINE.exec(chunk.toString('latin1'))
        if (m) {
          const what = `${m[1]} ${decodeURIComponent(m[2])}`
          log.push(`start ${what}`)
          pending.push(what)
          if (/\/(exec\/[^/]+\/start|attach)/.test(m[2])) hijacked = true
        }
      }
      engine.write(chunk)
    })
    engine.on('data', chunk => {
      const what = pending.shift()
      if (what) log.push(`end ${what}`)
      client.write(chunk)
    })
    const close = () => {
      client.destroy()
      engine.destroy()
      sockets.delete(client)
      sockets.delete(engine)
    }
    client.on('end', () => engine.end())
    engine.on('end', () => client.end())
    client.on('error', close)
    engine.on('error', close)
    client.on('close', close)
    engine.on('close', close)
  })
  fs.rmSync(socketPath, { force: true })
  await new Promise(resolve => server.listen(socketPath, resolve))
  return {
    socketPath,
    url: `unix://${socketPath}`,
    log,
    /** the engine "goes away": connections cut, the socket removed, new clients refused */
    cut() {
      server.close()
      for (const s of sockets) s.destroy()
      fs.rmSync(socketPath, { force: true })
    },
    close() {
      this.cut()
    }
  }
}
