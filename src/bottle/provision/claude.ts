import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BottleError, CommandError } from '../../util/errors.js'
import { cachedClaude, claudePlatform, installClaude, likelyGuestPlatform, type ClaudeInstall, type GuestPlatform } from '../../install/claude.js'
import type { RunResult } from '../../util/process.js'
import type { Config } from '../../config/config.js'
import type { Backend } from '../../backend/types.js'
import type { Guest } from '../launch/guest.js'
import { GUEST_CLAUDE_CACHE } from '../prepare/plan.js'

// One shell line any POSIX sh (dash, busybox) runs: os, arch, and which libc the loader is.
const PLATFORM_PROBE = 'uname -s; uname -m; if ls /lib/ld-musl-* >/dev/null 2>&1; then echo musl; else echo glibc; fi'

/** Asks the started guest what it is. */
export async function probeGuestPlatform(backend: Backend, name: string): Promise<GuestPlatform> {
  return platformFrom(await backend.exec(name, ['sh', '-c', PLATFORM_PROBE]))
}

/** What the probe printed, checked. */
function platformFrom(r: RunResult): GuestPlatform {
  if (r.code !== 0) throw new CommandError('probe of the guest platform', r.code, r.stderr, 'The guest image needs /bin/sh and uname')
  const [os, arch, libc] = r.stdout
    .trim()
    .split('\n')
    .map(s => s.trim())
  if (!os || !arch || (libc !== 'glibc' && libc !== 'musl')) {
    throw new BottleError(`the guest platform probe printed '${r.stdout.trim()}'`, 'Use an image with a POSIX shell and uname')
  }
  return { os, arch, libc }
}

/** Throws unless `file` and every directory from `top` down to it are executable by others. */
export function assertWorldExecutable(file: string, top: string): void {
  for (let p = file; ; p = path.dirname(p)) {
    if ((fs.statSync(p).mode & 0o001) === 0) {
      throw new BottleError(
        `the agent user cannot execute ${file}: ${p} is not executable by others`,
        'Make the tool cache (RUNNER_TOOL_CACHE) readable and searchable by all users'
      )
    }
    if (p === top || p === path.dirname(p)) return
  }
}

/** An install started before the bottle could be asked its platform. */
export type EarlyInstall = Promise<{ platform: string; install: Promise<ClaudeInstall> } | undefined>

/**
 * Starts claude's install before the bottle exists, so a download overlaps the image pull and the
 * bottle's start. Warm (the runner's own architecture with glibc is cached): that cache hit. Cold:
 * the image is asked its platform in a throwaway container (beside the network and the daemons),
 * and that package is fetched; never a package the guest will not run. provisionClaude uses it
 * when the started guest says the same platform, and installs the right one otherwise.
 */
export function startEarlyInstall(config: Pick<Config, 'npmRegistry' | 'claudeVersion' | 'image'>, backend: Backend): EarlyInstall {
  const start = (platform: string) => {
    const install = installClaude(config.npmRegistry, config.claudeVersion, platform)
    install.catch(() => undefined) // provisionClaude awaits it and reports its failure
    return { platform, install }
  }
  const likely = likelyGuestPlatform()
  if (likely && cachedClaude(config.claudeVersion, likely)) return Promise.resolve(start(likely))
  if (!backend.peek) return Promise.resolve(undefined)
  return backend
    .peek(config.image, ['sh', '-c', PLATFORM_PROBE])
    .then(r => start(claudePlatform(platformFrom(r))))
    .catch(() => undefined) // the started guest is asked again: its answer (or error) is the one that counts
}

/**
 * Gives the guest the native claude binary for its os/arch/libc. The tool cache's claude
 * directory is bind-mounted read-only in the guest, so a freshly cached binary is visible
 * there without a copy. Returns the binary's path in the guest.
 */
export async function provisionClaude(
  bottle: Guest,
  early: EarlyInstall = Promise.resolve(undefined)
): Promise<{ guestPath: string; version: string; platform: string; downloaded: boolean }> {
  const { plan, backend } = bottle
  const platform = claudePlatform(await probeGuestPlatform(backend, bottle.name))
  const started = await early
  const install = await (started?.platform === platform ? started.install : installClaude(plan.config.npmRegistry, plan.config.claudeVersion, platform))
  core.info(`Claude Code ${install.version} (${platform}) ${install.downloaded ? 'downloaded and cached' : 'from the tool cache'}`)
  const rel = path.relative(plan.claudeCacheDir, install.dir)
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new BottleError(`the claude cache ${install.dir} is outside ${plan.claudeCacheDir}`, 'Do not change RUNNER_TOOL_CACHE during the step')
  }
  // The guest sees the host file through the mount: it runs as another uid, so the binary
  // and the directories above it must be readable and searchable by others.
  assertWorldExecutable(path.join(install.dir, 'claude'), plan.claudeCacheDir)
  const guestPath = `${GUEST_CLAUDE_CACHE}/${rel.split(path.sep).join('/')}/claude`
  return { guestPath, version: install.version, platform, downloaded: install.downloaded }
}
