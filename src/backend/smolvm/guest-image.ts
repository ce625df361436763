import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { type PullOptions, pullImageArchive } from '../../oci/pull-image.js'
import { BottleError } from '../../util/errors.js'
import { runCommand } from '../../util/process.js'

/**
 * The image a smolvm VM boots, as a `docker save` archive: smolvm pulls a registry reference
 * INSIDE the guest at first start, under the VM's egress policy (src/cli/vm_common.rs:1500-1522),
 * which allows the gateway only, so a registry image cannot be pulled there, and must not be
 * (the agent would get registry egress). A local archive is hashed and hard-linked into smolvm's
 * cache at create and flattened in the guest (src/data/image_source.rs:56-82,196-230,293-300).
 */
export interface GuestImage {
  archive: string
  /** the archive came from the cache (nothing saved or fetched this run) */
  cached: boolean
  /** where it came from: the runner's docker, or its registry (the image manifest's digest) */
  source: { docker: true } | { registry: string; digest: string }
}

/** How the image is fetched when the runner's docker does not hold it. */
export type FetchOptions = Omit<PullOptions, 'progress' | 'platform' | 'checkSize'>

/** The users smolvm's exec may run as for the backend to work: root (exec has no --user; the backend drops privileges itself). */
const ROOT_USERS = new Set(['', 'root', '0', '0:0', 'root:root', 'root:0', '0:root'])

function checkUser(image: string, user: string): void {
  if (ROOT_USERS.has(user)) return
  throw new BottleError(
    `smolvm: image ${image} sets USER ${user}; smolvm runs every exec as the image's USER (src/cli/vm_common.rs:349) ` +
      'and bot-bottle needs root there to prepare the guest and drop to the workspace owner itself',
    'Use an image without a USER line (or USER root)'
  )
}

/**
 * The archive for `image`: the runner's docker copy when its docker holds the image (saved once
 * per image ID into `cacheDir`); otherwise fetched from its registry by the action itself, with
 * no docker (an OCI distribution client: pull-image.ts), into the same cache.
 */
export async function guestImageArchive(image: string, cacheDir: string, docker = 'docker', fetch: FetchOptions = {}): Promise<GuestImage> {
  const found = await runCommand(docker, ['image', 'inspect', '--format', '{{.Id}} {{.Config.User}}', image]).catch(() => undefined)
  if (found?.code === 0) return saveFromDocker(image, cacheDir, docker, found.stdout)
  const pulled = await pullImageArchive(image, cacheDir, {
    ...fetch,
    progress: line => core.info(`smolvm: ${line}`),
    // smolvm's own cap, before a byte is written (a registry can say any size)
    checkSize: bytes => checkArchiveSize(image, bytes, fetch.env ?? process.env)
  })
  checkUser(image, pulled.user)
  return { archive: pulled.archive, cached: pulled.cached, source: { registry: pulled.ref.registry, digest: pulled.digest } }
}

async function saveFromDocker(image: string, cacheDir: string, docker: string, inspected: string): Promise<GuestImage> {
  const [id = '', user = ''] = inspected.trim().split(' ')
  checkUser(image, user)
  fs.mkdirSync(cacheDir, { recursive: true })
  const archive = path.join(cacheDir, `${id.replace(/^sha256:/, '')}.tar`)
  if (fs.existsSync(archive)) return { archive, cached: true, source: { docker: true } }
  const partial = `${archive}.${process.pid}.partial`
  const save = await runCommand(docker, ['save', '--output', partial, image])
  if (save.code !== 0) {
    fs.rmSync(partial, { force: true })
    throw new BottleError(`smolvm: docker save ${image} failed (${save.stderr.trim()})`, `Free disk space in ${cacheDir}`)
  }
  fs.renameSync(partial, archive)
  return { archive, cached: false, source: { docker: true } }
}

const DEFAULT_MAX_ARCHIVE_BYTES = 8 * 1024 ** 3

/**
 * The largest archive smolvm accepts at create: 8 GiB, or SMOLVM_MAX_IMAGE_BYTES when it holds a
 * positive whole number (src/data/image_source.rs:149-156: `parse::<u64>()`, zero ignored).
 */
export function maxArchiveBytes(env: NodeJS.ProcessEnv): number {
  const raw = env['SMOLVM_MAX_IMAGE_BYTES']?.trim() ?? ''
  const n = /^\+?\d+$/.test(raw) ? Number(raw) : 0
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_ARCHIVE_BYTES
}

/** Refuses, before smolvm does at create (image_source.rs:235-237), an archive over its limit: one line with the fix. */
export function checkArchiveSize(image: string, bytes: number, env: NodeJS.ProcessEnv): void {
  const limit = maxArchiveBytes(env)
  if (bytes <= limit) return
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`
  throw new BottleError(
    `smolvm: the archive of image ${image} is ${gib(bytes)} (${bytes} bytes); smolvm refuses an image archive over ${gib(limit)} (${limit} bytes)`,
    'Use a smaller image, or raise the limit with the runner variable SMOLVM_MAX_IMAGE_BYTES (in bytes)'
  )
}
