/**
 * The image fetch (src/oci) against small HTTPS registries made here (a throwaway CA's
 * certificate, every answer scripted), pinned where the other OCI tests left it to chance
 * (mutation testing's survivors). pullImageArchive: the manifest's digest checked against the
 * digest asked for and the registry's Docker-Content-Digest (of sha256 only), a schema 1
 * manifest refused by its content type, every blob's size and digest (a larger blob, a shorter
 * one that hashes right, the config's 16 MiB cap), the one-line faults (an index inside an
 * index, a config that is none, another OS, a layer count that differs, a layer cut off), the
 * archive's member names by layer type, the progress lines (sizes, short digests, one line
 * every ten seconds of a layer), the size check before any layer, and no connection left open.
 * Expected values are written out.
 */
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { MEDIA, parseManifest, selectPlatform, vmPlatform } from '../../src/oci/manifest.js'
import { pullImageArchive } from '../../src/oci/pull-image.js'
import { parseImageReference } from '../../src/oci/reference.js'
import { parseChallenge, RegistryClient } from '../../src/oci/registry-client.js'
import { makeTestCa } from '../../test/harness/test-ca.mjs'

const AMD64 = { os: 'linux', architecture: 'amd64' }
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
const MiB = 1024 * 1024

let tls: ReturnType<typeof makeTestCa>
let tmp: string
beforeAll(() => {
  tls = makeTestCa()
})
afterAll(() => fs.rmSync(tls.dir, { recursive: true, force: true }))
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-oci-mutants-'))
})
afterEach(() => {
  jest.restoreAllMocks()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const digestOf = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`
const bytes = (n: number, seed: string) => {
  const out = Buffer.alloc(n)
  for (let i = 0, block = Buffer.alloc(0); i < n; i += 32) {
    block = crypto.createHash('sha256').update(`${seed}${i}`).digest()
    block.copy(out, i)
  }
  return out
}

type Reply = (req: IncomingMessage, res: ServerResponse) => void

/** A TLS server with the test CA's certificate for 127.0.0.1: what it was asked, and the connections it has open. */
async function fakeRegistry(reply: Reply) {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = []
  const sockets = new Set<Socket>()
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers })
    reply(req, res)
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () => new Promise<void>(r => (server.closeAllConnections(), server.close(() => r())))
  return { host, requests, open: () => sockets.size, close }
}

interface Layer {
  body: Buffer
  mediaType?: string
}

/** One image: its config (linux/amd64 unless said), its layers, its manifest, every blob by digest. */
function image(o: { os?: string; layers?: Layer[]; diffIds?: number; config?: object; configSize?: number } = {}) {
  const layers = o.layers ?? [{ body: bytes(100, 'layer') }]
  const diffIds = Array.from({ length: o.diffIds ?? layers.length }, (_, i) => digestOf(Buffer.from(`diff ${i}`)))
  const config = Buffer.from(JSON.stringify(o.config ?? { os: o.os ?? 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: diffIds } }))
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: digestOf(config), size: o.configSize ?? config.length },
    layers: layers.map(l => ({ mediaType: l.mediaType ?? GZIP, digest: digestOf(l.body), size: l.body.length }))
  }
  const body = Buffer.from(JSON.stringify(manifest))
  const blobs = new Map<string, Buffer>([[digestOf(config), config], ...layers.map(l => [digestOf(l.body), l.body] as [string, Buffer])])
  return { body, digest: digestOf(body), config, configDigest: digestOf(config), layerDigests: manifest.layers.map(l => l.digest), blobs }
}
type Image = ReturnType<typeof image>

/**
 * Serves `img` under /v2/img/ as a registry does: its manifest by the tag v1 and by its digest
 * (with Docker-Content-Digest and its content type), its blobs by digest. `override` answers a
 * path first; `manifestHeaders` replaces the manifest's headers.
 */
function serve(img: Image, o: { override?: Record<string, Reply>; manifestHeaders?: Record<string, string> } = {}): Reply {
  return (req, res) => {
    const url = req.url ?? ''
    const own = o.override?.[url]
    if (own) return own(req, res)
    if (url === '/v2/img/manifests/v1' || url === `/v2/img/manifests/${img.digest}`)
      return res.writeHead(200, o.manifestHeaders ?? { 'content-type': OCI_MANIFEST, 'docker-content-digest': img.digest }).end(img.body)
    const blob = url.startsWith('/v2/img/blobs/') ? img.blobs.get(url.slice('/v2/img/blobs/'.length)) : undefined
    if (blob) return res.writeHead(200, { 'content-length': blob.length }).end(blob)
    res.writeHead(404).end()
  }
}

/** The error a promise fails with (a success fails the test). */
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a failure, it succeeded')
    },
    e => e as Error
  )

/** Pulls `<host>/img:<ref>` into the cache dir, anonymously, trusting the test CA. */
function pull(
  host: string,
  o: { ref?: string; progress?: (l: string) => void; checkSize?: (n: number) => void; idleMs?: number; login?: { username: string; password: string } } = {}
) {
  return pullImageArchive(`${host}/img${o.ref ?? ':v1'}`, path.join(tmp, 'cache'), {
    ca: [tls.ca],
    platform: AMD64,
    env: { HOME: tmp },
    idleMs: o.idleMs ?? 10_000,
    progress: o.progress,
    checkSize: o.checkSize,
    login: o.login
  })
}

/** Runs `fn` against a fake registry answering with `reply`, and closes it. */
async function withRegistry<T>(reply: Reply, fn: (r: Awaited<ReturnType<typeof fakeRegistry>>) => Promise<T>): Promise<T> {
  const r = await fakeRegistry(reply)
  try {
    return await fn(r)
  } finally {
    await r.close()
  }
}

const cacheFiles = () => (fs.existsSync(path.join(tmp, 'cache')) ? fs.readdirSync(path.join(tmp, 'cache')) : [])

describe('the manifest is checked against its digests', () => {
  it('by digest: a body that does not hash to the digest asked for is refused, naming it', async () => {
    const asked = image()
    const other = image({ layers: [{ body: bytes(50, 'other') }] })
    const reply = serve(other, {
      override: { [`/v2/img/manifests/${asked.digest}`]: (_, res) => res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(other.body) }
    })
    await withRegistry(reply, async r => {
      const err = await failure(pull(r.host, { ref: `@${asked.digest}` }))
      expect(err.message).toBe(
        `image ${r.host}/img@${asked.digest}: the manifest received does not match its digest (${asked.digest}): refused. The registry or the network altered it; try again, or check the registry`
      )
    })
  })

  it("by tag: a body that does not hash to the registry's Docker-Content-Digest is refused, naming it", async () => {
    const img = image()
    const said = digestOf(Buffer.from('what the registry says'))
    await withRegistry(serve(img, { manifestHeaders: { 'content-type': OCI_MANIFEST, 'docker-content-digest': said } }), async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toBe(
        `image ${r.host}/img:v1: the manifest received does not match its digest (${said}): refused. The registry or the network altered it; try again, or check the registry`
      )
    })
  })

  it('a Docker-Content-Digest of another algorithm is not compared', async () => {
    const img = image()
    await withRegistry(serve(img, { manifestHeaders: { 'content-type': OCI_MANIFEST, 'docker-content-digest': `sha512:${'ab'.repeat(64)}` } }), async r => {
      expect((await pull(r.host)).digest).toBe(img.digest)
    })
  })

  it('a schema 1 manifest is refused by its content type, in one line naming it', async () => {
    const img = image()
    const v1 = 'application/vnd.docker.distribution.manifest.v1+prettyjws'
    await withRegistry(serve(img, { manifestHeaders: { 'content-type': v1, 'docker-content-digest': img.digest } }), async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toBe(
        `image ${r.host}/img:v1: the registry served a manifest of type ${v1}, which this client does not read (schema 1 images are not supported). Push the image again with a current docker or buildx`
      )
    })
  })
})

describe('every blob is checked as it streams', () => {
  it('a layer larger than its descriptor says is refused, nothing left in the cache', async () => {
    const img = image()
    const layer = img.blobs.get(img.layerDigests[0]!)!
    const reply = serve(img, { override: { [`/v2/img/blobs/${img.layerDigests[0]}`]: (_, res) => res.end(Buffer.concat([layer, Buffer.from('more')])) } })
    await withRegistry(reply, async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toBe(`image ${r.host}/img:v1: blob ${img.layerDigests[0]} is larger than its 100 bytes: refused`)
      expect(cacheFiles()).toEqual([])
    })
  })

  it('a blob that hashes right but is shorter than its descriptor says is refused', async () => {
    const shortCfg = image({ configSize: image().config.length + 1 })
    await withRegistry(serve(shortCfg), async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toBe(
        `image ${r.host}/img:v1: blob ${shortCfg.configDigest} does not match its digest (received ${shortCfg.config.length} bytes hashing to ${shortCfg.configDigest}): refused. The registry or the network altered it; try again, or check the registry`
      )
    })
  })

  it('a config said to be over 16 MiB is refused before it is asked for; one of exactly 16 MiB is asked for', async () => {
    const over = image({ configSize: 16 * MiB + 1 })
    await withRegistry(serve(over), async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toBe(`image ${r.host}/img:v1: blob ${over.configDigest} says it is 16777217 bytes, more than 16777216`)
      expect(r.requests.map(q => q.url)).toEqual(['/v2/img/manifests/v1'])
    })
    const exactly = image({ configSize: 16 * MiB })
    await withRegistry(serve(exactly), async r => {
      const err = await failure(pull(r.host))
      expect(err.message).toMatch(new RegExp(`^image ${r.host}/img:v1: blob ${exactly.configDigest} does not match its digest \\(received \\d+ bytes`))
      expect(r.requests.map(q => q.url)).toEqual(['/v2/img/manifests/v1', `/v2/img/blobs/${exactly.configDigest}`])
    })
  })

  it("a layer cut off by a stall: one line with the stall's reason once, then the fix", async () => {
    const img = image({ layers: [{ body: bytes(5000, 'cut') }] })
    const layer = img.blobs.get(img.layerDigests[0]!)!
    const reply = serve(img, {
      override: {
        [`/v2/img/blobs/${img.layerDigests[0]}`]: (_, res) => {
          res.writeHead(200, { 'content-length': layer.length })
          res.write(layer.subarray(0, 1000)) // then nothing more
        }
      }
    })
    await withRegistry(reply, async r => {
      const err = await failure(pull(r.host, { idleMs: 1000 }))
      expect(err.message).toBe(
        `image ${r.host}/img:v1: blob ${img.layerDigests[0]} was cut off after 1000 of 5000 bytes (registry ${r.host} stalled: nothing received for 1 s). Try again; check the registry's health and the runner's network`
      )
      expect(cacheFiles()).toEqual([])
    })
  })
})

describe('an image the runner cannot use: one line', () => {
  it('an index whose entry for the platform is another index', async () => {
    const inner = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }
    const innerBody = Buffer.from(JSON.stringify(inner))
    const top = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf(innerBody), size: innerBody.length, platform: AMD64 }]
      })
    )
    const reply: Reply = (req, res) => {
      if (req.url === '/v2/img/manifests/v1') return res.writeHead(200, { 'content-type': OCI_INDEX }).end(top)
      if (req.url === `/v2/img/manifests/${digestOf(innerBody)}`) return res.writeHead(200, { 'content-type': OCI_INDEX }).end(innerBody)
      res.writeHead(404).end()
    }
    await withRegistry(reply, async r => {
      expect((await failure(pull(r.host))).message).toBe(`image ${r.host}/img:v1: the index's entry for linux/amd64 is another index`)
    })
  })

  it.each([
    ['a config that is no image config', { config: { os: 'linux', architecture: 'amd64' } }, 'its config is not an image config (rootfs)'],
    [
      'a config whose layers are not layers',
      { config: { os: 'linux', architecture: 'amd64', rootfs: { type: 'tarballs', diff_ids: [] } } },
      'its config is not an image config (rootfs.type)'
    ],
    ['a config listing another number of layers', { diffIds: 2 }, 'its config lists 2 layers, its manifest 1']
  ])('%s', async (_, o, why) => {
    await withRegistry(serve(image(o)), async r => {
      expect((await failure(pull(r.host))).message).toBe(`image ${r.host}/img:v1: ${why}`)
    })
  })

  it('an image of another OS on the same CPU', async () => {
    await withRegistry(serve(image({ os: 'windows' })), async r => {
      expect((await failure(pull(r.host))).message).toBe(
        `image ${r.host}/img:v1 is a windows/amd64 image; the runner's micro-VMs run linux/amd64. Use an image built for linux/amd64 (or a multi-platform one)`
      )
    })
  })
})

