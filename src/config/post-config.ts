import type { ArtifactSettings } from '../artifact/settings.js'
import type { RawInputs, RunnerEnv } from './inputs.js'
import { runSecrets } from './inputs.js'
import { artifactSection } from './sections.js'

/** The post step's inputs, parsed once at its edge: what to publish, and what to keep out of it. */
export interface PostConfig {
  artifact: ArtifactSettings
  /**
   * the secrets the main step redacted: the inputs' and the runner's cloud credentials (the
   * workspace's git credentials are added by the caller, which reads files)
   */
  secrets: string[]
  /** the checkout the run worked in (`workspace`, else GITHUB_WORKSPACE), for its git credentials */
  workspace: string
  /** `github-token`, for the progress comment's artifact link (else the checkout's token) */
  githubToken?: string
}

/** `env`: the step's environment, where the runner's cloud credentials are (the main step redacted them too). */
export function parsePostConfig(raw: RawInputs, runner: RunnerEnv, env: NodeJS.ProcessEnv): PostConfig {
  return {
    artifact: artifactSection(raw, runner),
    secrets: runSecrets(raw, env),
    workspace: raw.workspace || runner.workspace || '',
    githubToken: raw['github-token'] || undefined
  }
}
