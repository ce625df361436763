// A real OCI registry on loopback for tests of an image-pull client: Debian's `docker-registry`
// (the CNCF distribution reference implementation, 2.8.2) over TLS with a throwaway CA, its
// filesystem storage in a fresh temp dir, and one of three auth modes:
//  - 'token' (default): the registry's token auth, backed by a token server here (node https on
//    loopback, same CA) speaking the Docker registry token protocol: GET
//    <realm>?service=…&scope=repository:<name>:pull[,push] with HTTP Basic credentials answers
//    {token, access_token, expires_in, issued_at}; a wrong user or password gets 401; a request
//    without credentials gets a token granting nothing (the registry then refuses pulls, as
//    Docker Hub does for private repositories). Tokens are ES256 JWTs whose signing certificate
//    (signed by the test CA, which is the registry's rootcertbundle) is in the header's x5c.
//  - 'basic': the registry's htpasswd auth (bcrypt, from `htpasswd -B` or perl's crypt(3)).
//  - 'none'.
// The user may pull and push every repository. Helpers push images and indexes through the
// real distribution API (blob upload POST then PUT ?digest=, manifest PUT).
// Not modelled: refresh tokens / the OAuth2 POST form of the token endpoint, per-repository
// permissions, rate limits, redirects to blob storage (the filesystem driver serves blobs itself).
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { makeTestCa } from './test-ca.mjs'

const REGISTRY_BIN = '/usr/bin/docker-registry'
const SERVICE = 'bot-bottle-test-registry'
const ISSUER = 'bot-bottle-test-token-issuer'

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar'
}

const sha256 = buf => `sha256:${crypto.createHash('sha256').update(buf).digest('hex')}`
const b64url = buf => Buffer.from(buf).toString('base64url')
const isGzip = buf => buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address())
      s.close(() => resolve(port))
    })
  })
}

/** bcrypt hash for htpasswd: apache2-utils' htpasswd if present, else perl's crypt(3) (libxcrypt does $2b$) */
function bcryptHash(password) {
  try {
    return execFileSync('htpasswd', ['-nbB', '-C', '10', 'u', password], { encoding: 'utf8', stdio: 'pipe' }).trim().replace(/^u:/, '')
  } catch {
    const abc = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    const salt = [...crypto.randomBytes(21)].map(b => abc[b & 63]).join('') + '.Oeu'[crypto.randomInt(4)]
    const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$10$${salt}`], { encoding: 'utf8' })
    if (!hash.startsWith('$2b$10$') || hash.length !== 60) throw new Error(`no bcrypt: neither htpasswd nor perl's crypt made one (${hash})`)
    return hash
  }
}