describe('the archive', () => {
  it('names each layer by its digest and compression: .tar.gz, .tar.zst, .tar', async () => {
    const img = image({
      layers: [
        { body: bytes(10, 'gz'), mediaType: GZIP },
        { body: bytes(10, 'zst'), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
        { body: bytes(10, 'tar'), mediaType: 'application/vnd.oci.image.layer.v1.tar' }
      ]
    })
    await withRegistry(serve(img), async r => {
      const got = await pull(r.host)
      const [gz, zst, tar] = img.layerDigests.map(d => d.slice(7))
      const cfg = img.configDigest.slice(7)
      expect(execFileSync('tar', ['-tf', got.archive], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual([
        'manifest.json',
        `${cfg}.json`,
        `${gz}.tar.gz`,
        `${zst}.tar.zst`,
        `${tar}.tar`
      ])
      expect(JSON.parse(execFileSync('tar', ['-xOf', got.archive, 'manifest.json'], { encoding: 'utf8' }))).toEqual([
        { Config: `${cfg}.json`, RepoTags: [], Layers: [`${gz}.tar.gz`, `${zst}.tar.zst`, `${tar}.tar`] }
      ])
    })
  })

  it('the progress lines: the tag resolved, each layer with its short digest and size, the total', async () => {
    const img = image({ layers: [{ body: bytes(1.5 * MiB, 'one') }, { body: bytes(0.5 * MiB, 'two') }] })
    const lines: string[] = []
    await withRegistry(serve(img), async r => {
      await pull(r.host, { progress: l => lines.push(l) })
      const [one, two] = img.layerDigests
      expect(lines).toEqual([
        `image ${r.host}/img:v1: the tag resolves to ${img.digest}`,
        `image ${r.host}/img:v1: layer 1/2 ${one!.slice(0, 19)}… 1.5 MiB`,
        `image ${r.host}/img:v1: layer 2/2 ${two!.slice(0, 19)}… 0.5 MiB`,
        `image ${r.host}/img:v1: 2.0 MiB fetched, every blob matched its digest`
      ])
    })
  })

  it('a layer still streaming after ten seconds gives one line of how much of the whole has come', async () => {
    const img = image({ layers: [{ body: bytes(1 * MiB, 'first') }, { body: bytes(0.5 * MiB, 'second') }] })
    const second = img.blobs.get(img.layerDigests[1]!)!
    let now = Date.now()
    jest.spyOn(Date, 'now').mockImplementation(() => now)
    const reply = serve(img, {
      override: {
        [`/v2/img/blobs/${img.layerDigests[1]}`]: (_, res) => {
          res.writeHead(200, { 'content-length': second.length })
          res.write(second.subarray(0, second.length - 10))
          // once the client has read that much, exactly ten seconds pass, then the last bytes come
          setTimeout(() => {
            now += 10_000
            res.end(second.subarray(second.length - 10))
          }, 1500)
        }
      }
    })
    const lines: string[] = []
    await withRegistry(reply, async r => {
      await pull(r.host, { progress: l => lines.push(l) })
      expect(lines.slice(2)).toEqual([
        `image ${r.host}/img:v1: layer 2/2 ${img.layerDigests[1]!.slice(0, 19)}… 0.5 MiB`,
        `image ${r.host}/img:v1: 1.5 MiB of 1.5 MiB`,
        `image ${r.host}/img:v1: 1.5 MiB fetched, every blob matched its digest`
      ])
    })
  })

  it("the size check gets the config's and every layer's bytes before any layer is asked for; its refusal stops the fetch", async () => {
    const img = image({ layers: [{ body: bytes(300, 'a') }, { body: bytes(200, 'b') }] })
    const sizes: number[] = []
    await withRegistry(serve(img), async r => {
      const err = await failure(
        pull(r.host, {
          checkSize: n => {
            sizes.push(n)
            throw new Error('too large for the VM')
          }
        })
      )
      expect({ err: err.message, sizes, asked: r.requests.map(q => q.url), cache: cacheFiles() }).toEqual({
        err: 'too large for the VM',
        sizes: [img.config.length + 500],
        asked: ['/v2/img/manifests/v1', `/v2/img/blobs/${img.configDigest}`],
        cache: []
      })
    })
  })

  it('leaves no connection to the registry open once done', async () => {
    await withRegistry(serve(image()), async r => {
      await pull(r.host)
      const deadline = Date.now() + 2000
      while (r.open() > 0 && Date.now() < deadline) await new Promise(res => setTimeout(res, 20))
      expect(r.open()).toBe(0)
    })
  })
})

const USER = 'puller'
const PASS = 'pull-secret-123'
const LOGIN = { username: USER, password: PASS }
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`
const FROM_INPUTS = 'with the login from the image-registry-username/password inputs'
const GIVE_LOGIN = "Give a login that may pull it: the 'image-registry-username' and 'image-registry-password' inputs, or `docker login` on the runner"

/** Answers 401 with `challenge` to any request not carrying `authorization`, else as `inner` does. */
const guarded =
  (authorization: string, challenge: string, inner: Reply): Reply =>
  (req, res) =>
    req.headers.authorization === authorization ? inner(req, res) : res.writeHead(401, { 'www-authenticate': challenge }).end()

const seen = (r: { requests: { url: string; headers: IncomingHttpHeaders }[] }) => r.requests.map(q => [q.url, q.headers.authorization ?? null])

describe("the login and the token go to the registry's origin only", () => {
  it('a blob redirected to another origin is fetched without the login; a redirect within the registry keeps it', async () => {
    const img = image()
    const [config, layer] = [img.configDigest, img.layerDigests[0]!]
    await withRegistry(serve(img), async storage => {
      const inner = serve(img, {
        override: {
          [`/v2/img/blobs/${config}`]: (_, res) => res.writeHead(307, { location: `https://${storage.host}/v2/img/blobs/${config}` }).end(),
          [`/v2/img/blobs/${layer}`]: (_, res) => res.writeHead(302, { location: `/v2/img/moved/${layer}` }).end(),
          [`/v2/img/moved/${layer}`]: (_, res) => res.end(img.blobs.get(layer))
        }
      })
      await withRegistry(guarded(BASIC, 'Basic realm="fake"', inner), async r => {
        expect((await pull(r.host, { login: LOGIN })).digest).toBe(img.digest)
        expect(seen(r)).toEqual([
          ['/v2/img/manifests/v1', null],
          ['/v2/img/manifests/v1', BASIC],
          [`/v2/img/blobs/${config}`, BASIC],
          [`/v2/img/blobs/${layer}`, BASIC],
          [`/v2/img/moved/${layer}`, BASIC]
        ])
        expect(seen(storage)).toEqual([[`/v2/img/blobs/${config}`, null]])
      })
    })
  })

  it('a token service on another host gets the login (the log says so), the registry the token, storage elsewhere neither', async () => {
    const img = image()
    const config = img.configDigest
    await withRegistry(serve(img), async storage => {
      await withRegistry(
        (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-123' })),
        async tokens => {
          const challenge = `Bearer realm="https://${tokens.host}/token",service="fake-registry"`
          const inner = serve(img, {
            override: { [`/v2/img/blobs/${config}`]: (_, res) => res.writeHead(308, { location: `https://${storage.host}/v2/img/blobs/${config}` }).end() }
          })
          await withRegistry(guarded('Bearer tok-123', challenge, inner), async r => {
            const lines: string[] = []
            await pull(r.host, { login: LOGIN, progress: l => lines.push(l) })
            expect(lines[0]).toBe(
              `registry ${r.host}: its token service is ${tokens.host}; the login from the image-registry-username/password inputs is sent there`
            )
            expect(seen(tokens)).toEqual([['/token?service=fake-registry&scope=repository%3Aimg%3Apull', BASIC]])
            expect(seen(r).slice(0, 3)).toEqual([
              ['/v2/img/manifests/v1', null],
              ['/v2/img/manifests/v1', 'Bearer tok-123'],
              [`/v2/img/blobs/${config}`, 'Bearer tok-123']
            ])
            expect(seen(storage)).toEqual([[`/v2/img/blobs/${config}`, null]])
          })
        }
      )
    })
  })

  it("anonymously: the token service is asked without a login, for the challenge's scope, and nothing is said about a login", async () => {
    const img = image()
    await withRegistry(
      (_req, res) => res.end(JSON.stringify({ token: 'anon-tok', access_token: 'other' })),
      async tokens => {
        const challenge = `Bearer realm="https://${tokens.host}/token",scope="repository:img:pull,push"`
        await withRegistry(guarded('Bearer anon-tok', challenge, serve(img)), async r => {
          const lines: string[] = []
          await pull(r.host, { progress: l => lines.push(l) })
          expect(lines.filter(l => l.includes('token service'))).toEqual([])
          expect(seen(tokens)).toEqual([['/token?scope=repository%3Aimg%3Apull%2Cpush', null]])
        })
      }
    )
  })
})

