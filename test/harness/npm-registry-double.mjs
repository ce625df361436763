// A loopback double of the npm registry's read API, serving real package tarballs:
//   GET /<scope>%2f<name>  (or /<scope>/<name>)   → packument (abbreviated when asked)
//   GET /<scope>/<name>/-/<file>.tgz              → the tarball
// Unknown packages answer 404 {"error":"Not found"} like the registry.
// `corrupt: true` serves tarball bytes that do not match the packument's integrity
// (a broken or tampered mirror); `status` forces every response to that HTTP status;
// `bytesPerSecond` paces tarballs to that rate (a registry over a real network, for benchmarks).
// `cutTarballs: n` breaks the first n tarball downloads half-way (the connection dropped, as a
// flaky network or a restarting CDN edge does): the client sees a response that ends early.
// `bombMiB: n` serves, in place of every tarball, a gzip stream (members of zeros, concatenated)
// that inflates to n MiB from a few hundred KiB: a tampered mirror's decompression bomb; it does
// not match the integrity. `stallTarballs: true` sends the tarball's headers and first half,
// then nothing more while keeping the connection open (a hung mirror).
// `holdFirstTarballMs: ms` keeps the first tarball download's body back that long (a slow
// download beside a fast one: two runs installing at once).
// Not modelled: authentication (tokens, scoped registries' auth), dist-tags other than
// latest, package signatures and provenance attestations, search and the write API,
// rate limits, redirects to a CDN, and ETag/304 caching.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'

/**
 * @typedef {{ name: string, version: string, tarballPath: string, integrity: string, shasum?: string }} ServedPackage
 * @param {{ packages: ServedPackage[], corrupt?: boolean, status?: number, bytesPerSecond?: number, cutTarballs?: number, bombMiB?: number, stallTarballs?: boolean, holdFirstTarballMs?: number }} opts
 */
export async function startNpmRegistryDouble(opts) {
  /** @type {{ method: string, path: string, accept: string }[]} */
  const requests = []
  let tarballDownloads = 0
  let base = ''
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    requests.push({ method: req.method ?? '', path: url, accept: String(req.headers.accept ?? '') })
    if (opts.status) {
      res.writeHead(opts.status, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ error: `status ${opts.status}` }))
    }
    const decoded = decodeURIComponent(url.split('?')[0] ?? '/').replace(/^\/+/, '')
    const tgz = /^(.+)\/-\/([^/]+\.tgz)$/.exec(decoded)
    if (tgz) {
      const pkg = opts.packages.find(p => p.name === tgz[1] && tarballName(p) === tgz[2])
      if (!pkg) return notFound(res)
      tarballDownloads++
      if (opts.bombMiB) return bomb(res, opts.bombMiB)
      const size = fs.statSync(pkg.tarballPath).size
      if (opts.stallTarballs) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
        fs.createReadStream(pkg.tarballPath, { end: Math.floor(size / 2) }).on('data', chunk => res.write(chunk))
        return // never ends: the client must give up on its own
      }
      if (tarballDownloads === 1 && opts.holdFirstTarballMs) {
        const held = setTimeout(() => fs.createReadStream(pkg.tarballPath).pipe(res), opts.holdFirstTarballMs)
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
        res.on('close', () => clearTimeout(held))
        return
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
      if (tarballDownloads <= (opts.cutTarballs ?? 0)) {
        const half = fs.createReadStream(pkg.tarballPath, { end: Math.floor(size / 2) })
        half.on('data', chunk => res.write(chunk))
        half.on('end', () => res.socket?.destroy())
        return
      }
      const stream = fs.createReadStream(pkg.tarballPath)
      if (opts.bytesPerSecond) return paced(stream, res, opts.bytesPerSecond)
      if (!opts.corrupt) return stream.pipe(res)
      // Same length, one byte flipped in the middle: only the integrity check can tell.
      let offset = 0
      stream.on('data', chunk => {
        const buf = Buffer.from(/** @type {Buffer} */ (chunk))
        const mid = Math.floor(size / 2)
        if (mid >= offset && mid < offset + buf.length) buf[mid - offset] ^= 0xff
        offset += buf.length
        res.write(buf)
      })
      stream.on('end', () => res.end())
      return
    }
    const versions = opts.packages.filter(p => p.name === decoded)
    if (versions.length === 0) return notFound(res)
    const latest = versions[versions.length - 1]
    const doc = {
      name: decoded,
      'dist-tags': { latest: latest.version },
      versions: Object.fromEntries(
        versions.map(p => [
          p.version,
          {
            name: p.name,
            version: p.version,
            dist: { integrity: p.integrity, shasum: p.shasum ?? '', tarball: `${base}/${p.name}/-/${tarballName(p)}` }
          }
        ])
      )
    }
    res.writeHead(200, {
      'content-type': String(req.headers.accept ?? '').includes('vnd.npm.install-v1') ? 'application/vnd.npm.install-v1+json' : 'application/json'
    })
    res.end(JSON.stringify(doc))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port
  base = `http://127.0.0.1:${port}`
  return {
    url: base,
    requests,
    tarballDownloads: () => tarballDownloads,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections?.()
        server.close(() => resolve(undefined))
      })
  }
}

/** Writes `stream` to `res` no faster than `rate` bytes a second. */
function paced(stream, res, rate) {
  const started = Date.now()
  let sent = 0
  stream.on('data', chunk => {
    sent += chunk.length
    const due = started + (sent / rate) * 1000
    res.write(chunk)
    if (due > Date.now()) {
      stream.pause()
      setTimeout(() => stream.resume(), due - Date.now())
    }
  })
  stream.on('end', () => res.end())
  res.on('close', () => stream.destroy())
}

/** One gzip member of 64 MiB of zeros (~64 KiB), made once. */
let zeroMember
/** Writes gzip members of zeros inflating to `mib` MiB in all, honouring back-pressure. */
function bomb(res, mib) {
  zeroMember ??= zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 })
  let left = Math.ceil(mib / 64)
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left * zeroMember.length) })
  const more = () => {
    while (left > 0) {
      left--
      if (!res.write(zeroMember)) return void res.once('drain', more)
    }
    res.end()
  }
  res.on('close', () => {
    left = 0
  })
  more()
}

/** @param {ServedPackage} p */
function tarballName(p) {
  return `${path.basename(p.name)}-${p.version}.tgz`
}

/** @param {http.ServerResponse} res */
function notFound(res) {
  res.writeHead(404, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ error: 'Not found' }))
}