/** a certificate for signing tokens (EC P-256), signed by the test CA in `dir` */
function makeTokenSigner(dir) {
  const f = name => path.join(dir, name)
  const ssl = (...a) => execFileSync('openssl', a, { stdio: 'pipe' })
  ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('token.key'))
  ssl('req', '-new', '-key', f('token.key'), '-subj', '/CN=bot-bottle test token signer', '-out', f('token.csr'))
  fs.writeFileSync(f('token-ext.cnf'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n')
  ssl(
    'x509',
    '-req',
    '-in',
    f('token.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('token-ext.cnf'),
    '-out',
    f('token.pem')
  )
  const key = crypto.createPrivateKey(fs.readFileSync(f('token.key')))
  const der = new crypto.X509Certificate(fs.readFileSync(f('token.pem'))).raw
  return { key, x5c: [der.toString('base64')] }
}

function signJwt(signer, claims) {
  const header = { typ: 'JWT', alg: 'ES256', x5c: signer.x5c }
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  const sig = crypto.sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64url(sig)}`
}

/** the token server: https on loopback, Basic credentials → JWT for the requested scopes */
async function startTokenServer({ tls, signer, username, password, tokenRequests }) {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    req.resume()
    const url = new URL(req.url ?? '/', 'https://token')
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(body))
    }
    if (url.pathname !== '/token') return send(404, { details: 'not found' })
    if (req.method !== 'GET') return send(405, { details: 'method not allowed' })
    const service = url.searchParams.get('service') ?? ''
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap(s => s.split(' '))
      .filter(Boolean)
    const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const [user, ...rest] = basic === undefined ? [] : Buffer.from(basic, 'base64').toString('utf8').split(':')
    tokenRequests.push({ service, scope: scopes.join(' '), user: user ?? null })
    if (req.headers.authorization !== undefined && (user !== username || rest.join(':') !== password)) {
      return send(401, { details: 'incorrect username or password' }, { 'www-authenticate': 'Basic realm="bot-bottle test token server"' })
    }
    if (service !== SERVICE) return send(400, { details: `unknown service ${service}` })
    const access = []
    if (user !== undefined) {
      for (const scope of scopes) {
        // repository[(class)]:<name>:<actions>
        const m = /^(repository(?:\([^)]*\))?):([^:]+):([a-z*,]+)$/.exec(scope)
        if (!m) continue
        const actions = m[3].split(',').filter(a => a === 'pull' || a === 'push')
        access.push({ type: 'repository', name: m[2], actions })
      }
    }
    const now = Math.floor(Date.now() / 1000)
    const token = signJwt(signer, {
      iss: ISSUER,
      sub: user ?? '',
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: crypto.randomUUID(),
      access
    })
    send(200, { token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = /** @type {net.AddressInfo} */ (server.address())
  return {
    realm: `https://127.0.0.1:${port}/token`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

function registryConfig({ port, storageDir, tls, auth }) {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${crypto.randomBytes(16).toString('hex')}`,
    '  tls:',
    `    certificate: ${JSON.stringify(tls.certFile)}`,
    `    key: ${JSON.stringify(tls.keyFile)}`
  ]
  if (auth.kind === 'token') {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(auth.realm)}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(auth.rootcertbundle)}`
    )
  } else if (auth.kind === 'basic') {
    lines.push('auth:', '  htpasswd:', '    realm: bot-bottle-test-registry', `    path: ${JSON.stringify(auth.path)}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * @param {{ auth?: 'token' | 'basic' | 'none', username?: string, password?: string }} [opts]
 */
export async function startRegistry({ auth = 'token', username = 'puller', password = 'pull-secret-123' } = {}) {
  if (!fs.existsSync(REGISTRY_BIN)) throw new Error('docker-registry is not installed: apt-get install docker-registry (test/harness/host-tools.sh does it)')
  if (!['token', 'basic', 'none'].includes(auth)) throw new Error(`unknown auth ${auth}`)
  const ca = makeTestCa()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-registry-'))
  const storageDir = path.join(work, 'storage')
  fs.mkdirSync(storageDir)
  const tls = { cert: ca.cert, key: ca.key, certFile: path.join(ca.dir, 'server.pem'), keyFile: path.join(ca.dir, 'server.key') }
  /** @type {{ service: string, scope: string, user: string | null }[]} */
  const tokenRequests = []
  let tokenServer
  const removeDirs = () => {
    fs.rmSync(work, { recursive: true, force: true })
    fs.rmSync(ca.dir, { recursive: true, force: true })
  }
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child
  const killOnExit = () => child?.kill('SIGKILL')
  try {
    let authCfg = { kind: 'none' }
    if (auth === 'token') {
      const signer = makeTokenSigner(ca.dir)
      tokenServer = await startTokenServer({ tls, signer, username, password, tokenRequests })
      authCfg = { kind: 'token', realm: tokenServer.realm, rootcertbundle: ca.caFile }
    } else if (auth === 'basic') {
      const file = path.join(work, 'htpasswd')
      fs.writeFileSync(file, `${username}:${bcryptHash(password)}\n`)
      authCfg = { kind: 'basic', path: file }
    }
    let port = 0
    let stderr = ''
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      const configFile = path.join(work, 'config.yml')
      fs.writeFileSync(configFile, registryConfig({ port, storageDir, tls, auth: authCfg }))
      stderr = ''
      const proc = spawn(REGISTRY_BIN, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
      child = proc
      process.once('exit', killOnExit)
      const out = c => {
        stderr = (stderr + c.toString('utf8')).slice(-8000)
      }
      proc.stdout?.on('data', out)
      proc.stderr?.on('data', out)
      const exited = new Promise(resolve => proc.once('exit', (code, signal) => resolve({ code, signal })))
      const up = await waitUp(port, ca.ca, exited, 15_000)
      if (up === true) break
      proc.kill('SIGKILL')
      await exited
      process.removeListener('exit', killOnExit)
      child = undefined
      if (attempt < 3 && /address already in use/.test(stderr)) continue
      throw new Error(`docker-registry did not come up on 127.0.0.1:${port} (${up}); its output:\n${stderr}`)
    }
    const url = `https://127.0.0.1:${port}`
    let closing
    const registry = {
      host: `127.0.0.1:${port}`,
      url,
      caFile: ca.caFile,
      /** the CA certificate PEM itself */
      ca: ca.ca,
      username,
      password,
      auth,
      storageDir,
      /** @type {number | undefined} the docker-registry child's pid */
      pid: child?.pid,
      /** @param {string} digest */
      blobDataPath: digest => {
        const [alg, hex] = digest.split(':')
        return path.join(storageDir, 'docker', 'registry', 'v2', 'blobs', alg, hex.slice(0, 2), hex, 'data')
      },
      tokenRequests,
      /** stops the registry and the token server, removes the temp dirs; idempotent */
      close: () =>
        (closing ??= (async () => {
          const proc = child
          if (proc && proc.exitCode === null && proc.signalCode === null) {
            const gone = new Promise(resolve => proc.once('exit', resolve))
            proc.kill('SIGTERM')
            const t = setTimeout(() => proc.kill('SIGKILL'), 5000)
            await gone
            clearTimeout(t)
          }
          process.removeListener('exit', killOnExit)
          await tokenServer?.close()
          removeDirs()
        })())
    }
    return registry
  } catch (e) {
    child?.kill('SIGKILL')
    process.removeListener('exit', killOnExit)
    await tokenServer?.close()
    removeDirs()
    throw e
  }
}

/** resolves true once GET /v2/ answers 200 or 401, else a reason (exited, timeout) */
async function waitUp(port, ca, exited, ms) {
  const deadline = Date.now() + ms
  let gone = null
  exited.then(r => {
    gone = r
  })
  while (Date.now() < deadline) {
    if (gone) return `exited with ${JSON.stringify(gone)}`
    try {
      const r = await httpsRequest('GET', `https://127.0.0.1:${port}/v2/`, { ca })
      if (r.status === 200 || r.status === 401) return true
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return `no answer to GET /v2/ within ${ms / 1000} s`
}

/**
 * One HTTPS request trusting only `ca`; no redirects followed.
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
 */
function httpsRequest(method, url, { ca, headers = {}, body } = /** @type {any} */ ({})) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, agent: false, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) } }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer in 15 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** parses `Bearer realm="…",service="…",scope="…"` */
function parseChallenge(header) {
  const m = /^(\w+)\s+(.*)$/.exec(header ?? '')
  if (!m) return { scheme: '', params: {} }
  const params = {}
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2]
  return { scheme: m[1].toLowerCase(), params }
}

