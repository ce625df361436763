import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { InstallError } from '../util/errors.js'
import { fileMatchesIntegrity } from './integrity.js'
import { resolvePackage } from './npm-registry.js'
import { isDiskFault } from '../transcript/record-sink.js'

export const CLAUDE_TOOL_NAME = 'claude-code'

/** What the started guest reported about itself. */
export interface GuestPlatform {
  os: string // `uname -s`
  arch: string // `uname -m`
  libc: 'glibc' | 'musl'
}

/** The suffix of `@anthropic-ai/claude-code-<platform>` for a guest. */
export function claudePlatform(g: GuestPlatform): string {
  if (g.os.toLowerCase() !== 'linux') throw new InstallError(`the guest runs ${g.os}; Claude Code is provisioned for Linux guests only`, 'Use a Linux image')
  const arch = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' }[g.arch]
  if (!arch) throw new InstallError(`the guest's architecture '${g.arch}' has no Claude Code build`, 'Use an x86_64 or arm64 image')
  return `linux-${arch}${g.libc === 'musl' ? '-musl' : ''}`
}

/** The platform a guest most likely has before it is asked: the runner's architecture, glibc. */
export function likelyGuestPlatform(arch: string = os.arch()): string | undefined {
  const uname = { x64: 'x86_64', arm64: 'aarch64' }[arch]
  return uname ? claudePlatform({ os: 'Linux', arch: uname, libc: 'glibc' }) : undefined
}

/** How often a download in progress says how far it got. */
export const PROGRESS_EVERY_MS = 1_000

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** One log line per second while `file` grows (bytes so far, rate), and one at the end. */
export async function withProgress<T>(label: string, file: string, work: Promise<T>, log: (line: string) => void = core.info): Promise<T> {
  const started = Date.now()
  const size = () => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0
  const rate = (bytes: number) => `${mib(bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`
  const timer = setInterval(() => log(`${label}: ${mib(size())} so far (${rate(size())})`), PROGRESS_EVERY_MS)
  try {
    const result = await work
    const bytes = size()
    log(`${label}: ${mib(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate(bytes)})`)
    return result
  } finally {
    clearInterval(timer)
  }
}

export interface ClaudeInstall {
  /** cached directory holding the `claude` binary */
  dir: string
  version: string
  platform: string
  downloaded: boolean
}

/**
 * Makes the native claude binary for `platform` available in the tool cache: resolves the
 * version through the registry, downloads the tarball, verifies dist.integrity before
 * anything is extracted, and caches it keyed by version+platform. A cached copy is reused.
 */
/** The cached directory of an exact version for `platform`, without asking the registry. */
export function cachedClaude(version: string, platform: string): string | undefined {
  return version === 'latest' ? undefined : tc.find(CLAUDE_TOOL_NAME, version, platform) || undefined
}

export async function installClaude(registry: string, version: string, platform: string): Promise<ClaudeInstall> {
  const name = `@anthropic-ai/claude-code-${platform}`
  const hit = cachedClaude(version, platform)
  if (hit) return { dir: hit, version, platform, downloaded: false }
  const pkg = await resolvePackage(registry, name, version)
  const cached = tc.find(CLAUDE_TOOL_NAME, pkg.version, platform)
  if (cached) return { dir: cached, version: pkg.version, platform, downloaded: false }

  core.info(`Downloading ${name}@${pkg.version} from ${new URL(pkg.tarball).origin}`)
  let tarball: string
  const dest = path.join(process.env['RUNNER_TEMP'] || os.tmpdir(), crypto.randomUUID())
  try {
    tarball = await withProgress(`Downloading ${name}@${pkg.version}`, dest, tc.downloadTool(pkg.tarball, dest))
  } catch (err) {
    if (isDiskFault(err)) throw err // RUNNER_TEMP is full: main names that, not the network
    throw new InstallError(`download of ${name}@${pkg.version} failed (${(err as Error).message})`, "Check `npm-registry` and the runner's network")
  }
  let extracted: string | undefined
  try {
    if (!(await fileMatchesIntegrity(tarball, pkg.integrity))) {
      throw new InstallError(
        `${name}@${pkg.version} does not match its registry integrity ${pkg.integrity.slice(0, 20)}…: ` +
          'the download was corrupted or tampered with; nothing was cached',
        'Retry; if it persists, check the registry or mirror in `npm-registry`'
      )
    }
    extracted = await tc.extractTar(tarball, undefined, 'xz')
    const pkgDir = path.join(extracted, 'package')
    if (!fs.existsSync(path.join(pkgDir, 'claude'))) {
      throw new InstallError(`${name}@${pkg.version} has no 'claude' binary`, 'Use a claude-version that ships the native binary (2.1 or later)')
    }
    const dir = await tc.cacheDir(pkgDir, CLAUDE_TOOL_NAME, pkg.version, platform)
    return { dir, version: pkg.version, platform, downloaded: true }
  } finally {
    fs.rmSync(tarball, { force: true })
    if (extracted) fs.rmSync(extracted, { recursive: true, force: true })
  }
}
