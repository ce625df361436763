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
import { pullImageArchive } from '../../src/oci/pull-image.js'
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
function pull(host: string, o: { ref?: string; progress?: (l: string) => void; checkSize?: (n: number) => void; idleMs?: number } = {}) {
  return pullImageArchive(`${host}/img${o.ref ?? ':v1'}`, path.join(tmp, 'cache'), {
    ca: [tls.ca],
    platform: AMD64,
    env: { HOME: tmp },
    idleMs: o.idleMs ?? 10_000,
    progress: o.progress,
    checkSize: o.checkSize
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
    const reply = serve(other, { override: { [`/v2/img/manifests/${asked.digest}`]: (_, res) => res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(other.body) } })
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
  it("an index whose entry for the platform is another index", async () => {
    const inner = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }
    const innerBody = Buffer.from(JSON.stringify(inner))
    const top = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf(innerBody), size: innerBody.length, platform: AMD64 }] })
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
    ['a config whose layers are not layers', { config: { os: 'linux', architecture: 'amd64', rootfs: { type: 'tarballs', diff_ids: [] } } }, 'its config is not an image config (rootfs.type)'],
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
