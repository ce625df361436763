import { booleanField, type BackendChoice } from './fields.js'
import type { RawInputs, RunnerEnv } from './inputs.js'
import { backendSection, runnerDirs, smolvmSection, type SmolvmSettings } from './sections.js'

/** setup-only mode: install and probe, run no agent, need no credential. */
export interface SetupConfig {
  backend: BackendChoice
  requireBackend: boolean
  smolvm: SmolvmSettings
  toolCache: string
}

export function isSetupOnly(raw: RawInputs): boolean {
  return booleanField(raw, 'setup-only')
}

export function parseSetupConfig(raw: RawInputs, runner: RunnerEnv): SetupConfig {
  const backend = backendSection(raw)
  const { toolCache } = runnerDirs(runner)
  return { backend, requireBackend: booleanField(raw, 'require-backend'), smolvm: smolvmSection(raw, runner), toolCache }
}
