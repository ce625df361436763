import * as core from '@actions/core'
import { errorMessage } from '../util/errors.js'
import type { ArtifactSettings } from './settings.js'

export interface UploadedArtifact {
  id: number
  url: string
  size: number
}

/** Why the artifact service cannot be used here, or undefined when it can. */
export function artifactServiceUnavailable(env: NodeJS.ProcessEnv): string | undefined {
  if (!env['ACTIONS_RUNTIME_TOKEN'] || !env['ACTIONS_RESULTS_URL']) {
    return 'the artifact service is not available (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are not set: a local run?)'
  }
  // @actions/artifact refuses any server but github.com, *.ghe.com and *.localhost (GHES, forges).
  const host = new URL(env['GITHUB_SERVER_URL'] || 'https://github.com').hostname.toLowerCase()
  if (host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')) {
    return `@actions/artifact does not support GitHub Enterprise Server or other forges (${host})`
  }
  return undefined
}

/** Whether the run's conclusion calls for an upload under `when`. */
export function shouldUpload(when: ArtifactSettings['when'], conclusion: string | undefined): boolean {
  if (when === 'never') return false
  if (when === 'always') return true
  return conclusion !== 'success'
}

/**
 * Uploads `files` (all under `root`) as one artifact. Where the service is unavailable or the
 * upload fails it warns once and returns undefined: the files stay on the runner and the step
 * does not fail.
 */
export async function uploadArtifact(
  files: string[],
  root: string,
  settings: ArtifactSettings,
  env: NodeJS.ProcessEnv = process.env
): Promise<UploadedArtifact | undefined> {
  const unavailable = artifactServiceUnavailable(env)
  if (unavailable) {
    core.warning(`Transcripts not uploaded: ${unavailable}. They are kept in ${root}.`)
    return undefined
  }
  try {
    // loaded only for an upload: it is most of the post step's bundle (~0.2 s to load)
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    const r = await client.uploadArtifact(settings.name, files, root, { retentionDays: settings.retentionDays })
    const id = r.id ?? 0
    const server = env['GITHUB_SERVER_URL'] || 'https://github.com'
    const url = `${server}/${env['GITHUB_REPOSITORY'] ?? ''}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}/artifacts/${id}`
    return { id, url, size: r.size ?? 0 }
  } catch (err) {
    core.warning(`Transcripts not uploaded as artifact '${settings.name}': ${errorMessage(err)}. They are kept in ${root}.`)
    return undefined
  }
}
