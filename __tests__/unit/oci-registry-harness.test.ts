/**
 * The OCI registry harness runs the real thing (Debian's docker-registry 2.8.2) over TLS with
 * token auth: these tests pin what an image-pull client will meet there, through a plain https
 * client that trusts only the test CA. The registry challenges with Bearer realm/service/scope,
 * the token server hands out tokens only for the right password (anonymous ones grant nothing),
 * pushed images and indexes come back by tag and digest, and a blob corrupted in the storage is
 * served as it is (the registry does not re-hash on serve), which tampered-blob tests rely on.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { makeTar, pushDockerArchive, pushImage, pushIndex, startRegistry, tinyImage } from '../../test/harness/oci-registry.mjs'

type Registry = Awaited<ReturnType<typeof startRegistry>>
type Reply = { status: number; headers: IncomingHttpHeaders; body: Buffer }

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST].join(', ')

const sha256 = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`

function get(reg: Registry, url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(url, reg.url), { ca: fs.readFileSync(reg.caFile), agent: false, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: timeout`)))
    req.on('error', reject)
    req.end()
  })
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters */
function challenge(h: string | undefined): Record<string, string> {
  expect(h).toMatch(/^Bearer /)
  return Object.fromEntries([...(h ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]))
}

const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** the token server's answer for `scope`, with the given credentials (none: anonymous) */
async function token(reg: Registry, scope: string, credentials?: [string, string]): Promise<Reply> {
  const c = challenge((await get(reg, '/v2/')).headers['www-authenticate'] as string)
  const url = new URL(c.realm as string)
  url.searchParams.set('service', c.service as string)
  url.searchParams.set('scope', scope)
  return get(reg, url.toString(), credentials ? { authorization: basicOf(...credentials) } : {})
}

async function bearer(reg: Registry, repo: string): Promise<Record<string, string>> {
  const t = await token(reg, `repository:${repo}:pull`, [reg.username, reg.password])
  expect(t.status).toBe(200)
  return { authorization: `Bearer ${JSON.parse(t.body.toString()).token}` }
}

