/**
 * The action's own image pull (smolvm without docker) against a real registry on loopback
 * (Debian's docker-registry, the distribution reference implementation) with TLS and token
 * auth, holding images and a multi-platform index pushed here through its API. The archive it
 * writes is loaded by the real docker engine (as the smolvm double does; smolvm's crane reads
 * the same `docker save` layout). The faults a user meets each give one line: a tampered blob,
 * a missing platform, a refused login, a registry that stops sending.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { guestImageArchive } from '../../src/backend/smolvm/guest-image.js'
import { pullImageArchive } from '../../src/oci/pull-image.js'
import { pushImage, pushIndex, startRegistry, tinyImage } from '../../test/harness/oci-registry.mjs'

type Registry = Awaited<ReturnType<typeof startRegistry>>
const AMD64 = { os: 'linux', architecture: 'amd64' }
const ARM64 = { os: 'linux', architecture: 'arm64', variant: 'v8' }

let reg: Registry
let tmp: string
let ca: string[]
let index: { amd64: string; arm64: string; digest: string }
let single: Awaited<ReturnType<typeof pushImage>>

beforeAll(async () => {
  reg = await startRegistry()
  ca = [fs.readFileSync(reg.caFile, 'utf8')]
  const amd64 = await pushImage(reg, 'multi', { ...tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'amd64\n' } }) })
  const arm64 = await pushImage(reg, 'multi', { ...tinyImage({ architecture: 'arm64', variant: 'v8', files: { 'etc/marker': 'arm64\n' } }) })
  const entry = (p: typeof amd64, platform: { os: string; architecture: string; variant?: string }) => ({
    digest: p.manifestDigest,
    size: p.size,
    mediaType: p.mediaType,
    platform
  })
  const idx = await pushIndex(reg, 'multi', 'v1', [entry(amd64, AMD64), entry(arm64, ARM64)])
  index = { amd64: amd64.manifestDigest, arm64: arm64.manifestDigest, digest: idx.digest }
  single = await pushImage(reg, 'single', { tag: 'v1', ...tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'single\n' } }), mediaType: 'docker' })
  await pushImage(reg, 'armonly', { tag: 'v1', ...tinyImage({ architecture: 'arm64', variant: 'v8', files: { 'etc/marker': 'arm\n' } }) })
}, 120_000)
afterAll(async () => {
  await reg?.close()
})
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-oci-pull-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** the error a promise fails with (a success fails the test) */
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a failure, it succeeded')
    },
    e => e as Error
  )
const login = () => ({ username: reg.username, password: reg.password })
/** a file's bytes in the archive's layer (the layer is a gzipped tar inside the tar) */
function fileInArchive(archive: string, file: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'x-'))
  execFileSync('tar', ['-xf', archive, '-C', dir])
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))
  return execFileSync('tar', ['-xzOf', path.join(dir, manifest[0].Layers[0]), file], { encoding: 'utf8' })
}

