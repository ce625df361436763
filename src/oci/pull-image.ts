import crypto from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { z } from 'zod'
import { TarWriter } from '../util/tar/tar-writer.js'
import { archiveMatches } from './archive-check.js'
import { registryLogin } from './credentials.js'
import { type Descriptor, MANIFEST_ACCEPT, parseManifest, type Platform, selectPlatform, vmPlatform } from './manifest.js'
import { type ImageReference, parseImageReference } from './reference.js'
import { type ClientOptions, RegistryClient, RegistryError, readAll } from './registry-client.js'

/**
 * Pulls an image from its registry on the runner, with no docker: the tag resolved once to a
 * digest (logged), an index resolved to the runner's VM platform, every byte checked against
 * its digest as it streams, and the image written as a `docker save` archive (one image in
 * `manifest.json`, as smolvm's crane takes) named by its manifest's digest, which later runs reuse.
 */
export interface PulledImage {
  archive: string
  /** the archive was already in the cache */
  cached: boolean
  /** the image manifest's digest: what the run used, exactly */
  digest: string
  /** the image's USER ('' when none) */
  user: string
  ref: ImageReference
}

export interface PullOptions extends Omit<ClientOptions, 'login'> {
  login?: { username: string; password: string }
  platform?: Platform
  /** a progress line (each layer, and every few seconds of a large one) */
  progress?: (line: string) => void
  /** refuses (throws) an image of this many bytes before any layer is fetched */
  checkSize?: (bytes: number) => void
  env?: NodeJS.ProcessEnv
}

const MANIFEST_BYTES = 4 * 1024 * 1024
const CONFIG_BYTES = 16 * 1024 * 1024
const PROGRESS_EVERY_MS = 10_000

const ImageConfig = z
  .object({
    os: z.string(),
    architecture: z.string(),
    variant: z.string().optional(),
    config: z.object({ User: z.string().optional() }).passthrough().nullish(),
    rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(z.string()) })
  })
  .passthrough()