describe('authentication the client cannot complete: one line', () => {
  it.each([
    ['Basic realm="fake"', (h: string) => `registry ${h} refused image ${h}/img:v1 (HTTP 401, anonymously). ${GIVE_LOGIN}`],
    ['Negotiate abc', (h: string) => `registry ${h} asked for an authentication this client does not speak (Negotiate abc)`],
    ['Bearer service="fake"', (h: string) => `registry ${h} asked for an authentication this client does not speak (Bearer service="fake")`],
    ['Bearer realm="no url at all"', (h: string) => `registry ${h} named a token service that is not a URL`]
  ])('the challenge %s', async (challenge, message) => {
    await withRegistry(guarded('never', challenge, serve(image())), async r => {
      expect((await failure(pull(r.host))).message).toBe(message(r.host))
    })
  })

  const token = (status: number, body: string | Buffer) => (_: IncomingMessage, res: ServerResponse) => res.writeHead(status).end(body)
  it.each([
    ['refuses the login', token(403, '{}'), (_t: string, h: string) => `registry ${h} refused image ${h}/img:v1 (HTTP 403, ${FROM_INPUTS}). ${GIVE_LOGIN}`],
    ['fails', token(500, 'oops'), (t: string, h: string) => `the token service ${t} of registry ${h} answered HTTP 500. Try again later`],
    ['sends no token', token(200, '{"expires_in":300}'), (t: string, h: string) => `the token service ${t} of registry ${h} sent no token`],
    ['sends no JSON', token(200, '<html>'), (t: string, h: string) => `the token service ${t} of registry ${h} sent no token`],
    ['sends a token with a space', token(200, '{"token":"a b"}'), (t: string, h: string) => `the token service ${t} of registry ${h} sent no token`],
    [
      'sends a token over 8192 characters',
      token(200, JSON.stringify({ token: 'x'.repeat(8193) })),
      (t: string, h: string) => `the token service ${t} of registry ${h} sent no token`
    ],
    ['sends more than 1 MiB', token(200, Buffer.alloc(MiB + 1, 0x20)), (t: string) => `the token service ${t} sent more than 1048576 bytes`]
  ])('the token service %s', async (_, answer, message) => {
    await withRegistry(answer, async tokens => {
      await withRegistry(guarded('never', `Bearer realm="https://${tokens.host}/token"`, serve(image())), async r => {
        expect((await failure(pull(r.host, { login: LOGIN }))).message).toBe(message(tokens.host, r.host))
      })
    })
  })

  it('a token of exactly 8192 printable characters is used', async () => {
    const long = '!~'.repeat(4096)
    await withRegistry(token(200, JSON.stringify({ token: long })), async tokens => {
      await withRegistry(guarded(`Bearer ${long}`, `Bearer realm="https://${tokens.host}/token"`, serve(image())), async r => {
        expect((await pull(r.host)).digest).toBe(image().digest)
      })
    })
  })

  it('a registry that refuses the token it asked for is answered once, not again', async () => {
    await withRegistry(token(200, '{"token":"useless"}'), async tokens => {
      await withRegistry(guarded('never', `Bearer realm="https://${tokens.host}/token"`, serve(image())), async r => {
        expect((await failure(pull(r.host, { login: LOGIN }))).message).toBe(
          `registry ${r.host} refused image ${r.host}/img:v1 (HTTP 401, ${FROM_INPUTS}). ${GIVE_LOGIN}`
        )
        expect({ tokens: tokens.requests.length, registry: seen(r) }).toEqual({
          tokens: 1,
          registry: [
            ['/v2/img/manifests/v1', null],
            ['/v2/img/manifests/v1', 'Bearer useless']
          ]
        })
      })
    })
  })
})