describe('pulling an image without docker', () => {
  it('resolves a multi-platform index to the platform, checks every blob, and writes one image docker loads', async () => {
    const lines: string[] = []
    const cache = path.join(tmp, 'cache')
    const got = await pullImageArchive(`${reg.host}/multi:v1`, cache, { login: login(), ca, platform: AMD64, progress: l => lines.push(l) })
    expect(got).toMatchObject({ cached: false, digest: index.amd64, user: '' })
    // the harness's token service listens on another port: where the login goes is said
    expect(lines[0]).toMatch(
      new RegExp(`^registry ${reg.host}: its token service is 127\\.0\\.0\\.1:\\d+; the login from the image-registry-username/password inputs is sent there$`)
    )
    expect(lines[1]).toBe(`image ${reg.host}/multi:v1: the tag resolves to ${index.digest}`)
    expect(lines).toContain(`image ${reg.host}/multi:v1: linux/amd64 is ${index.amd64}`)
    expect(lines.at(-1)).toMatch(/fetched, every blob matched its digest$/)
    expect(fileInArchive(got.archive, 'etc/marker')).toBe('amd64\n')
    const entries = JSON.parse(execFileSync('tar', ['-xOf', got.archive, 'manifest.json'], { encoding: 'utf8' }))
    expect(entries).toHaveLength(1) // crane's tarball.Image takes exactly one
    expect(fs.readdirSync(cache)).toEqual([path.basename(got.archive)]) // no partial left
    // the real engine loads it, as the smolvm double does in the guest's place
    const loaded = execFileSync('docker', ['load', '--input', got.archive], { encoding: 'utf8' })
    const id = /Loaded image ID: (sha256:[0-9a-f]{64})/.exec(loaded)?.[1]
    expect(path.basename(got.archive)).toBe(`${index.amd64.slice(7)}.tar`) // cached per manifest digest
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Architecture}}', id!], { encoding: 'utf8' }).trim()).toBe('amd64')
    execFileSync('docker', ['rmi', id!], { stdio: 'ignore' })
  })

  it("picks arm64 for an Apple Silicon runner's VMs, and an image named by digest is fetched exactly", async () => {
    const arm = await pullImageArchive(`${reg.host}/multi:v1`, path.join(tmp, 'c1'), { login: login(), ca, platform: ARM64 })
    expect({ digest: arm.digest, marker: fileInArchive(arm.archive, 'etc/marker') }).toEqual({ digest: index.arm64, marker: 'arm64\n' })
    const lines: string[] = []
    const exact = await pullImageArchive(`${reg.host}/multi@${index.amd64}`, path.join(tmp, 'c2'), {
      login: login(),
      ca,
      platform: AMD64,
      progress: l => lines.push(l)
    })
    expect(exact.digest).toBe(index.amd64)
    expect(lines.some(l => l.includes('the tag resolves'))).toBe(false)
  })

  it('a Docker schema-2 image; the second pull comes from the cache by image ID', async () => {
    const cache = path.join(tmp, 'cache')
    const first = await pullImageArchive(`${reg.host}/single:v1`, cache, { login: login(), ca, platform: AMD64 })
    expect({ digest: first.digest, marker: fileInArchive(first.archive, 'etc/marker') }).toEqual({ digest: single.manifestDigest, marker: 'single\n' })
    expect(path.basename(first.archive)).toBe(`${single.manifestDigest.slice(7)}.tar`)
    const again = await pullImageArchive(`${reg.host}/single:v1`, cache, { login: login(), ca, platform: AMD64 })
    expect(again).toMatchObject({ archive: first.archive, cached: true })
  })

  it('a Docker manifest list resolves the same way', async () => {
    const amd = await pushImage(reg, 'dlist', { ...tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'docker amd64\n' } }), mediaType: 'docker' })
    const arm = await pushImage(reg, 'dlist', {
      ...tinyImage({ architecture: 'arm64', variant: 'v8', files: { 'etc/marker': 'docker arm64\n' } }),
      mediaType: 'docker'
    })
    await pushIndex(
      reg,
      'dlist',
      'v1',
      [
        { digest: amd.manifestDigest, size: amd.size, mediaType: amd.mediaType, platform: AMD64 },
        { digest: arm.manifestDigest, size: arm.size, mediaType: arm.mediaType, platform: ARM64 }
      ],
      'docker'
    )
    const got = await pullImageArchive(`${reg.host}/dlist:v1`, path.join(tmp, 'c'), { login: login(), ca, platform: ARM64 })
    expect({ digest: got.digest, marker: fileInArchive(got.archive, 'etc/marker') }).toEqual({ digest: arm.manifestDigest, marker: 'docker arm64\n' })
  })

  it('a cached archive is used only when it is exactly the image: one put there by someone else is fetched again', async () => {
    const cache = path.join(tmp, 'cache')
    const lines: string[] = []
    const first = await pullImageArchive(`${reg.host}/single:v1`, cache, { login: login(), ca, platform: AMD64 })
    expect((fs.statSync(first.archive).mode & 0o777).toString(8)).toBe('600')
    expect((fs.statSync(cache).mode & 0o777).toString(8)).toBe('700')
    fs.writeFileSync(first.archive, 'EVIL-NOT-THE-IMAGE')
    const again = await pullImageArchive(`${reg.host}/single:v1`, cache, { login: login(), ca, platform: AMD64, progress: l => lines.push(l) })
    expect({ cached: again.cached, marker: fileInArchive(again.archive, 'etc/marker') }).toEqual({ cached: false, marker: 'single\n' })
    expect(lines).toContain(`image ${reg.host}/single:v1: the cached archive ${path.basename(first.archive)} does not match the image's digests: fetched again`)
    expect((await pullImageArchive(`${reg.host}/single:v1`, cache, { login: login(), ca, platform: AMD64 })).cached).toBe(true)
  })

  it("an image over smolvm's archive cap is refused before any layer is fetched", async () => {
    const cache = path.join(tmp, 'cache')
    const err = await failure(
      guestImageArchive(`${reg.host}/single:v1`, cache, path.join(tmp, 'no-docker'), { login: login(), ca, env: { SMOLVM_MAX_IMAGE_BYTES: '100' } })
    )
    expect(err.message).toMatch(
      /^smolvm: the archive of image .*single:v1 is 0\.0 GiB \(\d+ bytes\); smolvm refuses an image archive over 0\.0 GiB \(100 bytes\)/
    )
    expect(fs.existsSync(cache)).toBe(false) // refused before the cache was even made
  })

  it('a blob altered in the registry is refused in one line, and nothing is left in the cache', async () => {
    const victim = await pushImage(reg, 'tampered', { tag: 'v1', ...tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'tamper me\n' } }) })
    const data = reg.blobDataPath(victim.layerDigests[0]!)
    const bytes = fs.readFileSync(data)
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff // same length: the registry serves it as it is
    fs.writeFileSync(data, bytes)
    const cache = path.join(tmp, 'cache')
    const err = await failure(pullImageArchive(`${reg.host}/tampered:v1`, cache, { login: login(), ca, platform: AMD64 }))
    expect(err.message).toMatch(
      new RegExp(
        `^image ${reg.host}/tampered:v1: blob ${victim.layerDigests[0]} does not match its digest \\(received \\d+ bytes hashing to sha256:[0-9a-f]{64}\\): refused\\. The registry or the network altered it`
      )
    )
    expect(fs.readdirSync(cache)).toEqual([])
  })

  it('a platform the image does not have: one line naming what it has', async () => {
    const err = await failure(
      pullImageArchive(`${reg.host}/multi:v1`, path.join(tmp, 'c'), {
        login: login(),
        ca,
        platform: { os: 'linux', architecture: 'riscv64' }
      })
    )
    expect(err.message).toBe(
      `image ${reg.host}/multi:v1 has no linux/riscv64 image (it has: linux/amd64, linux/arm64/v8). Use an image built for linux/riscv64: the runner's micro-VMs run that`
    )
    const single = await failure(pullImageArchive(`${reg.host}/armonly:v1`, path.join(tmp, 'c'), { login: login(), ca, platform: AMD64 }))
    expect(single.message).toMatch(
      /^image .*\/armonly:v1 is a linux\/arm64 image; the runner's micro-VMs run linux\/amd64\. Use an image built for linux\/amd64/
    )
  })

  it('a wrong password and no login: refused in one line naming the inputs to set', async () => {
    const wrong = await failure(
      pullImageArchive(`${reg.host}/single:v1`, path.join(tmp, 'c'), {
        login: { username: reg.username, password: 'nope' },
        ca,
        platform: AMD64
      })
    )
    expect(wrong.message).toBe(
      `registry ${reg.host} refused image ${reg.host}/single:v1 (HTTP 401, with the login from the image-registry-username/password inputs). ` +
        "Give a login that may pull it: the 'image-registry-username' and 'image-registry-password' inputs, or `docker login` on the runner"
    )
    const anonymous = await failure(pullImageArchive(`${reg.host}/single:v1`, path.join(tmp, 'c'), { ca, platform: AMD64, env: { HOME: tmp } }))
    expect(anonymous.message).toMatch(new RegExp(`^registry ${reg.host} refused image .* \\(HTTP 401, anonymously\\)`))
    expect(`${wrong.message}${anonymous.message}`).not.toContain('nope')
  })

  it("the runner's docker login is used when no input is given", async () => {
    fs.mkdirSync(path.join(tmp, 'dc'))
    fs.writeFileSync(
      path.join(tmp, 'dc', 'config.json'),
      JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } } })
    )
    const got = await pullImageArchive(`${reg.host}/single:v1`, path.join(tmp, 'c'), { ca, platform: AMD64, env: { DOCKER_CONFIG: path.join(tmp, 'dc') } })
    expect(got.digest).toBe(single.manifestDigest)
    expect(reg.tokenRequests.at(-1)).toMatchObject({ user: reg.username, scope: 'repository:single:pull' })
  })

  it('a registry whose certificate the runner does not trust is refused', async () => {
    const err = await failure(pullImageArchive(`${reg.host}/single:v1`, path.join(tmp, 'c'), { login: login(), platform: AMD64 }))
    expect(err.message).toMatch(
      new RegExp(`^registry ${reg.host} could not be reached \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\\)`)
    )
  })

  it('without docker, the smolvm guest image comes from the registry (its USER checked)', async () => {
    const got = await guestImageArchive(`${reg.host}/multi:v1`, path.join(tmp, 'c'), path.join(tmp, 'no-docker'), { login: login(), ca })
    expect(got).toMatchObject({ cached: false, source: { registry: reg.host, digest: index.amd64 } })
    const rooted = await pushImage(reg, 'userimg', {
      tag: 'v1',
      ...(() => {
        const t = tinyImage({ architecture: 'amd64', files: { 'etc/marker': 'u\n' } })
        return { ...t, config: { ...t.config, config: { User: '1234' } } }
      })()
    })
    expect(rooted.manifestDigest).toMatch(/^sha256:/)
    const err = await failure(guestImageArchive(`${reg.host}/userimg:v1`, path.join(tmp, 'c'), path.join(tmp, 'no-docker'), { login: login(), ca }))
    expect(err.message).toMatch(/^smolvm: image .*userimg:v1 sets USER 1234;/)
  })
})

