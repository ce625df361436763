/**
 * The OCI client's pure parts: image references normalised as docker does, the registry's
 * auth challenge read, an index resolved to the runner's VM platform (or one line naming what
 * there is), manifests the client does not read refused, and the registry login found where
 * `docker login` and credential helpers keep it. Expected values are written out here.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { registryLogin } from '../../src/oci/credentials.js'
import { MEDIA, parseManifest, selectPlatform, vmPlatform } from '../../src/oci/manifest.js'
import { parseImageReference } from '../../src/oci/reference.js'
import { parseChallenge } from '../../src/oci/registry-client.js'

const D = (c: string) => `sha256:${c.repeat(64)}`

describe('image references', () => {
  it.each([
    [
      'buildpack-deps:bookworm-scm',
      'docker.io',
      'registry-1.docker.io',
      'library/buildpack-deps',
      'bookworm-scm',
      'docker.io/library/buildpack-deps:bookworm-scm'
    ],
    ['debian', 'docker.io', 'registry-1.docker.io', 'library/debian', 'latest', 'docker.io/library/debian:latest'],
    ['org/img:1.2', 'docker.io', 'registry-1.docker.io', 'org/img', '1.2', 'docker.io/org/img:1.2'],
    ['index.docker.io/library/alpine:3', 'docker.io', 'registry-1.docker.io', 'library/alpine', '3', 'docker.io/library/alpine:3'],
    ['ghcr.io/owner/repo/sub:v1', 'ghcr.io', 'ghcr.io', 'owner/repo/sub', 'v1', 'ghcr.io/owner/repo/sub:v1'],
    ['127.0.0.1:5000/guest', '127.0.0.1:5000', '127.0.0.1:5000', 'guest', 'latest', '127.0.0.1:5000/guest:latest'],
    ['localhost/guest:x', 'localhost', 'localhost', 'guest', 'x', 'localhost/guest:x']
  ])('%s', (image, registry, apiHost, repository, tag, canonical) => {
    expect(parseImageReference(image)).toEqual({ registry, apiHost, repository, tag, digest: undefined, ref: tag, canonical })
  })

  it('a digest is what is fetched, with or without a tag', () => {
    const r = parseImageReference(`ghcr.io/o/r:v1@${D('a')}`)
    expect({ ref: r.ref, tag: r.tag, canonical: r.canonical }).toEqual({ ref: D('a'), tag: 'v1', canonical: `ghcr.io/o/r:v1@${D('a')}` })
    expect(parseImageReference(`alpine@${D('b')}`).tag).toBeUndefined()
  })

  it.each([
    ['Upper/case', /not an image reference \(the name must be lower-case/],
    ['alpine@sha256:abc', /the digest must be sha256: and 64 lower-case hex digits/],
    ['alpine:bad tag', /the tag "bad tag" is not valid/],
    ['', /the name must be/]
  ])('%j is refused naming the input', (image, why) => {
    expect(() => parseImageReference(image)).toThrow(why)
    expect(() => parseImageReference(image)).toThrow(/^Input 'image': /)
  })
})

describe('auth challenges', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/debian:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/debian:pull' }
    })
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } })
    expect(parseChallenge(undefined)).toBeUndefined()
  })
})

describe('platforms', () => {
  const entry = (digest: string, architecture: string, variant?: string, os = 'linux') => ({
    mediaType: MEDIA.ociManifest,
    digest,
    size: 10,
    platform: { os, architecture, ...(variant ? { variant } : {}) }
  })
  const index = [entry(D('1'), 'amd64'), entry(D('2'), 'arm64', 'v8'), entry(D('3'), 'arm', 'v7'), entry(D('4'), 'unknown', undefined, 'unknown')]

  it("the runner's VM platform: linux on the runner's CPU", () => {
    expect(vmPlatform('arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(vmPlatform('x64')).toEqual({ os: 'linux', architecture: 'amd64' })
  })

  it('picks the entry for the platform; arm64 without a variant is v8', () => {
    expect(selectPlatform(index, vmPlatform('x64'), 'img').digest).toBe(D('1'))
    expect(selectPlatform(index, vmPlatform('arm64'), 'img').digest).toBe(D('2'))
    expect(selectPlatform([entry(D('5'), 'arm64')], vmPlatform('arm64'), 'img').digest).toBe(D('5'))
  })

  it('a missing platform is one line naming what the image has', () => {
    expect(() => selectPlatform([entry(D('1'), 'amd64'), entry(D('3'), 'arm', 'v7')], vmPlatform('arm64'), 'image x')).toThrow(
      "image x has no linux/arm64/v8 image (it has: linux/amd64, linux/arm/v7). Use an image built for linux/arm64/v8: the runner's micro-VMs run that"
    )
  })
})

describe('manifests', () => {
  const image = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: 'x', digest: D('c'), size: 2 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D('e'), size: 3 }]
  }
  const buf = (o: unknown) => Buffer.from(JSON.stringify(o))

  it('reads an image manifest and an index by content type', () => {
    expect(parseManifest(buf(image), MEDIA.ociManifest, 'i')).toEqual({ kind: 'image', config: image.config, layers: image.layers })
    expect(parseManifest(buf({ schemaVersion: 2, manifests: [] }), MEDIA.dockerList, 'i')).toEqual({ kind: 'index', manifests: [] })
  })

  it('refuses schema 1, foreign layers, non-layer blobs and bad digests, each in one line', () => {
    expect(() => parseManifest(buf({ schemaVersion: 1 }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'i')).toThrow(
      /schema 1 images are not supported/
    )
    expect(() => parseManifest(buf({ ...image, layers: [{ ...image.layers[0], urls: ['https://elsewhere/x'] }] }), MEDIA.ociManifest, 'i')).toThrow(
      /foreign layer served from elsewhere/
    )
    expect(() => parseManifest(buf({ ...image, layers: [{ ...image.layers[0], mediaType: 'application/vnd.in-toto+json' }] }), MEDIA.ociManifest, 'i')).toThrow(
      /not an image layer this client fetches/
    )
    expect(() => parseManifest(buf({ ...image, config: { ...image.config, digest: 'sha256:xyz' } }), MEDIA.ociManifest, 'i')).toThrow(
      /config\.digest: a sha256 digest/
    )
    expect(() => parseManifest(Buffer.from('<html>'), MEDIA.ociManifest, 'i')).toThrow(/not JSON/)
  })
})

describe('registry logins', () => {
  let home: string
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-oci-login-'))
    fs.mkdirSync(path.join(home, '.docker'))
  })
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }))
  const config = (c: unknown) => fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify(c))
  const b64 = (s: string) => Buffer.from(s).toString('base64')

  it('the inputs come first', async () => {
    config({ auths: { 'ghcr.io': { auth: b64('stored:pw') } } })
    expect(await registryLogin('ghcr.io', { username: 'in', password: 'put' }, { HOME: home })).toEqual({
      username: 'in',
      password: 'put',
      source: 'the image-registry-username/password inputs'
    })
  })

  it("then `docker login`'s auth, Docker Hub under its legacy key", async () => {
    config({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pw') }, 'ghcr.io': { auth: b64('gh:tok') } } })
    expect(await registryLogin('docker.io', undefined, { HOME: home })).toMatchObject({ username: 'hubuser', password: 'hub:pw' })
    expect(await registryLogin('ghcr.io', undefined, { HOME: home })).toMatchObject({ username: 'gh', password: 'tok' })
    expect(await registryLogin('quay.io', undefined, { HOME: home })).toBeUndefined()
  })

  it('DOCKER_CONFIG names another directory', async () => {
    const other = path.join(home, 'other')
    fs.mkdirSync(other)
    fs.writeFileSync(path.join(other, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('o:p') } } }))
    expect(await registryLogin('ghcr.io', undefined, { HOME: home, DOCKER_CONFIG: other })).toMatchObject({ username: 'o', password: 'p' })
  })

  it('a credential helper is asked with the registry on stdin', async () => {
    const bin = path.join(home, 'bin')
    fs.mkdirSync(bin)
    const helper = path.join(bin, 'docker-credential-bbtest')
    fs.writeFileSync(
      helper,
      `#!/bin/sh\nread reg\n[ "$1" = get ] && [ "$reg" = "ghcr.io" ] && echo '{"ServerURL":"ghcr.io","Username":"helped","Secret":"s3cret"}' && exit 0\nexit 1\n`,
      { mode: 0o755 }
    )
    config({ credHelpers: { 'ghcr.io': 'bbtest' } })
    const saved = process.env['PATH']
    process.env['PATH'] = `${bin}:${saved}`
    try {
      expect(await registryLogin('ghcr.io', undefined, { HOME: home })).toEqual({ username: 'helped', password: 's3cret', source: 'docker-credential-bbtest' })
      config({ credsStore: 'bbtest' })
      expect(await registryLogin('ghcr.io', undefined, { HOME: home })).toMatchObject({ username: 'helped' })
      expect(await registryLogin('quay.io', undefined, { HOME: home })).toBeUndefined() // the helper knows nothing of it
    } finally {
      process.env['PATH'] = saved
    }
  })

  it('no config, or one docker could not read either: anonymous', async () => {
    expect(await registryLogin('ghcr.io', undefined, { HOME: home })).toBeUndefined()
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), '{not json')
    expect(await registryLogin('ghcr.io', undefined, { HOME: home })).toBeUndefined()
  })
})