describe('OCI registry harness: docker-registry with TLS and token auth', () => {
  let reg: Registry
  beforeAll(async () => {
    reg = await startRegistry()
  }, 60_000)
  afterAll(async () => reg?.close(), 30_000)

  it('answers /v2/ and an unauthenticated pull with 401 and a Bearer challenge naming the token server', async () => {
    const v2 = await get(reg, '/v2/')
    expect(v2.status).toBe(401)
    expect(v2.headers['docker-distribution-api-version']).toBe('registry/2.0')
    const c = challenge(v2.headers['www-authenticate'])
    expect(c).toEqual({ realm: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/token$/), service: expect.any(String) })
    expect(JSON.parse(v2.body.toString())).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] })
    const pull = await get(reg, '/v2/acme/app/manifests/latest', { accept: ACCEPT })
    expect(pull.status).toBe(401)
    expect(challenge(pull.headers['www-authenticate'])).toEqual({ ...c, scope: 'repository:acme/app:pull' })
  }, 60_000)

  it('with a token for the right password, pulls a pushed manifest by tag and by digest', async () => {
    const img = await pushImage(reg, 'acme/app', { tag: 'v1', ...tinyImage({ files: { 'etc/marker': 'amd64\n' } }) })
    expect(reg.tokenRequests).toContainEqual({ service: expect.any(String), scope: 'repository:acme/app:pull,push', user: reg.username })
    const t = await token(reg, 'repository:acme/app:pull', [reg.username, reg.password])
    expect(t.status).toBe(200)
    const body = JSON.parse(t.body.toString())
    expect(body).toEqual({ token: expect.any(String), access_token: body.token, expires_in: 300, issued_at: expect.any(String) })
    const [header, claims] = (body.token as string)
      .split('.')
      .slice(0, 2)
      .map(p => JSON.parse(Buffer.from(p, 'base64url').toString()))
    expect(header).toEqual({ typ: 'JWT', alg: 'ES256', x5c: [expect.any(String)] })
    expect(claims.access).toEqual([{ type: 'repository', name: 'acme/app', actions: ['pull'] }])
    const auth = { authorization: `Bearer ${body.token}` }
    for (const ref of ['v1', img.manifestDigest]) {
      const m = await get(reg, `/v2/acme/app/manifests/${ref}`, { ...auth, accept: ACCEPT })
      expect(m.status).toBe(200)
      expect(m.headers['content-type']).toBe(OCI_MANIFEST)
      expect(m.headers['docker-content-digest']).toBe(img.manifestDigest)
      expect(sha256(m.body)).toBe(img.manifestDigest)
      expect(JSON.parse(m.body.toString())).toEqual(img.manifest)
    }
    // 2.8.2 will not hand an OCI manifest to a client whose Accept leaves the OCI types out
    const noAccept = await get(reg, '/v2/acme/app/manifests/v1', auth)
    expect(noAccept.status).toBe(404)
    expect(noAccept.body.toString()).toMatch(/OCI manifest found, but accept header does not support OCI manifests/)
  }, 60_000)

  it('refuses a wrong password at the token server (401), and an anonymous token on pull', async () => {
    await pushImage(reg, 'acme/private', { tag: 'latest', ...tinyImage({ files: { a: 'b' } }) })
    const wrong = await token(reg, 'repository:acme/private:pull', [reg.username, 'not-the-password'])
    expect(wrong.status).toBe(401)
    expect(await token(reg, 'repository:acme/private:pull', ['someone-else', reg.password])).toMatchObject({ status: 401 })
    const anon = await token(reg, 'repository:acme/private:pull')
    expect(anon.status).toBe(200)
    expect(reg.tokenRequests.at(-1)).toEqual({ service: expect.any(String), scope: 'repository:acme/private:pull', user: null })
    const pull = await get(reg, '/v2/acme/private/manifests/latest', { authorization: `Bearer ${JSON.parse(anon.body.toString()).token}`, accept: ACCEPT })
    expect(pull.status).toBe(401)
    expect(pull.headers['www-authenticate']).toMatch(/error="insufficient_scope"/)
    expect(JSON.parse(pull.body.toString()).errors[0].code).toBe('UNAUTHORIZED')
  }, 60_000)

  it('serves a pushed two-platform OCI index, and blobs that hash to their digests', async () => {
    const amd = await pushImage(reg, 'acme/multi', tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'amd64\n' } }))
    const arm = await pushImage(reg, 'acme/multi', tinyImage({ architecture: 'arm64', variant: 'v8', files: { 'etc/marker': 'arm64\n' } }))
    const index = await pushIndex(reg, 'acme/multi', 'latest', [
      { digest: amd.manifestDigest, size: amd.size, mediaType: OCI_MANIFEST, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: arm.manifestDigest, size: arm.size, mediaType: OCI_MANIFEST, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
    ])
    const auth = await bearer(reg, 'acme/multi')
    const r = await get(reg, '/v2/acme/multi/manifests/latest', { ...auth, accept: ACCEPT })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe(OCI_INDEX)
    expect(r.headers['docker-content-digest']).toBe(index.digest)
    const got = JSON.parse(r.body.toString())
    expect(got.manifests.map((m: { digest: string; platform: object }) => [m.digest, m.platform])).toEqual([
      [amd.manifestDigest, { os: 'linux', architecture: 'amd64' }],
      [arm.manifestDigest, { os: 'linux', architecture: 'arm64', variant: 'v8' }]
    ])
    for (const img of [amd, arm]) {
      for (const digest of [img.configDigest, ...img.layerDigests]) {
        const b = await get(reg, `/v2/acme/multi/blobs/${digest}`, auth)
        expect(b.status).toBe(200) // the filesystem driver serves blobs itself, no redirect
        expect(b.headers['docker-content-digest']).toBe(digest)
        expect(sha256(b.body)).toBe(digest)
      }
      const config = JSON.parse((await get(reg, `/v2/acme/multi/blobs/${img.configDigest}`, auth)).body.toString())
      const layer = (await get(reg, `/v2/acme/multi/blobs/${img.layerDigests[0]}`, auth)).body
      expect(config.rootfs.diff_ids).toEqual([sha256(zlib.gunzipSync(layer))])
    }
  }, 60_000)

  it('pushes a docker-save archive: gzipped layers whose uncompressed digest is the config diff_id, the config byte for byte', async () => {
    const layerTar = makeTar({ 'etc/hello': 'hello from docker save\n' })
    const diffId = sha256(layerTar)
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{}] })
    )
    const id = sha256(config).slice(7)
    const layerId = crypto.createHash('sha256').update('layer').digest('hex')
    const manifest = [{ Config: `${id}.json`, RepoTags: ['acme/saved:latest'], Layers: [`${layerId}/layer.tar`] }]
    const archive = makeTar({
      [`${layerId}/VERSION`]: '1.0',
      [`${layerId}/json`]: JSON.stringify({ id: layerId }),
      [`${layerId}/layer.tar`]: layerTar,
      [`${id}.json`]: config,
      'manifest.json': JSON.stringify(manifest),
      repositories: JSON.stringify({ 'acme/saved': { latest: layerId } })
    })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-save-'))
    try {
      const file = path.join(dir, 'image.tar')
      fs.writeFileSync(file, archive)
      const pushed = await pushDockerArchive(reg, 'acme/saved', 'latest', file)
      expect(pushed.configDigest).toBe(`sha256:${id}`)
      const auth = await bearer(reg, 'acme/saved')
      const m = JSON.parse((await get(reg, '/v2/acme/saved/manifests/latest', { ...auth, accept: ACCEPT })).body.toString())
      expect(m.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${id}`, size: config.length })
      expect(m.layers).toEqual([{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: expect.any(String), size: expect.any(Number) }])
      const layer = (await get(reg, `/v2/acme/saved/blobs/${m.layers[0].digest}`, auth)).body
      expect(layer.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
      expect(sha256(zlib.gunzipSync(layer))).toBe(diffId)
      const docker = await pushDockerArchive(reg, 'acme/saved', 'docker', file, { mediaType: 'docker' })
      expect(docker.manifest.layers[0]?.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('serves a blob corrupted in its storage as it is: the bytes no longer hash to the digest', async () => {
    const img = await pushImage(reg, 'acme/tamper', { tag: 'latest', ...tinyImage({ files: { 'etc/marker': 'genuine\n' } }) })
    const digest = img.layerDigests[0] as string
    const file = reg.blobDataPath(digest)
    const genuine = fs.readFileSync(file)
    expect(sha256(genuine)).toBe(digest)
    const tampered = Buffer.from(genuine)
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0xff
    fs.writeFileSync(file, tampered)
    const auth = await bearer(reg, 'acme/tamper')
    const r = await get(reg, `/v2/acme/tamper/blobs/${digest}`, auth)
    expect(r.status).toBe(200)
    expect(r.headers['docker-content-digest']).toBe(digest)
    expect(r.body).toEqual(tampered)
    expect(sha256(r.body)).not.toBe(digest)
  }, 60_000)
})

describe('OCI registry harness: basic and no auth, close()', () => {
  it('basic: challenges with Basic and lets the user in', async () => {
    const reg = await startRegistry({ auth: 'basic' })
    try {
      const v2 = await get(reg, '/v2/')
      expect(v2.status).toBe(401)
      expect(v2.headers['www-authenticate']).toMatch(/^Basic realm="/)
      expect((await get(reg, '/v2/', { authorization: basicOf(reg.username, 'wrong') })).status).toBe(401)
      expect((await get(reg, '/v2/', { authorization: basicOf(reg.username, reg.password) })).status).toBe(200)
      const img = await pushImage(reg, 'acme/basic', { tag: 'latest', mediaType: 'docker', ...tinyImage({ files: { a: 'b' } }) })
      const m = await get(reg, '/v2/acme/basic/manifests/latest', { authorization: basicOf(reg.username, reg.password), accept: ACCEPT })
      expect(m.headers['content-type']).toBe(DOCKER_MANIFEST)
      expect(m.headers['docker-content-digest']).toBe(img.manifestDigest)
    } finally {
      await reg.close()
    }
  }, 60_000)

  it('none: /v2/ answers 200; close() stops the registry, removes its storage, and may be called again', async () => {
    const reg = await startRegistry({ auth: 'none' })
    const pid = reg.pid as number
    expect((await get(reg, '/v2/')).status).toBe(200)
    expect(() => process.kill(pid, 0)).not.toThrow()
    await Promise.all([reg.close(), reg.close()])
    await reg.close()
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
    expect(fs.existsSync(reg.storageDir)).toBe(false)
    expect(fs.existsSync(reg.caFile)).toBe(false)
    const port = Number(reg.host.split(':')[1])
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1', () => resolve(undefined)).on('error', reject))).rejects.toThrow(
      expect.objectContaining({ code: 'ECONNREFUSED' })
    )
  }, 60_000)
})
