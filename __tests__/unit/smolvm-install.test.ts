import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { installSmolvm, resolveSmolvmVersion } from '../../src/install/smolvm.js'
import { InstallError } from '../../src/util/errors.js'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-install-'))
let n = 0
function freshCache(): string {
  const tc = path.join(tmp, `tc-${++n}`)
  process.env['RUNNER_TOOL_CACHE'] = tc
  process.env['RUNNER_TEMP'] = path.join(tmp, 'temp')
  fs.mkdirSync(path.join(tmp, 'temp'), { recursive: true })
  return tc
}
const cachedVersions = (tc: string) => (fs.existsSync(path.join(tc, 'smolvm')) ? fs.readdirSync(path.join(tc, 'smolvm')) : [])
// tool-cache retries 5xx after 10-20 s; its test hooks shorten that.
const g = globalThis as Record<string, unknown>
g['TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS'] = 0
g['TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS'] = 0

describe('installSmolvm against a loopback release server', () => {
  it('downloads, verifies, extracts with symlinks, caches, confirms --version; then hits the cache', async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64', 'darwin-arm64'] })
    try {
      const tc = freshCache()
      const first = await installSmolvm('1.9.2', 'linux-x86_64', rel.url)
      expect(first).toMatchObject({ version: '1.9.2', downloaded: true, dir: path.join(tc, 'smolvm', '1.9.2', 'linux-x86_64') })
      expect(fs.readlinkSync(path.join(first.dir, 'agent-rootfs', 'bin', 'sh'))).toBe('busybox')
      expect(fs.readlinkSync(path.join(first.dir, 'lib', 'libkrun.so'))).toBe('libkrun.so.1')
      expect(rel.assetDownloads()).toBe(1)
      const second = await installSmolvm('1.9.2', 'linux-x86_64', rel.url)
      expect(second).toMatchObject({ dir: first.dir, downloaded: false })
      expect(rel.assetDownloads()).toBe(1)
      expect(fs.readdirSync(path.join(tmp, 'temp'))).toEqual([])
    } finally {
      await rel.close()
    }
  })

  it.each([
    ['a checksum mismatch', { badChecksum: ['linux-x86_64'] }, /smolvm-1\.9\.2-linux-x86_64\.tar\.gz does not match checksums\.sha256 .*nothing was cached/],
    [
      'no checksum entry for the platform',
      { omitChecksum: ['linux-x86_64'] },
      /checksums\.sha256 of smolvm 1\.9\.2 has no entry for smolvm-1\.9\.2-linux-x86_64\.tar\.gz/
    ],
    [
      'no asset for the platform (404)',
      { missing: ['linux-x86_64'] },
      /smolvm 1\.9\.2 has no release asset smolvm-1\.9\.2-linux-x86_64\.tar\.gz at .*Check `smolvm-version` and `smolvm-download-url`/
    ],
    ['a download cut short', { truncate: true }, /download of .*smolvm-1\.9\.2-linux-x86_64\.tar\.gz failed/],
    ['HTTP 500 on every attempt', { failures: 3 }, /download of .* failed \(Unexpected HTTP response: 500\)/]
  ])(
    'refuses %s and caches nothing',
    async (_what, fault, message) => {
      const rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64'], ...fault })
      try {
        const tc = freshCache()
        const err = await installSmolvm('1.9.2', 'linux-x86_64', rel.url).catch(e => e)
        expect(err).toBeInstanceOf(InstallError)
        expect(err.message).toMatch(message)
        expect(cachedVersions(tc)).toEqual([])
        expect(fs.readdirSync(path.join(tmp, 'temp'))).toEqual([])
      } finally {
        await rel.close()
      }
    },
    30_000
  )

  it('retries a transient 500 and then installs', async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64'], failures: 1 })
    try {
      freshCache()
      expect((await installSmolvm('1.9.2', 'linux-x86_64', rel.url)).downloaded).toBe(true)
      expect(rel.requests.filter(r => r.path.endsWith('.tar.gz')).map(r => r.status)).toEqual([500, 200])
    } finally {
      await rel.close()
    }
  }, 30_000)

  it("resolves 'latest' through the releases API, with the token", async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.2', '1.23.0'], platforms: ['linux-x86_64'] })
    try {
      expect(await resolveSmolvmVersion('latest', rel.url, 'ghs_tok')).toBe('1.23.0')
      expect(rel.requests.at(-1)).toMatchObject({ path: '/repos/smol-machines/smolvm/releases/latest', auth: 'Bearer ghs_tok' })
      expect(await resolveSmolvmVersion('1.9.2', 'http://127.0.0.1:1')).toBe('1.9.2')
    } finally {
      await rel.close()
    }
  })
})