const sha256 = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`
const short = (d: string) => d.slice(0, 19)

/** A manifest by tag or digest: its body checked against the digest asked for and the one the registry says. */
async function fetchManifest(client: RegistryClient, ref: string, what: string): Promise<{ body: Buffer; digest: string; type?: string }> {
  const res = await client.get(`manifests/${ref}`, MANIFEST_ACCEPT)
  const body = await readAll(res, MANIFEST_BYTES, what)
  const digest = sha256(body)
  const said = res.headers['docker-content-digest']
  if ((ref.startsWith('sha256:') && digest !== ref) || (typeof said === 'string' && said.startsWith('sha256:') && said !== digest))
    throw new RegistryError(
      `${what}: the manifest received does not match its digest (${ref.startsWith('sha256:') ? ref : said}): refused`,
      'The registry or the network altered it; try again, or check the registry'
    )
  return { body, digest, type: typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined }
}

/** Streams a blob, hashing it, refusing a byte more than its descriptor says; throws when it does not match. */
async function* verifiedBlob(res: IncomingMessage, d: Descriptor, what: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const hash = crypto.createHash('sha256')
  let n = 0
  const larger = new RegistryError(`${what}: blob ${d.digest} is larger than its ${d.size} bytes: refused`)
  try {
    for await (const c of res as AsyncIterable<Buffer>) {
      n += c.length
      if (n > d.size) throw larger
      hash.update(c)
      onBytes(n)
      yield c
    }
  } catch (err) {
    res.destroy()
    if (err === larger) throw err
    const e = err as Error & { fix?: string }
    const why = e.fix ? e.message.slice(0, -(e.fix.length + 2)) : e.message
    throw new RegistryError(
      `${what}: blob ${d.digest} was cut off after ${n} of ${d.size} bytes (${why})`,
      "Try again; check the registry's health and the runner's network"
    )
  }
  const got = `sha256:${hash.digest('hex')}`
  if (n !== d.size || got !== d.digest)
    throw new RegistryError(
      `${what}: blob ${d.digest} does not match its digest (received ${n} bytes hashing to ${got}): refused`,
      'The registry or the network altered it; try again, or check the registry'
    )
}

async function fetchBlob(client: RegistryClient, d: Descriptor, max: number, what: string): Promise<Buffer> {
  if (d.size > max) throw new RegistryError(`${what}: blob ${d.digest} says it is ${d.size} bytes, more than ${max}`)
  const chunks: Buffer[] = []
  for await (const c of verifiedBlob(await client.get(`blobs/${d.digest}`), d, what, () => undefined)) chunks.push(c)
  return Buffer.concat(chunks)
}

/** The archive's `manifest.json`: one image (crane takes exactly one), no tag. */
const archiveManifest = (config: Descriptor, layers: Descriptor[]) =>
  Buffer.from(JSON.stringify([{ Config: `${config.digest.slice(7)}.json`, RepoTags: [], Layers: layers.map(layerFile) }]))

const layerFile = (d: Descriptor) => `${d.digest.slice(7)}${d.mediaType.endsWith('+gzip') ? '.tar.gz' : d.mediaType.endsWith('+zstd') ? '.tar.zst' : '.tar'}`

export async function pullImageArchive(image: string, cacheDir: string, opts: PullOptions = {}): Promise<PulledImage> {
  const ref = parseImageReference(image)
  const want = opts.platform ?? vmPlatform()
  const say = opts.progress ?? (() => undefined)
  const login = await registryLogin(ref.registry, opts.login, opts.env)
  const client = new RegistryClient(ref, { ...opts, login, note: say })
  const what = `image ${ref.canonical}`
  try {
    const top = await fetchManifest(client, ref.ref, what)
    if (!ref.digest) say(`${what}: the tag resolves to ${top.digest}`)
    let parsed = parseManifest(top.body, top.type, what)
    let digest = top.digest
    if (parsed.kind === 'index') {
      const entry = selectPlatform(parsed.manifests, want, what)
      const m = await fetchManifest(client, entry.digest, what)
      parsed = parseManifest(m.body, m.type, what)
      if (parsed.kind !== 'image') throw new RegistryError(`${what}: the index's entry for ${want.os}/${want.architecture} is another index`)
      digest = m.digest
      say(`${what}: ${want.os}/${want.architecture} is ${digest}`)
    }
    const { config, layers } = parsed
    const configBytes = await fetchBlob(client, config, CONFIG_BYTES, what)
    const cfg = ImageConfig.safeParse(JSON.parse(configBytes.toString('utf8')))
    if (!cfg.success) throw new RegistryError(`${what}: its config is not an image config (${cfg.error.issues[0]?.path.join('.')})`)
    if (cfg.data.os !== want.os || cfg.data.architecture !== want.architecture)
      throw new RegistryError(
        `${what} is a ${cfg.data.os}/${cfg.data.architecture} image; the runner's micro-VMs run ${want.os}/${want.architecture}`,
        `Use an image built for ${want.os}/${want.architecture} (or a multi-platform one)`
      )
    if (cfg.data.rootfs.diff_ids.length !== layers.length)
      throw new RegistryError(`${what}: its config lists ${cfg.data.rootfs.diff_ids.length} layers, its manifest ${layers.length}`)
    const user = cfg.data.config?.User ?? ''
    opts.checkSize?.(layers.reduce((n, l) => n + l.size, configBytes.length))
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
    const archive = path.join(cacheDir, `${digest.slice(7)}.tar`)
    const members = new Map([
      ['manifest.json', sha256(archiveManifest(config, layers))],
      [`${config.digest.slice(7)}.json`, config.digest],
      ...layers.map(l => [layerFile(l), l.digest] as const)
    ])
    if (fs.existsSync(archive)) {
      if (await archiveMatches(archive, members)) return { archive, cached: true, digest, user, ref }
      say(`${what}: the cached archive ${path.basename(archive)} does not match the image's digests: fetched again`)
      fs.rmSync(archive, { force: true })
    }
    await writeArchive(client, archive, configBytes, config, layers, what, say)
    return { archive, cached: false, digest, user, ref }
  } finally {
    client.close()
  }
}

/** Writes the archive beside its final name and renames it there once every blob matched. */
async function writeArchive(
  client: RegistryClient,
  archive: string,
  configBytes: Buffer,
  config: Descriptor,
  layers: Descriptor[],
  what: string,
  say: (line: string) => void
): Promise<void> {
  // a name of ours alone, created anew (never through a link someone left there), readable by this user only
  const partial = `${archive}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.partial`
  const out = fs.createWriteStream('', {
    fd: fs.openSync(partial, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600)
  })
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve)
    out.once('error', reject)
  })
  try {
    const tar = new TarWriter(out, { uid: 0, gid: 0 })
    const mtime = 0
    const manifest = archiveManifest(config, layers)
    await tar.file('manifest.json', 0o644, mtime, manifest.length, [manifest])
    await tar.file(`${config.digest.slice(7)}.json`, 0o644, mtime, configBytes.length, [configBytes])
    const total = layers.reduce((s, l) => s + l.size, 0)
    let done = 0
    for (const [i, l] of layers.entries()) {
      say(`${what}: layer ${i + 1}/${layers.length} ${short(l.digest)}… ${mib(l.size)}`)
      let last = Date.now()
      const onBytes = (n: number) => {
        if (Date.now() - last < PROGRESS_EVERY_MS) return
        last = Date.now()
        say(`${what}: ${mib(done + n)} of ${mib(total)}`)
      }
      await tar.file(layerFile(l), 0o644, mtime, l.size, verifiedBlob(await client.get(`blobs/${l.digest}`), l, what, onBytes))
      done += l.size
    }
    await tar.end()
    await closed
    fs.renameSync(partial, archive)
    say(`${what}: ${mib(total)} fetched, every blob matched its digest`)
  } catch (err) {
    out.destroy()
    await closed.catch(() => undefined)
    fs.rmSync(partial, { force: true })
    throw err
  }
}