describe("the registry's answers", () => {
  const status =
    (code: number, at = '/v2/img/manifests/v1') =>
    (img: Image) =>
      serve(img, { override: { [at]: (_, res) => res.writeHead(code).end() } })
  it.each([
    [
      '404 for the manifest',
      status(404),
      (h: string) => `registry ${h} has no image ${h}/img:v1 (HTTP 404). Check the \`image\` input: its name, tag or digest`
    ],
    ['403 anonymously', status(403), (h: string) => `registry ${h} refused image ${h}/img:v1 (HTTP 403, anonymously). ${GIVE_LOGIN}`],
    [
      '429',
      status(429),
      (h: string) => `registry ${h} is rate-limiting this runner (HTTP 429). Log in to the registry (pulls by a login have higher limits) or try later`
    ],
    ['500', status(500), (h: string) => `registry ${h} answered HTTP 500 for image ${h}/img:v1. Try again later, or check the registry`],
    ['300', status(300), (h: string) => `registry ${h} answered HTTP 300 for image ${h}/img:v1. Try again later, or check the registry`],
    [
      'a redirect without a Location',
      status(302),
      (h: string) => `registry ${h} answered HTTP 302 for image ${h}/img:v1. Try again later, or check the registry`
    ]
  ])('%s: one line', async (_, reply, message) => {
    await withRegistry(reply(image()), async r => {
      expect((await failure(pull(r.host))).message).toBe(message(r.host))
    })
  })

  it('404 for a blob names the blob', async () => {
    const img = image()
    await withRegistry(status(404, `/v2/img/blobs/${img.configDigest}`)(img), async r => {
      expect((await failure(pull(r.host))).message).toBe(
        `registry ${r.host} has no blob ${img.configDigest} of ${r.host}/img:v1 (HTTP 404). Check the \`image\` input: its name, tag or digest`
      )
    })
  })

  /** A client's GET of blobs/x where the registry redirects `hops` times (`code` each) before answering. */
  async function redirected(hops: number, code = 302): Promise<string> {
    const reply: Reply = (req, res) => {
      const at = req.url === '/v2/img/blobs/x' ? 0 : Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1])
      if (at < hops) return res.writeHead(code, { location: `/hop/${at + 1}` }).end()
      res.end(`after ${at} redirects`)
    }
    return withRegistry(reply, async r => {
      const client = new RegistryClient(parseImageReference(`${r.host}/img:v1`), { ca: [tls.ca] })
      try {
        const res = await client.get('blobs/x')
        return await new Promise<string>(resolve => {
          const chunks: Buffer[] = []
          res.on('data', c => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString()))
        })
      } catch (e) {
        return (e as Error).message.replace(r.host, '<registry>')
      } finally {
        client.close()
      }
    })
  }

  it.each([301, 302, 303, 307, 308])('a %i redirect is followed', async code => {
    expect(await redirected(1, code)).toBe('after 1 redirects')
  })

  it('five redirects are followed, a sixth is not', async () => {
    expect(await redirected(5)).toBe('after 5 redirects')
    expect(await redirected(6)).toBe('registry <registry>: more than 5 redirects for blobs/x')
  })

  it('a redirect to plain http is refused', async () => {
    const img = image()
    const reply = serve(img, {
      override: { [`/v2/img/blobs/${img.configDigest}`]: (_, res) => res.writeHead(307, { location: 'http://127.0.0.1:9/blob' }).end() }
    })
    await withRegistry(reply, async r => {
      expect((await failure(pull(r.host))).message).toBe(`registry ${r.host}: refused to fetch over http: (127.0.0.1:9); only https is used`)
    })
  })

  it('asks for every manifest shape it reads, as bot-bottle; blobs without an Accept', async () => {
    const img = image()
    await withRegistry(serve(img), async r => {
      await pull(r.host)
      expect(r.requests.map(q => [q.url.slice(0, 20), q.headers['user-agent'], q.headers.accept ?? null])).toEqual([
        [
          '/v2/img/manifests/v1',
          'bot-bottle',
          'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
        ],
        ['/v2/img/blobs/sha256', 'bot-bottle', null],
        ['/v2/img/blobs/sha256', 'bot-bottle', null]
      ])
    })
  })

  it('a manifest over 4 MiB is refused', async () => {
    const img = image()
    const reply = serve(img, {
      override: { '/v2/img/manifests/v1': (_, res) => res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(Buffer.alloc(4 * MiB + 1, 0x20)) }
    })
    await withRegistry(reply, async r => {
      expect((await failure(pull(r.host))).message).toBe(`image ${r.host}/img:v1 sent more than 4194304 bytes`)
    })
  })

  it('a registry nobody answers at: one line naming it', async () => {
    const closed = await fakeRegistry(() => undefined)
    await closed.close()
    expect((await failure(pull(closed.host))).message).toBe(
      `registry ${closed.host} could not be reached (ECONNREFUSED). Check the \`image\` input and the runner's network`
    )
  })
})

