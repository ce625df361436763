// A loopback double of smolvm's GitHub release downloads and the releases API:
//   GET /v<V>/smolvm-<V>-<platform>.tar.gz   release-shaped archive (top dir, wrapper, lib/ and
//                                            agent-rootfs/ with symlinks), like build-dist.sh makes
//   GET /v<V>/checksums.sha256               `sha256sum` listing of the assets
//   (the assets and platforms of smolvm's .github/workflows/release.yml)
//   GET /repos/smol-machines/smolvm/releases/latest → {"tag_name":"v<latest>"}
// `cli: true`: the archive's wrapper runs the CLI double as that version (with `drift`: its flags changed).
// Faults: `badChecksum` (listing disagrees with the asset), `omitChecksum` (no entry for an
// asset), `missing` (asset 404), `failures` (next N asset requests answer 500), `truncate`
// (asset sent short of its Content-Length, then the connection is cut).
// Not modelled: GitHub's redirect of asset downloads to objects.githubusercontent.com, the
// releases API beyond /releases/latest (pagination, prereleases), API rate limits and tokens
// (the Authorization header is recorded, never checked), and real smolvm binaries (the
// archive's `smolvm` is a wrapper: --version only, or the CLI double).
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

const CLI_DOUBLE = path.join(path.dirname(new URL(import.meta.url).pathname), 'smolvm-cli-double.mjs')

/**
 * Builds smolvm-<v>-<platform>.tar.gz. Its `smolvm` wrapper answers `--version` only, or with
 * `cli: true` runs the stateful CLI double (smolvm-cli-double.mjs), so a run can go through it.
 */
export function buildReleaseArchive(dir, version, platform, cli = false, drift = undefined) {
  const top = `smolvm-${version}-${platform}`
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-rel-'))
  const d = path.join(root, top)
  fs.mkdirSync(path.join(d, 'lib'), { recursive: true })
  fs.mkdirSync(path.join(d, 'agent-rootfs', 'bin'), { recursive: true })
  const wrapper = cli
    ? `#!/bin/sh\nSMOLVM_DOUBLE_VERSION='${version}' SMOLVM_DOUBLE_DRIFT='${JSON.stringify(drift ?? {})}' exec "${process.execPath}" "${CLI_DOUBLE}" "$@"\n`
    : `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "smolvm ${version}"; exit 0; fi\necho "Error: this release double only answers --version" >&2\nexit 1\n`
  fs.writeFileSync(path.join(d, 'smolvm'), wrapper, { mode: 0o755 })
  fs.writeFileSync(path.join(d, 'smolvm-bin'), 'ELF stand-in\n', { mode: 0o755 })
  fs.writeFileSync(path.join(d, 'lib', 'libkrun.so.1'), 'lib\n')
  fs.symlinkSync('libkrun.so.1', path.join(d, 'lib', 'libkrun.so'))
  fs.writeFileSync(path.join(d, 'agent-rootfs', 'bin', 'busybox'), 'busybox\n', { mode: 0o755 })
  fs.symlinkSync('busybox', path.join(d, 'agent-rootfs', 'bin', 'sh'))
  fs.writeFileSync(path.join(d, 'README.txt'), `smolvm ${version}\n`)
  const out = path.join(dir, `${top}.tar.gz`)
  execFileSync('tar', ['-czf', out, '-C', root, top])
  fs.rmSync(root, { recursive: true, force: true })
  return out
}

/**
 * @param {{ versions: string[], platforms: string[], latest?: string, badChecksum?: string[], omitChecksum?: string[],
 *           missing?: string[], failures?: number, truncate?: boolean, cli?: boolean,
 *           drift?: Record<string, Record<string, Record<string, string | null>>> }} opts  (asset lists hold platforms;
 *           drift: per version, the CLI double's flag changes, e.g. {"1.24.0": {"create": {"--allow-host": null}}})
 */
export async function startSmolvmReleaseDouble(opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-releases-'))
  /** @type {Map<string, Buffer>} */
  const assets = new Map()
  for (const v of opts.versions) {
    const sums = []
    for (const p of opts.platforms) {
      const name = `smolvm-${v}-${p}.tar.gz`
      const body = fs.readFileSync(buildReleaseArchive(dir, v, p, opts.cli, opts.drift?.[v]))
      if (!opts.missing?.includes(p)) assets.set(`/v${v}/${name}`, body)
      const hash = opts.badChecksum?.includes(p)
        ? crypto.createHash('sha256').update('other').digest('hex')
        : crypto.createHash('sha256').update(body).digest('hex')
      if (!opts.omitChecksum?.includes(p)) sums.push(`${hash}  ${name}`)
    }
    sums.push(`${'0'.repeat(64)}  smolvm-${v}-windows-x86_64.zip`)
    assets.set(`/v${v}/checksums.sha256`, Buffer.from(`${sums.join('\n')}\n`))
  }
  let failures = opts.failures ?? 0
  /** @type {{ path: string, status: number, auth: string }[]} */
  const requests = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const auth = String(req.headers.authorization ?? '')
    const answer = (status, body, headers = {}) => {
      requests.push({ path: url.pathname, status, auth })
      res.writeHead(status, headers)
      res.end(body)
    }
    if (url.pathname === '/repos/smol-machines/smolvm/releases/latest') {
      return answer(200, JSON.stringify({ tag_name: `v${opts.latest ?? opts.versions.at(-1)}` }), { 'content-type': 'application/json' })
    }
    const body = assets.get(url.pathname)
    if (!body) return answer(404, 'Not Found')
    if (url.pathname.endsWith('.tar.gz') && failures > 0) {
      failures--
      return answer(500, 'Internal Server Error')
    }
    if (url.pathname.endsWith('.tar.gz') && opts.truncate) {
      requests.push({ path: url.pathname, status: 200, auth })
      res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' })
      res.write(body.subarray(0, Math.floor(body.length / 2)))
      setTimeout(() => res.destroy(), 20)
      return
    }
    answer(200, body, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`
  return {
    url,
    requests,
    assetDownloads: () => requests.filter(r => r.path.endsWith('.tar.gz') && r.status === 200).length,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections?.()
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true })
          resolve(undefined)
        })
      })
  }
}
