// A corporate forward proxy on loopback, as a runner behind one sees it: CONNECT tunnels and
// absolute-URI plain HTTP, optionally demanding Basic proxy credentials (407 otherwise), or
// refusing every CONNECT (403, as a proxy with its own deny-list does). Records each request.
// Not modelled: TLS interception (a proxy that re-signs with its own CA), NTLM/Kerberos
// authentication, PAC files, per-host deny-lists (it refuses all or nothing), and idle timeouts.
import http from 'node:http'
import net from 'node:net'

/** @param {{ credentials?: string, refuse?: boolean }} [opts] credentials as "user:password" */
export async function startCorporateProxy(opts = {}) {
  const seen = []
  const authorized = req => !opts.credentials || req.headers['proxy-authorization'] === `Basic ${Buffer.from(opts.credentials).toString('base64')}`
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, target: req.url, authorized: authorized(req) })
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"' })
      return res.end()
    }
    const target = new URL(req.url)
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const up = http.request({ host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers }, ures => {
      res.writeHead(ures.statusCode ?? 502, ures.headers)
      ures.pipe(res)
    })
    up.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(up)
  })
  server.on('connect', (req, client, head) => {
    seen.push({ method: 'CONNECT', target: req.url, authorized: authorized(req) })
    if (!authorized(req)) return client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="corp"\r\n\r\n')
    if (opts.refuse) return client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '')
    const up = net.connect(Number(m[2]), m[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) up.write(head)
      client.pipe(up)
      up.pipe(client)
    })
    up.on('error', () => client.destroy())
    client.on('error', () => up.destroy())
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://${opts.credentials ? `${opts.credentials}@` : ''}127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(resolve)
      })
  }
}
