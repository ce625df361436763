import { z } from 'zod'
import { RegistryError } from './registry-client.js'

/**
 * The two manifest shapes the distribution API serves, in both vocabularies (OCI and Docker's
 * schema 2): an index (manifest list) of per-platform manifests, and an image manifest (a
 * config and its layers). Parsed once here; what the client does not handle is refused.
 */
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

/** What a manifest request accepts: every shape this client reads (never schema 1). */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ')

const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip'
])

const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256 digest')
const Descriptor = z.object({ mediaType: z.string(), digest: Digest, size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })
export type Descriptor = z.infer<typeof Descriptor>
const Platform = z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
export type Platform = z.infer<typeof Platform>

const Index = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor.extend({ platform: Platform.optional() }))
})
const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor.extend({ urls: z.array(z.string()).optional() })).min(1)
})

export type Parsed = { kind: 'index'; manifests: z.infer<typeof Index>['manifests'] } | { kind: 'image'; config: Descriptor; layers: Descriptor[] }

/** Reads a manifest body of the content type the registry said (or the body's own mediaType). */
export function parseManifest(body: Buffer, contentType: string | undefined, what: string): Parsed {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    throw new RegistryError(`${what}: the manifest is not JSON`)
  }
  const type = (contentType ?? '').split(';')[0]!.trim() || String((json as { mediaType?: unknown })?.mediaType ?? '')
  const bad = (e: z.ZodError) =>
    new RegistryError(`${what}: the manifest is not one this client reads (${e.issues[0]?.path.join('.')}: ${e.issues[0]?.message})`)
  if (type === MEDIA.ociIndex || type === MEDIA.dockerList || (!type && Array.isArray((json as { manifests?: unknown })?.manifests))) {
    const r = Index.safeParse(json)
    if (!r.success) throw bad(r.error)
    return { kind: 'index', manifests: r.data.manifests }
  }
  if (type === MEDIA.ociManifest || type === MEDIA.dockerManifest || !type) {
    const r = ImageManifest.safeParse(json)
    if (!r.success) throw bad(r.error)
    for (const l of r.data.layers) {
      if (l.urls?.length)
        throw new RegistryError(`${what}: layer ${l.digest} is a foreign layer served from elsewhere (${l.urls[0]}); such images are not fetched`)
      if (!LAYER_TYPES.has(l.mediaType))
        throw new RegistryError(`${what}: layer ${l.digest} has media type ${l.mediaType}, which is not an image layer this client fetches`)
    }
    return { kind: 'image', config: r.data.config, layers: r.data.layers }
  }
  throw new RegistryError(
    `${what}: the registry served a manifest of type ${type}, which this client does not read (schema 1 images are not supported)`,
    'Push the image again with a current docker or buildx'
  )
}

/** The runner's VM platform: what its micro-VMs run (linux on the runner's CPU; arm64 on Apple Silicon). */
export function vmPlatform(arch: string = process.arch): Platform {
  return arch === 'arm64' ? { os: 'linux', architecture: 'arm64', variant: 'v8' } : { os: 'linux', architecture: arch === 'x64' ? 'amd64' : arch }
}

const label = (p: Platform) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`

/** The index entry for `want` (arm64's variant v8 is the default and may be absent), or one line naming what there is. */
export function selectPlatform(manifests: z.infer<typeof Index>['manifests'], want: Platform, what: string): Descriptor {
  const fits = (p: Platform | undefined) =>
    p !== undefined &&
    p.os === want.os &&
    p.architecture === want.architecture &&
    (p.variant ?? (want.architecture === 'arm64' ? 'v8' : '')) === (want.variant ?? '')
  const found = manifests.find(m => fits(m.platform) && (m.mediaType === MEDIA.ociManifest || m.mediaType === MEDIA.dockerManifest))
  if (found) return found
  const offered = manifests.filter(m => m.platform && m.platform.os !== 'unknown').map(m => label(m.platform!))
  throw new RegistryError(
    `${what} has no ${label(want)} image (it has: ${offered.join(', ') || 'none'})`,
    `Use an image built for ${label(want)}: the runner's micro-VMs run that`
  )
}
