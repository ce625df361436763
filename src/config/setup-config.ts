import { z } from 'zod'
import { DEFAULT_SMOLVM_DOWNLOAD_URL, DEFAULT_SMOLVM_VERSION } from '../install/smolvm.js'
import { InputError } from '../util/errors.js'
import type { BackendChoice } from './config.js'
import type { RawInputs, RunnerEnv } from './inputs.js'

/** setup-only mode: install and probe, run no agent, need no credential. */
export interface SetupConfig {
  backend: BackendChoice
  requireBackend: boolean
  smolvm: { version: string; downloadUrl: string; githubToken?: string; githubApiUrl: string }
  toolCache: string
}

/** Parses a boolean input the way core.getBooleanInput does, naming the input on error. */
export function booleanInput(raw: Partial<RawInputs>, name: keyof RawInputs, fallback: boolean): boolean {
  const v = raw[name] ?? ''
  if (v === '') return fallback
  if (/^(true|True|TRUE)$/.test(v)) return true
  if (/^(false|False|FALSE)$/.test(v)) return false
  throw new InputError(name, `invalid value (got '${v}')`, "Expected 'true' or 'false'")
}

export function isSetupOnly(raw: RawInputs): boolean {
  return booleanInput(raw, 'setup-only', false)
}

/** Where smolvm comes from: checked the same way for a run and for setup-only. */
export function smolvmSettings(raw: RawInputs, runner: RunnerEnv): SetupConfig['smolvm'] {
  const version = raw['smolvm-version'] || DEFAULT_SMOLVM_VERSION
  if (!/^(latest|\d+\.\d+\.\d+)$/.test(version)) throw new InputError('smolvm-version', `invalid value (got '${version}')`, "Expected an exact version such as 1.9.2, or 'latest'")
  const url = raw['smolvm-download-url'] || DEFAULT_SMOLVM_DOWNLOAD_URL
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new InputError('smolvm-download-url', `invalid value (got '${url}')`, 'Expected the http(s) base URL of smolvm release assets (…/releases/download)')
  }
  return { version, downloadUrl: url, githubToken: raw['github-token'] || undefined, githubApiUrl: runner.apiUrl || 'https://api.github.com' }
}

export function parseSetupConfig(raw: RawInputs, runner: RunnerEnv): SetupConfig {
  const backend = z.enum(['auto', 'docker', 'smolvm']).safeParse(raw.backend || 'auto')
  if (!backend.success) throw new InputError('backend', `invalid value (got '${raw.backend}')`, "Expected one of 'auto', 'docker', 'smolvm'")
  if (!runner.runnerTemp) throw new InputError('RUNNER_TEMP', 'the runner did not set it', 'Run inside GitHub Actions or set RUNNER_TEMP to a writable directory')
  return {
    backend: backend.data,
    requireBackend: booleanInput(raw, 'require-backend', false),
    smolvm: smolvmSettings(raw, runner),
    toolCache: runner.toolCache || `${runner.runnerTemp}/tool-cache`
  }
}
