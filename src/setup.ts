import * as core from '@actions/core'
import { defaultProbeDeps, probeForSetup } from './backend/select.js'
import type { RawInputs } from './config/inputs.js'
import { readRunnerEnv } from './config/inputs.js'
import { parseSetupConfig } from './config/setup-config.js'
import { DEFAULT_RELAY_IMAGE } from './config/fields.js'
import { smolvmInstaller } from './install/smolvm.js'

/**
 * setup-only: installs and probes the backends, runs no agent. Outputs `backend`
 * (smolvm, docker or none), `smolvm-path`, `smolvm-version` and `reasons`, so a workflow can
 * gate its own jobs on them. No usable backend fails the step only with require-backend.
 */
export async function runSetup(raw: RawInputs): Promise<void> {
  const config = parseSetupConfig(raw, readRunnerEnv(process.env))
  process.env['RUNNER_TOOL_CACHE'] ||= config.toolCache // @actions/tool-cache reads it from the environment
  const result = await probeForSetup(
    config.backend,
    defaultProbeDeps({ dockerWiring: 'auto', relayImage: DEFAULT_RELAY_IMAGE }, process.env),
    smolvmInstaller(config.smolvm)
  )
  for (const r of result.reasons) core.info(r)
  core.info(`setup-only: backend ${result.backend}`)
  core.setOutput('backend', result.backend)
  core.setOutput('smolvm-path', result.smolvm?.path ?? '')
  core.setOutput('smolvm-version', result.smolvm?.version ?? '')
  core.setOutput('reasons', result.reasons.join('\n'))
  if (result.backend === 'none' && config.requireBackend) {
    core.setFailed(`No usable backend (require-backend is true): ${result.reasons.join('; ')}`)
  }
}
