import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import * as tc from '@actions/tool-cache'
import { InstallError } from '../util/errors.js'
import { runCommand } from '../util/process.js'
import { checksumFor, sha256File } from './sha256.js'

export const SMOLVM_TOOL_NAME = 'smolvm'

export interface SmolvmInstall {
  /** directory holding the `smolvm` wrapper (added to PATH) */
  dir: string
  path: string
  version: string
  downloaded: boolean
}

/** Resolves `latest` through the GitHub releases API; an exact version passes through. */
export async function resolveSmolvmVersion(version: string, apiUrl: string, token?: string): Promise<string> {
  if (version !== 'latest') return version
  const http = new HttpClient('bot-bottle')
  const url = `${apiUrl.replace(/\/+$/, '')}/repos/smol-machines/smolvm/releases/latest`
  let status = 0
  let body = ''
  try {
    const res = await http.get(url, { accept: 'application/vnd.github+json', ...(token ? { authorization: `Bearer ${token}` } : {}) })
    status = res.message.statusCode ?? 0
    body = await res.readBody()
  } catch (err) {
    throw new InstallError(`cannot reach ${url} to resolve smolvm 'latest' (${(err as Error).message})`, 'Set `smolvm-version` to an exact version')
  }
  if (status === 403 || status === 429)
    throw new InstallError(
      `the GitHub API refused to resolve smolvm 'latest' (HTTP ${status}, likely a rate limit)`,
      'Pass `github-token`, or set `smolvm-version` to an exact version'
    )
  if (status !== 200) throw new InstallError(`the GitHub API answered HTTP ${status} resolving smolvm 'latest'`, 'Set `smolvm-version` to an exact version')
  const tag = (JSON.parse(body) as { tag_name?: string }).tag_name ?? ''
  const v = tag.replace(/^v/, '')
  if (!/^\d+\.\d+\.\d+/.test(v)) throw new InstallError(`the latest smolvm release has an unexpected tag '${tag}'`, 'Set `smolvm-version` to an exact version')
  return v
}

/**
 * Installs smolvm `version` for `platform`: downloads the release tarball and
 * checksums.sha256, verifies the sha256 before extracting (mismatch or missing entry: error,
 * nothing cached), extracts with the system tar (the archive has symlinks), caches keyed by
 * version+platform, and confirms `smolvm --version`. Never runs an install script.
 */
export async function installSmolvm(version: string, platform: string, downloadUrl: string, token?: string): Promise<SmolvmInstall> {
  const cached = tc.find(SMOLVM_TOOL_NAME, version, platform)
  if (cached) return confirm({ dir: cached, path: path.join(cached, 'smolvm'), version, downloaded: false })

  const asset = `smolvm-${version}-${platform}.tar.gz`
  const base = `${downloadUrl.replace(/\/+$/, '')}/v${version}`
  // Only send the token to GitHub itself, never to a mirror.
  const auth = token && /(^|\.)github\.com$/.test(new URL(base).hostname) ? `token ${token}` : undefined
  const fetch = async (name: string): Promise<string> => {
    try {
      return await tc.downloadTool(`${base}/${name}`, undefined, auth)
    } catch (err) {
      const code = (err as { httpStatusCode?: number }).httpStatusCode
      if (code === 404)
        throw new InstallError(
          `smolvm ${version} has no release asset ${name} at ${base}`,
          `Check \`smolvm-version\` and \`smolvm-download-url\` (this runner needs the ${platform} asset)`
        )
      throw new InstallError(`download of ${base}/${name} failed (${(err as Error).message})`, "Retry; check `smolvm-download-url` and the runner's network")
    }
  }
  const sums = await fetch('checksums.sha256')
  const tarball = await fetch(asset).catch(err => {
    fs.rmSync(sums, { force: true })
    throw err
  })
  let extracted: string | undefined
  try {
    const expected = checksumFor(fs.readFileSync(sums, 'utf8'), asset)
    if (!expected)
      throw new InstallError(
        `checksums.sha256 of smolvm ${version} has no entry for ${asset}; nothing was installed`,
        'Use a release (or mirror) that publishes checksums for this platform'
      )
    const got = await sha256File(tarball)
    if (got !== expected)
      throw new InstallError(
        `${asset} does not match checksums.sha256 (expected ${expected}, got ${got}): the download was corrupted or tampered with; nothing was cached`,
        'Retry; if it persists, check `smolvm-download-url`'
      )
    extracted = await tc.extractTar(tarball)
    const top = path.join(extracted, `smolvm-${version}-${platform}`)
    if (!fs.existsSync(path.join(top, 'smolvm')))
      throw new InstallError(`${asset} does not hold smolvm-${version}-${platform}/smolvm`, 'Check `smolvm-download-url` points at smolvm releases')
    const dir = await tc.cacheDir(top, SMOLVM_TOOL_NAME, version, platform)
    return await confirm({ dir, path: path.join(dir, 'smolvm'), version, downloaded: true })
  } finally {
    fs.rmSync(tarball, { force: true })
    fs.rmSync(sums, { force: true })
    if (extracted) fs.rmSync(extracted, { recursive: true, force: true })
  }
}

/** Installs smolvm for a release platform, from where `settings` say. */
export function smolvmInstaller(settings: {
  version: string
  downloadUrl: string
  githubToken?: string
  githubApiUrl: string
}): (platform: string) => Promise<SmolvmInstall> {
  return async platform => {
    const version = await resolveSmolvmVersion(settings.version, settings.githubApiUrl, settings.githubToken)
    return installSmolvm(version, platform, settings.downloadUrl, settings.githubToken)
  }
}

async function confirm(i: SmolvmInstall): Promise<SmolvmInstall> {
  const r = await runCommand(i.path, ['--version'], { timeoutMs: 30_000 }).catch((err: Error) => ({ code: -1, stdout: '', stderr: err.message }))
  if (r.code !== 0 || !r.stdout.includes(i.version)) {
    throw new InstallError(
      `the installed smolvm does not run: \`smolvm --version\` ` +
        (r.code === 0 ? `printed '${r.stdout.trim()}'` : `failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`),
      'Check that the release matches this runner'
    )
  }
  core.addPath(i.dir)
  return i
}
