import type { ArtifactSettings } from '../artifact/settings.js'
import type { RawInputs, RunnerEnv } from './inputs.js'
import { secretValues } from './inputs.js'
import { artifactSection } from './sections.js'

/** The post step's inputs, parsed once at its edge: what to publish, and what to keep out of it. */
export interface PostConfig {
  artifact: ArtifactSettings
  /** the secret inputs' values (the workspace's git credentials are added by the caller, which reads files) */
  secrets: string[]
  /** the checkout the run worked in (`workspace`, else GITHUB_WORKSPACE), for its git credentials */
  workspace: string
}

export function parsePostConfig(raw: RawInputs, runner: RunnerEnv): PostConfig {
  return { artifact: artifactSection(raw, runner), secrets: secretValues(raw), workspace: raw.workspace || runner.workspace || '' }
}
