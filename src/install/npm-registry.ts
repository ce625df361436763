import { HttpClient } from '@actions/http-client'
import { InstallError } from '../util/errors.js'

export interface PackageVersion {
  name: string
  version: string
  tarball: string
  integrity: string
}

/** npm encodes the scope's slash in the packument path: @scope%2fname. */
export function packumentUrl(registry: string, name: string): string {
  return `${registry.replace(/\/+$/, '')}/${name.replace('/', '%2f')}`
}

/**
 * Resolves `version` (exact, or a dist-tag such as `latest`) of `name` through the
 * registry's (abbreviated) packument, and returns the tarball URL and its integrity.
 */
export async function resolvePackage(registry: string, name: string, version: string, http = new HttpClient('bot-bottle')): Promise<PackageVersion> {
  const url = packumentUrl(registry, name)
  let status: number
  let body: string
  try {
    const res = await http.get(url, { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' })
    status = res.message.statusCode ?? 0
    body = await res.readBody()
  } catch (err) {
    throw new InstallError(
      `cannot reach the npm registry at ${registry} (${(err as Error).message})`,
      "Check `npm-registry` and the runner's network or proxy settings"
    )
  }
  if (status === 404) throw new InstallError(`the npm registry ${registry} has no package ${name}`, 'Point `npm-registry` at a registry or mirror that has it')
  if (status < 200 || status >= 300)
    throw new InstallError(`the npm registry ${registry} answered HTTP ${status} for ${name}`, 'Check `npm-registry`; retry if the registry is having trouble')
  let doc: { 'dist-tags'?: Record<string, string>; versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }> }
  try {
    doc = JSON.parse(body)
  } catch {
    throw new InstallError(`the npm registry ${registry} sent a packument for ${name} that is not JSON`, 'Check that `npm-registry` is an npm registry URL')
  }
  const resolved = /^\d/.test(version) ? version : doc['dist-tags']?.[version]
  if (!resolved) throw new InstallError(`${name} has no dist-tag '${version}' on ${registry}`, "Use an exact version or 'latest'")
  const dist = doc.versions?.[resolved]?.dist
  if (!dist) throw new InstallError(`${name}@${resolved} is not on ${registry}`, 'Set `claude-version` to a published version')
  if (!dist.tarball || !dist.integrity)
    throw new InstallError(`${name}@${resolved} on ${registry} has no tarball or integrity`, 'Use a registry that publishes dist.integrity')
  return { name, version: resolved, tarball: dist.tarball, integrity: dist.integrity }
}
