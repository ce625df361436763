import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { InstallError } from '../util/errors.js'
import { downloadVerifiedTar, MAX_INFLATION, type VerifiedTar } from './verified-download.js'
import { runChecked } from '../util/process.js'
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

/** One log line per second while a download runs (bytes so far, rate), and one at the end. */
export async function withProgress<T>(label: string, bytes: () => number, work: Promise<T>, log: (line: string) => void = core.info): Promise<T> {
  const started = Date.now()
  const rate = (n: number) => `${mib(n / Math.max(0.001, (Date.now() - started) / 1000))}/s`
  const timer = setInterval(() => log(`${label}: ${mib(bytes())} so far (${rate(bytes())})`), PROGRESS_EVERY_MS)
  try {
    const result = await work
    log(`${label}: ${mib(bytes())} in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate(bytes())})`)
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
  const toolDir = claudeToolDir(pkg.version, platform, name) // before anything is downloaded
  const cached = tc.find(CLAUDE_TOOL_NAME, pkg.version, platform)
  if (cached) return { dir: cached, version: pkg.version, platform, downloaded: false }

  core.info(`Downloading ${name}@${pkg.version} from ${new URL(pkg.tarball).origin}`)
  const tarFile = path.join(process.env['RUNNER_TEMP'] || os.tmpdir(), `${crypto.randomUUID()}.tar`)
  let received = 0
  let got: VerifiedTar
  try {
    fs.mkdirSync(path.dirname(tarFile), { recursive: true })
    const download = downloadVerifiedTar(pkg.tarball, pkg.integrity, tarFile, n => {
      received = n
    })
    got = await withProgress(`Downloading ${name}@${pkg.version}`, () => received, download)
  } catch (err) {
    if (isDiskFault(err)) throw err // RUNNER_TEMP is full: main names that, not the network
    throw new InstallError(`download of ${name}@${pkg.version} failed (${(err as Error).message})`, "Check `npm-registry` and the runner's network")
  }
  try {
    if (!got.verified) {
      throw new InstallError(
        `${name}@${pkg.version} does not match its registry integrity ${pkg.integrity.slice(0, 20)}…: ` +
          'the download was corrupted or tampered with; nothing was cached',
        'Retry; if it persists, check the registry or mirror in `npm-registry`'
      )
    }
    if (got.overInflated)
      throw new InstallError(
        `${name}@${pkg.version} inflates to more than ${MAX_INFLATION} times its download`,
        'Check the registry or mirror in `npm-registry`'
      )
    if (!got.gzip) throw new InstallError(`${name}@${pkg.version} is not a gzipped tarball`, 'Check the registry or mirror in `npm-registry`')
    const dir = await cacheTar(tarFile, toolDir, pkg.version, platform, name)
    return { dir, version: pkg.version, platform, downloaded: true }
  } finally {
    fs.rmSync(tarFile, { force: true })
  }
}

const STAGING_PREFIX = '.staging-'
/** A staging dir this old is no install's in progress (extraction takes seconds): a cancelled run left it. */
const STAGING_ABANDONED_MS = 60 * 60_000

/** The tool cache outlives jobs on a self-hosted runner: what a cancelled install left (~400 MB each) goes. */
function removeAbandonedStaging(toolDir: string): void {
  for (const entry of fs.readdirSync(toolDir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue
    const dir = path.join(toolDir, entry)
    const mtime = fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
    if (Date.now() - mtime > STAGING_ABANDONED_MS) fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The tool cache's dir for claude, once the version and platform are known to be safe dir names. */
function claudeToolDir(version: string, platform: string, name: string): string {
  // both name a directory: a registry's odd answer must not climb out of the cache
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version) || !/^[a-z0-9-]+$/.test(platform)) {
    throw new InstallError(`the registry answered an unusable version '${version}' for ${name}`, 'Set `claude-version` to an exact version')
  }
  const cache = process.env['RUNNER_TOOL_CACHE']
  if (!cache) throw new InstallError('RUNNER_TOOL_CACHE is not set', 'Run on a GitHub Actions runner, or set RUNNER_TOOL_CACHE')
  return path.join(cache, CLAUDE_TOOL_NAME)
}

/**
 * Extracts a verified tarball straight into the tool cache (a staging dir beside the version
 * dirs, then one rename), where @actions/tool-cache's find() looks: `<cache>/<tool>/<version>/<platform>`
 * with a `<platform>.complete` marker, as its cacheDir() leaves it, without cacheDir's copy of
 * the whole tree (~0.8 s for claude's 380 MB).
 */
async function cacheTar(tarFile: string, toolDir: string, version: string, platform: string, name: string): Promise<string> {
  fs.mkdirSync(toolDir, { recursive: true })
  removeAbandonedStaging(toolDir)
  const staging = fs.mkdtempSync(path.join(toolDir, STAGING_PREFIX))
  try {
    await runChecked('tar', ['-x', '--no-same-owner', '-f', tarFile, '-C', staging])
    const pkgDir = path.join(staging, 'package')
    if (!fs.existsSync(path.join(pkgDir, 'claude'))) {
      throw new InstallError(`${name}@${version} has no 'claude' binary`, 'Use a claude-version that ships the native binary (2.1 or later)')
    }
    const dest = path.join(toolDir, version, platform)
    fs.mkdirSync(path.dirname(dest), { recursive: true })
    // Another run (a self-hosted runner runs jobs side by side) may have cached it meanwhile and
    // be using it, mounted in its bottle: its tree is kept, never deleted under it.
    if (fs.existsSync(`${dest}.complete`)) return dest
    // A tree without its marker is an interrupted install's: moved aside in one step, then removed.
    const aside = path.join(staging, 'replaced')
    try {
      fs.renameSync(dest, aside)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    try {
      fs.renameSync(pkgDir, dest)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // another run renamed its tree in first: that one is the same verified package
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(path.join(dest, 'claude'))) return dest
      throw err
    }
    fs.writeFileSync(`${dest}.complete`, '')
    return dest
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}
