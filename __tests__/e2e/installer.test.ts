/**
 * The claude installer against a loopback npm registry double serving the real
 * @anthropic-ai/claude-code-linux-x64 tarball: resolve, integrity check, extract, cache.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { installClaude } from '../../src/install/claude.js'
import { resolvePackage } from '../../src/install/npm-registry.js'
import { downloadVerifiedTar } from '../../src/install/verified-download.js'
import { InstallError } from '../../src/util/errors.js'
import { startNpmRegistryDouble } from '../../test/harness/npm-registry-double.mjs'
import { claudePackage, defaultClaudeVersion } from '../../test/harness/paths.mjs'
import { tempDir } from './helpers.js'

const pkg = claudePackage()
const version = defaultClaudeVersion()
const dir = tempDir('e2e-installer')
let cacheCount = 0

/** Each case gets its own tool cache; tool-cache reads these at call time. */
function freshCache(): string {
  const tc = path.join(dir, `tool-cache-${++cacheCount}`)
  process.env['RUNNER_TOOL_CACHE'] = tc
  process.env['RUNNER_TEMP'] = path.join(dir, 'temp')
  return tc
}

describe('installClaude with the real package', () => {
  it('downloads, verifies, caches; the cached binary runs; a second install hits the cache', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg] })
    try {
      const tc = freshCache()
      const first = await installClaude(registry.url, version, 'linux-x64')
      expect(first).toMatchObject({ version, platform: 'linux-x64', downloaded: true })
      expect(first.dir).toBe(path.join(tc, 'claude-code', version, 'linux-x64'))
      expect(fs.existsSync(`${first.dir}.complete`)).toBe(true)
      // extracted straight into the cache: no staging dir, nothing left in RUNNER_TEMP
      expect(fs.readdirSync(path.join(tc, 'claude-code'))).toEqual([version])
      expect(fs.readdirSync(path.join(dir, 'temp'))).toEqual([])
      expect(execFileSync(path.join(first.dir, 'claude'), ['--version'], { encoding: 'utf8' })).toContain(version)
      expect(registry.tarballDownloads()).toBe(1)
      // the packument was asked for in its abbreviated form, with the scope's slash encoded
      expect(registry.requests[0]).toMatchObject({
        path: '/@anthropic-ai%2fclaude-code-linux-x64',
        accept: expect.stringContaining('application/vnd.npm.install-v1+json')
      })

      const second = await installClaude(registry.url, version, 'linux-x64')
      expect(second).toMatchObject({ dir: first.dir, downloaded: false })
      expect(registry.tarballDownloads()).toBe(1)
      expect(registry.requests.length).toBe(2) // no registry request at all for a cached exact version
      // temp files are cleaned up
      expect(fs.readdirSync(path.join(dir, 'temp'))).toEqual([])
    } finally {
      await registry.close()
    }
  })

  it('a download cut half-way is tried again, and what is cached is the whole package', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg], cutTarballs: 1 })
    try {
      freshCache()
      const got = await installClaude(registry.url, version, 'linux-x64')
      expect(registry.tarballDownloads()).toBe(2)
      expect(execFileSync(path.join(got.dir, 'claude'), ['--version'], { encoding: 'utf8' })).toContain(version)
      expect(fs.readdirSync(path.join(dir, 'temp'))).toEqual([])
    } finally {
      await registry.close()
    }
  })

  it('a download cut every time fails with one line naming the registry input, and caches nothing', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg], cutTarballs: 99 })
    try {
      const tc = freshCache()
      const err = await installClaude(registry.url, version, 'linux-x64').catch(e => e)
      expect(err).toBeInstanceOf(InstallError)
      expect(err.message).toMatch(/^download of @anthropic-ai\/claude-code-linux-x64@[\d.]+ failed \(.+\)\. Check `npm-registry`/)
      expect(registry.tarballDownloads()).toBe(3)
      expect(fs.existsSync(path.join(tc, 'claude-code', version))).toBe(false)
      expect(fs.readdirSync(path.join(dir, 'temp'))).toEqual([])
    } finally {
      await registry.close()
    }
  })

  it('a version the registry names that is no safe dir name is refused before anything is downloaded', async () => {
    const registry = await startNpmRegistryDouble({ packages: [{ ...pkg, version: '../../escape' }] })
    try {
      const tc = freshCache()
      const err = await installClaude(registry.url, 'latest', 'linux-x64').catch(e => e)
      expect(err).toBeInstanceOf(InstallError)
      expect(err.message).toMatch(/the registry answered an unusable version '\.\.\/\.\.\/escape'/)
      expect(registry.tarballDownloads()).toBe(0)
      expect(fs.existsSync(tc)).toBe(false)
    } finally {
      await registry.close()
    }
  })

  it('refuses a tarball that does not match its integrity, and caches nothing', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg], corrupt: true })
    try {
      const tc = freshCache()
      const err = await installClaude(registry.url, version, 'linux-x64').catch(e => e)
      expect(err).toBeInstanceOf(InstallError)
      expect(err.message).toMatch(/@anthropic-ai\/claude-code-linux-x64@2\.1\.\d+ does not match its registry integrity sha512-.*nothing was cached\. Retry/)
      expect(fs.existsSync(path.join(tc, 'claude-code', version))).toBe(false)
      expect(fs.readdirSync(path.join(dir, 'temp'))).toEqual([])
    } finally {
      await registry.close()
    }
  })

  it('a tampered download that inflates without bound (a gzip bomb) is stopped before it fills RUNNER_TEMP, and caches nothing', async () => {
    // 1 GiB of zeros in ~1 MiB of gzip; not the package the integrity names
    const registry = await startNpmRegistryDouble({ packages: [pkg], bombMiB: 1024 })
    const temp = path.join(dir, 'temp')
    let peak = 0
    const watch = setInterval(() => {
      for (const f of fs.existsSync(temp) ? fs.readdirSync(temp) : [])
        peak = Math.max(peak, fs.statSync(path.join(temp, f), { throwIfNoEntry: false })?.size ?? 0)
    }, 5)
    try {
      const tc = freshCache()
      const err = await installClaude(registry.url, version, 'linux-x64').catch(e => e)
      expect(err).toBeInstanceOf(InstallError)
      expect(err.message).toMatch(/does not match its registry integrity .*nothing was cached/)
      expect(peak).toBeLessThan(128 * 1024 * 1024) // the whole bomb would be 1 GiB on the runner's disk
      expect(fs.existsSync(path.join(tc, 'claude-code', version))).toBe(false)
      expect(fs.readdirSync(temp)).toEqual([])
    } finally {
      clearInterval(watch)
      await registry.close()
    }
  })

  it("two runs installing the same version at once: the one finishing second leaves the first one's tree in place", async () => {
    // the first download is held back: the second run caches first and starts using its tree
    const registry = await startNpmRegistryDouble({ packages: [pkg], holdFirstTarballMs: 20_000 })
    try {
      const tc = freshCache()
      const slow = installClaude(registry.url, version, 'linux-x64')
      for (let i = 0; i < 200 && registry.tarballDownloads() < 1; i++) await new Promise(r => setTimeout(r, 50))
      const fast = await installClaude(registry.url, version, 'linux-x64')
      expect(fast.downloaded).toBe(true)
      // what the first run's bottle mounts: the directory and the binary it holds
      const before = { dir: fs.statSync(fast.dir).ino, claude: fs.statSync(path.join(fast.dir, 'claude')).ino }
      const late = await slow
      expect(late.dir).toBe(fast.dir)
      expect({ dir: fs.statSync(fast.dir).ino, claude: fs.statSync(path.join(fast.dir, 'claude')).ino }).toEqual(before)
      expect(fs.existsSync(`${fast.dir}.complete`)).toBe(true)
      expect(execFileSync(path.join(fast.dir, 'claude'), ['--version'], { encoding: 'utf8' })).toContain(version)
      expect(fs.readdirSync(path.join(tc, 'claude-code'))).toEqual([version]) // no staging dir left
      expect(registry.tarballDownloads()).toBe(2)
    } finally {
      await registry.close()
    }
  })

  it('a download that stops sending (the connection kept open) is given up on and tried again, not waited on for ever', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg], stallTarballs: true })
    try {
      freshCache()
      const tarFile = path.join(dir, 'temp', 'stalled.tar')
      fs.mkdirSync(path.dirname(tarFile), { recursive: true })
      const started = Date.now()
      const err = await downloadVerifiedTar(`${registry.url}/${pkg.name}/-/claude-code-linux-x64-${version}.tgz`, pkg.integrity, tarFile, undefined, {
        idleMs: 500
      }).catch(e => e)
      expect(err.message).toMatch(/no data for 0\.5 s/)
      expect(registry.tarballDownloads()).toBe(3)
      // three 0.5 s stalls and the backoff between them, not the 240 s a hung download would take (generous: a loaded machine)
      expect(Date.now() - started).toBeLessThan(45_000)
      expect(fs.existsSync(tarFile)).toBe(false)
    } finally {
      await registry.close()
    }
  }, 90_000)

  it('a download larger than any claude package is refused at once, not retried, and leaves no file', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg] })
    try {
      const tarFile = path.join(dir, 'temp', 'large.tar')
      fs.mkdirSync(path.dirname(tarFile), { recursive: true })
      const err = await downloadVerifiedTar(`${registry.url}/${pkg.name}/-/claude-code-linux-x64-${version}.tgz`, pkg.integrity, tarFile, undefined, {
        maxBytes: 8 * 1024 * 1024
      }).catch(e => e)
      expect(err.message).toMatch(/larger than 8388608 bytes/)
      expect(registry.tarballDownloads()).toBe(1)
      expect(fs.existsSync(tarFile)).toBe(false)
    } finally {
      await registry.close()
    }
  })

  it("what a cancelled install left in the tool cache (a runner's cache outlives the job) is removed by the next install; one in progress is not", async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg] })
    try {
      const tc = freshCache()
      const toolDir = path.join(tc, 'claude-code')
      const abandoned = path.join(toolDir, '.staging-abandoned')
      const inProgress = path.join(toolDir, '.staging-in-progress')
      for (const d of [abandoned, inProgress]) fs.mkdirSync(path.join(d, 'package'), { recursive: true })
      fs.writeFileSync(path.join(abandoned, 'package', 'claude'), 'half of a binary')
      const yesterday = new Date(Date.now() - 24 * 3600_000)
      fs.utimesSync(abandoned, yesterday, yesterday)
      await installClaude(registry.url, version, 'linux-x64')
      expect(fs.readdirSync(toolDir).sort()).toEqual(['.staging-in-progress', version])
    } finally {
      await registry.close()
    }
  })

  it("resolves 'latest' through the registry's dist-tags", async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg] })
    try {
      const resolved = await resolvePackage(registry.url, pkg.name, 'latest')
      expect(resolved).toEqual({
        name: pkg.name,
        version,
        tarball: `${registry.url}/${pkg.name}/-/claude-code-linux-x64-${version}.tgz`,
        integrity: pkg.integrity
      })
    } finally {
      await registry.close()
    }
  })

  it('says clearly when the registry lacks the package, the version, or answers an error', async () => {
    const registry = await startNpmRegistryDouble({ packages: [pkg] })
    const failing = await startNpmRegistryDouble({ packages: [pkg], status: 500 })
    try {
      freshCache()
      await expect(installClaude(registry.url, version, 'linux-arm64-musl')).rejects.toThrow(
        /has no package @anthropic-ai\/claude-code-linux-arm64-musl\. Point `npm-registry`/
      )
      await expect(installClaude(registry.url, '9.9.9', 'linux-x64')).rejects.toThrow(
        /claude-code-linux-x64@9\.9\.9 is not on .*Set `claude-version` to a published version/
      )
      await expect(installClaude(failing.url, version, 'linux-x64')).rejects.toThrow(/answered HTTP 500/)
      await expect(installClaude('http://127.0.0.1:1', version, 'linux-x64')).rejects.toThrow(/cannot reach the npm registry at http:\/\/127\.0\.0\.1:1/)
    } finally {
      await registry.close()
      await failing.close()
    }
  })
})
