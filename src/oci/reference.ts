import { BottleError } from '../util/errors.js'

/**
 * An image reference as docker reads it (distribution/reference's normalisation): a name
 * without a registry is Docker Hub's, a one-part Hub name is under `library/`, no tag means
 * `latest`. A digest (`name@sha256:…`) names the content exactly; a tag is resolved once.
 */
export interface ImageReference {
  /** the registry as named (`docker.io`, `ghcr.io`, `127.0.0.1:5000`): what credentials are found under */
  registry: string
  /** where its API is (`registry-1.docker.io` for Docker Hub) */
  apiHost: string
  repository: string
  tag?: string
  digest?: string
  /** what is fetched: the digest when given, else the tag */
  ref: string
  /** the whole reference, normalised (what the log says) */
  canonical: string
}

const DOCKER_HUB = 'docker.io'
// distribution/reference's grammar (reference/regexp.go), lower-case path components
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/
const DOMAIN = /^(?:localhost|(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+|\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9-]+)(?::\d{1,5})?$/

export function parseImageReference(image: string): ImageReference {
  const bad = (why: string) =>
    new BottleError(`Input 'image': ${JSON.stringify(image)} is not an image reference (${why})`, 'Give one as docker does: name[:tag][@sha256:digest]')
  let rest = image.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256: and 64 lower-case hex digits')
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw bad(`the tag ${JSON.stringify(tag)} is not valid`)
  }
  const first = rest.split('/')[0] ?? ''
  // the first part is a registry when it looks like a host: a dot, a port, or localhost (as docker decides)
  const hasDomain = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  let registry = hasDomain ? first : DOCKER_HUB
  let repository = hasDomain ? rest.slice(first.length + 1) : rest
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB
  if (hasDomain && !DOMAIN.test(registry)) throw bad(`the registry ${JSON.stringify(registry)} is not a host name`)
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`
  if (!PATH.test(repository)) throw bad('the name must be lower-case letters, digits and separators')
  if (!digest && !tag) tag = 'latest'
  const apiHost = registry === DOCKER_HUB ? 'registry-1.docker.io' : registry
  const canonical = `${registry}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
  return { registry, apiHost, repository, tag, digest, ref: digest ?? tag!, canonical }
}