/** the pusher: the harness's own client, authenticating as the registry's user (pull and push) */
/** per registry: repository → the Authorization that last worked for it */
const pusherAuth = new WeakMap()
async function registryCall(registry, method, pathOrUrl, { headers = {}, body, repo } = /** @type {any} */ ({})) {
  const ca = registry.ca
  const url = new URL(pathOrUrl, registry.url).toString()
  if (!pusherAuth.has(registry)) pusherAuth.set(registry, new Map())
  const tokens = pusherAuth.get(registry)
  const cached = repo ? tokens.get(repo) : undefined
  const first = await httpsRequest(method, url, { ca, body, headers: cached ? { ...headers, authorization: cached } : headers })
  if (first.status !== 401) return first
  const { scheme, params } = parseChallenge(/** @type {string} */ (first.headers['www-authenticate']))
  let authorization
  if (scheme === 'basic') {
    authorization = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`
  } else if (scheme === 'bearer') {
    const realm = new URL(params.realm)
    realm.searchParams.set('service', params.service)
    realm.searchParams.set('scope', repo ? `repository:${repo}:pull,push` : (params.scope ?? ''))
    const t = await httpsRequest('GET', realm.toString(), {
      ca,
      headers: { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}` }
    })
    if (t.status !== 200) throw new Error(`token server: ${t.status} ${t.body.toString('utf8')}`)
    authorization = `Bearer ${JSON.parse(t.body.toString('utf8')).token}`
  } else {
    return first
  }
  if (repo) tokens.set(repo, authorization)
  return httpsRequest(method, url, { ca, body, headers: { ...headers, authorization } })
}