describe('auth challenges as registries write them', () => {
  it('unquoted values, escaped quotes, any case, spaces around =', () => {
    expect(parseChallenge('BEARER Realm = "https://a/t\\"x",service=reg.io , scope=repository:a/b:pull')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://a/t"x', service: 'reg.io', scope: 'repository:a/b:pull' }
    })
    expect(parseChallenge('  Basic')).toEqual({ scheme: 'basic', params: {} })
    expect(parseChallenge('')).toBeUndefined()
  })
})

describe('manifests by what the registry says and what the body says', () => {
  const D = (c: string) => `sha256:${c.repeat(64)}`
  const imageBody = { schemaVersion: 2, config: { mediaType: OCI_CONFIG, digest: D('c'), size: 2 }, layers: [{ mediaType: GZIP, digest: D('e'), size: 3 }] }
  const indexBody = { schemaVersion: 2, manifests: [{ mediaType: MEDIA.ociManifest, digest: D('1'), size: 10, platform: AMD64 }] }
  const buf = (o: unknown) => Buffer.from(JSON.stringify(o))
  const kind = (body: Buffer, type: string | undefined) => {
    try {
      return parseManifest(body, type, 'img').kind
    } catch (e) {
      return (e as Error).message
    }
  }

  it('a content type with parameters, spaced as HTTP allows', () => {
    expect(kind(buf(imageBody), `${MEDIA.ociManifest} ; charset=utf-8`)).toBe('image')
    expect(kind(buf(indexBody), `${MEDIA.ociIndex};charset=utf-8`)).toBe('index')
  })

  it("without a content type, the body's own mediaType decides; without either, an index by its manifests, else an image", () => {
    expect(kind(buf({ ...indexBody, mediaType: MEDIA.ociIndex }), undefined)).toBe('index')
    expect(kind(buf(indexBody), undefined)).toBe('index')
    expect(kind(buf(imageBody), undefined)).toBe('image')
    expect(kind(buf(imageBody), '')).toBe('image')
    const v1 = 'application/vnd.docker.distribution.manifest.v1+json'
    expect(kind(buf({ schemaVersion: 1, mediaType: v1 }), undefined)).toBe(
      `img: the registry served a manifest of type ${v1}, which this client does not read (schema 1 images are not supported). Push the image again with a current docker or buildx`
    )
  })

  it('a digest with anything before or after it, and an image without layers, are refused', () => {
    const cfg = imageBody.config
    expect(kind(buf({ ...imageBody, config: { ...cfg, digest: `${D('c')}0` } }), MEDIA.ociManifest)).toMatch(
      /^img: the manifest is not one this client reads \(config\.digest: /
    )
    expect(kind(buf({ ...imageBody, config: { ...cfg, digest: `x${D('c')}` } }), MEDIA.ociManifest)).toMatch(
      /^img: the manifest is not one this client reads \(config\.digest: /
    )
    expect(kind(buf({ ...imageBody, layers: [] }), MEDIA.ociManifest)).toMatch(/^img: the manifest is not one this client reads \(layers: /)
  })

  it('a body that is JSON but no object is one line, not a crash', () => {
    expect(kind(Buffer.from('null'), undefined)).toBe('img: the manifest is not one this client reads (: Invalid input: expected object, received null)')
  })

  it("the VM platform of another CPU is that CPU's", () => {
    expect([vmPlatform('riscv64'), vmPlatform('s390x')]).toEqual([
      { os: 'linux', architecture: 'riscv64' },
      { os: 'linux', architecture: 's390x' }
    ])
  })

  it('picks the image manifest of exactly the platform: its OS, its variant (none for amd64), not a nested index, wherever listed', () => {
    const entry = (digest: string, platform: { os: string; architecture: string; variant?: string }, mediaType: string = MEDIA.ociManifest) => ({
      mediaType,
      digest,
      size: 10,
      platform
    })
    expect(selectPlatform([entry(D('1'), { os: 'windows', architecture: 'amd64' }), entry(D('2'), AMD64)], AMD64, 'x').digest).toBe(D('2'))
    expect(selectPlatform([entry(D('3'), { ...AMD64, variant: 'v3' }), entry(D('4'), AMD64)], AMD64, 'x').digest).toBe(D('4'))
    const armV7 = { os: 'linux', architecture: 'arm', variant: 'v7' }
    expect(selectPlatform([entry(D('5'), { ...armV7, variant: 'v6' }), entry(D('6'), armV7)], armV7, 'x').digest).toBe(D('6'))
    expect(selectPlatform([entry(D('7'), AMD64, MEDIA.ociIndex), entry(D('8'), AMD64, MEDIA.dockerManifest)], AMD64, 'x').digest).toBe(D('8'))
  })

  it('a missing platform names only real platforms the image has (not attestations, not entries without one), or none', () => {
    const entry = (digest: string, platform?: { os: string; architecture: string }) => ({
      mediaType: MEDIA.ociManifest,
      digest,
      size: 10,
      ...(platform ? { platform } : {})
    })
    const attestation = entry(D('a'), { os: 'unknown', architecture: 'unknown' })
    expect(() => selectPlatform([entry(D('1'), AMD64), attestation, entry(D('2'))], vmPlatform('arm64'), 'image x')).toThrow(
      "image x has no linux/arm64/v8 image (it has: linux/amd64). Use an image built for linux/arm64/v8: the runner's micro-VMs run that"
    )
    expect(() => selectPlatform([attestation], AMD64, 'image x')).toThrow(
      "image x has no linux/amd64 image (it has: none). Use an image built for linux/amd64: the runner's micro-VMs run that"
    )
  })
})