describe('a registry that stops sending', () => {
  /** A TLS server with the registry's certificate that answers what `reply` says, or never. */
  async function fakeRegistry(reply: (url: string, res: import('node:http').ServerResponse) => void) {
    const server = https.createServer(
      { key: fs.readFileSync(path.join(path.dirname(reg.caFile), 'server.key')), cert: fs.readFileSync(path.join(path.dirname(reg.caFile), 'server.pem')) },
      (req, res) => reply(req.url ?? '', res)
    )
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
    return { host, close: () => new Promise<void>(r => (server.closeAllConnections(), server.close(() => r()))) }
  }

  it('no answer at all: one line after the idle time', async () => {
    const f = await fakeRegistry(() => undefined)
    try {
      const t0 = Date.now()
      const err = await failure(pullImageArchive(`${f.host}/img:v1`, path.join(tmp, 'c'), { ca, platform: AMD64, idleMs: 1000 }))
      expect(err.message).toBe(`registry ${f.host} stalled: nothing received for 1 s. Check the registry's health and the runner's network`)
      expect(Date.now() - t0).toBeLessThan(10_000)
    } finally {
      await f.close()
    }
  })

  it('a layer that trickles (a few bytes at a time, never idle long enough to stall): one line once three idle times pass', async () => {
    const layer = crypto.randomBytes(100_000)
    const d = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } }))
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d(cfg), size: cfg.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d(layer), size: layer.length }]
      })
    )
    const timers: NodeJS.Timeout[] = []
    const f = await fakeRegistry((url, res) => {
      if (url.includes('/manifests/')) res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest)
      else if (url.endsWith(d(cfg))) res.end(cfg)
      else {
        res.writeHead(200, { 'content-length': layer.length })
        let at = 0
        const t = setInterval(() => res.write(layer.subarray(at, (at += 10))), 100) // 100 bytes a second
        timers.push(t)
      }
    })
    try {
      const t0 = Date.now()
      const err = await failure(pullImageArchive(`${f.host}/img:v1`, path.join(tmp, 'c'), { ca, platform: AMD64, idleMs: 1000 }))
      expect(err.message).toMatch(new RegExp(`registry ${f.host} is too slow: \\d+ bytes in the last 3 s`))
      expect(Date.now() - t0).toBeLessThan(15_000)
    } finally {
      for (const t of timers) clearInterval(t)
      await f.close()
    }
  })

  it('a layer cut off mid-way: one line, no partial archive left', async () => {
    const { config, layers } = tinyImage({ architecture: 'amd64', files: { 'etc/marker': crypto.randomBytes(200_000).toString('base64') } })
    const cfg = Buffer.from(JSON.stringify(config))
    const layer = layers[0]!
    const d = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d(cfg), size: cfg.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d(layer), size: layer.length }]
      })
    )
    const f = await fakeRegistry((url, res) => {
      if (url.includes('/manifests/')) res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest)
      else if (url.endsWith(d(cfg))) res.end(cfg)
      else {
        res.writeHead(200, { 'content-length': layer.length })
        res.write(layer.subarray(0, 1000)) // then nothing more
      }
    })
    try {
      const cache = path.join(tmp, 'c')
      const err = await failure(pullImageArchive(`${f.host}/img:v1`, cache, { ca, platform: AMD64, idleMs: 1000 }))
      expect(err.message).toMatch(
        new RegExp(
          `^image ${f.host}/img:v1: blob ${d(layer)} was cut off after 1000 of ${layer.length} bytes \\(registry ${f.host} stalled: nothing received for 1 s`
        )
      )
      expect(fs.readdirSync(cache)).toEqual([])
    } finally {
      await f.close()
    }
  })
})

it('the registry harness is the real docker-registry', () => {
  expect(spawnSync('docker-registry', ['--version'], { encoding: 'utf8' }).stdout).toMatch(/2\.8/)
})