const expect2xx = (r, what) => {
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${r.body.toString('utf8').slice(0, 500)}`)
  return r
}

/** uploads one blob (POST an upload, PUT its bytes with ?digest=) unless the repository has it; returns its digest */
async function pushBlob(registry, repo, bytes) {
  const digest = sha256(bytes)
  const head = await registryCall(registry, 'HEAD', `/v2/${repo}/blobs/${digest}`, { repo })
  if (head.status === 200) return digest
  const start = expect2xx(await registryCall(registry, 'POST', `/v2/${repo}/blobs/uploads/`, { repo, body: Buffer.alloc(0) }), `POST upload of ${digest}`)
  const location = new URL(/** @type {string} */ (start.headers.location), registry.url)
  location.searchParams.set('digest', digest)
  const put = await registryCall(registry, 'PUT', location.toString(), { repo, body: bytes, headers: { 'content-type': 'application/octet-stream' } })
  expect2xx(put, `PUT blob ${digest}`)
  if (put.headers['docker-content-digest'] !== digest) throw new Error(`PUT blob ${digest}: registry says ${put.headers['docker-content-digest']}`)
  return digest
}

/** PUTs a manifest's bytes under `reference` (a tag or its digest); returns its digest */
async function putManifest(registry, repo, reference, mediaType, bytes) {
  const digest = sha256(bytes)
  const r = await registryCall(registry, 'PUT', `/v2/${repo}/manifests/${reference ?? digest}`, { repo, body: bytes, headers: { 'content-type': mediaType } })
  expect2xx(r, `PUT manifest ${repo}:${reference ?? digest}`)
  if (r.headers['docker-content-digest'] !== digest) throw new Error(`PUT manifest: registry says ${r.headers['docker-content-digest']}, we hashed ${digest}`)
  return digest
}

/**
 * Pushes one image to `<repo>:<tag>` (by digest alone without a tag). `config` is an object
 * (serialized with JSON.stringify) or its exact bytes; `layers` hold tar or tar.gz bytes.
 * @param {Awaited<ReturnType<typeof startRegistry>>} registry
 * @param {string} repo
 * @param {{ tag?: string, config: object | Buffer | string, layers: Buffer[], mediaType?: 'oci' | 'docker' }} image
 */
export async function pushImage(registry, repo, { tag, config, layers, mediaType = 'oci' }) {
  const oci = mediaType === 'oci'
  if (!oci && mediaType !== 'docker') throw new Error(`unknown mediaType ${mediaType}`)
  const configBytes = Buffer.isBuffer(config) ? config : Buffer.from(typeof config === 'string' ? config : JSON.stringify(config))
  const configDigest = await pushBlob(registry, repo, configBytes)
  const layerDescs = []
  for (const layer of layers) {
    const digest = await pushBlob(registry, repo, layer)
    const gz = isGzip(layer)
    const type = oci ? (gz ? MEDIA.ociLayerGzip : MEDIA.ociLayer) : gz ? MEDIA.dockerLayerGzip : MEDIA.dockerLayer
    layerDescs.push({ mediaType: type, digest, size: layer.length })
  }
  const manifestType = oci ? MEDIA.ociManifest : MEDIA.dockerManifest
  const manifest = {
    schemaVersion: 2,
    mediaType: manifestType,
    config: { mediaType: oci ? MEDIA.ociConfig : MEDIA.dockerConfig, digest: configDigest, size: configBytes.length },
    layers: layerDescs
  }
  const bytes = Buffer.from(JSON.stringify(manifest))
  const manifestDigest = await putManifest(registry, repo, tag, manifestType, bytes)
  return { manifestDigest, manifest, configDigest, layerDigests: layerDescs.map(l => l.digest), size: bytes.length, mediaType: manifestType }
}

/**
 * Pushes an OCI index ('oci') or a Docker manifest list ('docker') of manifests already in `repo`.
 * @param {Awaited<ReturnType<typeof startRegistry>>} registry
 * @param {string} repo
 * @param {string | undefined} tag
 * @param {{ digest: string, size: number, mediaType: string, platform: { os: string, architecture: string, variant?: string } }[]} entries
 * @param {'oci' | 'docker'} [kind]
 */
export async function pushIndex(registry, repo, tag, entries, kind = 'oci') {
  const mediaType = kind === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList
  if (kind !== 'oci' && kind !== 'docker') throw new Error(`unknown kind ${kind}`)
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map(e => ({ mediaType: e.mediaType, digest: e.digest, size: e.size, platform: e.platform }))
  }
  const bytes = Buffer.from(JSON.stringify(index))
  const digest = await putManifest(registry, repo, tag, mediaType, bytes)
  return { digest, size: bytes.length, index, mediaType }
}

/** the regular files (and symlinks) of a tar, by normalized path; ustar, GNU long names, pax paths */
export function readTar(buf) {
  /** @type {Map<string, Buffer>} */
  const files = new Map()
  const links = new Map()
  const str = (b, off, len) => {
    const s = b.subarray(off, off + len)
    const nul = s.indexOf(0)
    return s.subarray(0, nul < 0 ? len : nul).toString('utf8')
  }
  const norm = p => path.posix.normalize(p.replace(/^(\.\/)+/, '')).replace(/\/$/, '')
  let off = 0
  let longName
  let paxPath
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512)
    if (h.every(b => b === 0)) break
    const sizeField = h.subarray(124, 136)
    const size = sizeField[0] & 0x80 ? Number(sizeField.readBigUInt64BE(4)) : Number.parseInt(str(h, 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(h[156] || 0x30)
    const prefix = str(h, 345, 155)
    let name = longName ?? paxPath ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100))
    const data = buf.subarray(off + 512, off + 512 + size)
    off += 512 + Math.ceil(size / 512) * 512
    if (type === 'L') {
      longName = str(data, 0, data.length)
      continue
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))
      if (m) paxPath = m[1]
      continue
    }
    if (type === 'g') continue
    longName = undefined
    paxPath = undefined
    name = norm(name)
    if (type === '0' || type === '\0' || type === '7') files.set(name, Buffer.from(data))
    else if (type === '2') links.set(name, norm(path.posix.join(path.posix.dirname(name), str(h, 157, 100))))
    else if (type === '1') links.set(name, norm(str(h, 157, 100)))
  }
  for (const [name, target] of links) {
    let t = target
    for (let i = 0; i < 16 && !files.has(t) && links.has(t); i++) t = links.get(t)
    const f = files.get(t)
    if (f) files.set(name, f)
  }
  return files
}

/**
 * Pushes the image of a `docker save` archive (Docker 20.10's layout: manifest.json naming the
 * config file and `<id>/layer.tar` files; Docker 25's OCI-layout archive works too, its
 * manifest.json names blobs/sha256/…): each uncompressed layer is gzipped, the config is pushed
 * byte for byte unless its rootfs.diff_ids do not match the layers (then they are rewritten).
 * @param {Awaited<ReturnType<typeof startRegistry>>} registry
 * @param {string} repo
 * @param {string | undefined} tag
 * @param {string} archivePath
 * @param {{ mediaType?: 'oci' | 'docker' }} [opts]
 */
export async function pushDockerArchive(registry, repo, tag, archivePath, { mediaType = 'oci' } = {}) {
  let raw = fs.readFileSync(archivePath)
  if (isGzip(raw)) raw = zlib.gunzipSync(raw)
  const files = readTar(raw)
  const manifestJson = files.get('manifest.json')
  if (!manifestJson) throw new Error(`${archivePath}: no manifest.json (not a docker save archive)`)
  const entries = JSON.parse(manifestJson.toString('utf8'))
  const entry = entries[0]
  if (!entry?.Config || !Array.isArray(entry.Layers)) throw new Error(`${archivePath}: manifest.json without Config and Layers`)
  if (entries.length !== 1) throw new Error(`${archivePath}: ${entries.length} images in the archive, one expected`)
  const get = p => {
    const f = files.get(path.posix.normalize(p))
    if (!f) throw new Error(`${archivePath}: ${p} named in manifest.json is not in the archive`)
    return f
  }
  let config = get(entry.Config)
  const layers = []
  const diffIds = []
  for (const p of entry.Layers) {
    const bytes = get(p)
    const tar = isGzip(bytes) ? zlib.gunzipSync(bytes) : bytes
    diffIds.push(sha256(tar))
    layers.push(isGzip(bytes) ? bytes : zlib.gzipSync(bytes))
  }
  const parsed = JSON.parse(config.toString('utf8'))
  const current = parsed.rootfs?.diff_ids
  if (!Array.isArray(current) || current.length !== diffIds.length || current.some((d, i) => d !== diffIds[i])) {
    parsed.rootfs = { type: 'layers', diff_ids: diffIds }
    config = Buffer.from(JSON.stringify(parsed))
  }
  return pushImage(registry, repo, { tag, config, layers, mediaType })
}

/** a ustar archive of `files` (path → contents), with their parent directories, mtime 0, root-owned */
export function makeTar(files) {
  const blocks = []
  const header = (name, size, type, mode) => {
    const h = Buffer.alloc(512)
    if (Buffer.byteLength(name) > 100) throw new Error(`tar path too long for this writer: ${name}`)
    h.write(name, 0, 100, 'utf8')
    h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100)
    h.write('0000000\0', 108)
    h.write('0000000\0', 116)
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
    h.write('00000000000\0', 136)
    h.write('        ', 148)
    h.write(type, 156)
    h.write('ustar\0', 257)
    h.write('00', 263)
    let sum = 0
    for (const b of h) sum += b
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
    return h
  }
  const dirs = new Set()
  for (const [name, content] of Object.entries(files)) {
    const parts = name.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`
      if (dirs.has(dir)) continue
      dirs.add(dir)
      blocks.push(header(dir, 0, '5', 0o755))
    }
    const data = Buffer.isBuffer(content) ? content : Buffer.from(String(content))
    blocks.push(header(name, data.length, '0', 0o644), data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

/**
 * A tiny valid image: a config for os/architecture[/variant] and one gzipped layer of `files`.
 * @param {{ os?: string, architecture?: string, variant?: string, files: Record<string, string | Buffer> }} opts
 */
export function tinyImage({ os = 'linux', architecture = 'amd64', variant, files }) {
  const tar = makeTar(files)
  const config = {
    architecture,
    os,
    ...(variant ? { variant } : {}),
    created: '1970-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'oci-registry.mjs tinyImage' }]
  }
  return { config, layers: [zlib.gzipSync(tar)] }
}
