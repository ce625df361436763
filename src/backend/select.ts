import type { BackendChoice, Config } from '../config/config.js'
import { BackendUnavailableError, errorMessage } from '../util/errors.js'
import type { SmolvmInstall } from '../install/smolvm.js'
import { DockerBackend } from './docker/docker-backend.js'
import { readHostFacts, smolvmPlatform, smolvmRefusal, type HostFacts } from './smolvm/platform.js'
import type { Backend } from './types.js'

export interface Selection {
  backend: Backend
  /** one line per backend considered: why it was or was not used */
  reasons: string[]
}

/** Where the probes look: the OS facts and the docker engine (tests pass their own). */
export interface ProbeDeps {
  facts: HostFacts
  docker: Backend
}

export function defaultProbeDeps(config: Pick<Config, 'dockerWiring' | 'relayImage'>): ProbeDeps {
  return { facts: readHostFacts(), docker: new DockerBackend({ wiring: config.dockerWiring, relayImage: config.relayImage }) }
}

/**
 * Picks the backend for a run. The agent runs on docker for now: where this runner could boot
 * smolvm micro-VMs, the log says so and that running the agent there is not supported yet.
 */
export async function selectBackend(choice: BackendChoice, deps: ProbeDeps): Promise<Selection> {
  if (choice === 'smolvm') {
    throw new BackendUnavailableError("Input 'backend': running the agent on 'smolvm' is not yet supported by this version of bot-bottle", "Use 'docker' or 'auto' (setup-only mode installs and probes smolvm)")
  }
  const refusal = smolvmRefusal(deps.facts)
  const reasons = [refusal ?? 'smolvm: this runner can boot micro-VMs, but running the agent on smolvm is not yet supported by this version: using docker']
  const probe = await deps.docker.probe()
  if (!probe.usable) throw new BackendUnavailableError(`No usable backend: ${[...reasons, probe.reason].join('; ')}`)
  reasons.push(`docker: usable (${probe.detail})`)
  return { backend: deps.docker, reasons }
}

export interface SetupResult {
  backend: 'smolvm' | 'docker' | 'none'
  smolvm?: SmolvmInstall
  /** one line per backend considered: why it was or was not usable, and what would fix it */
  reasons: string[]
}

/**
 * setup-only: installs and probes the backends `choice` allows (smolvm first), runs nothing.
 * `install` installs smolvm for a release platform.
 */
export async function probeForSetup(choice: BackendChoice, deps: ProbeDeps, install: (platform: string) => Promise<SmolvmInstall>): Promise<SetupResult> {
  const reasons: string[] = []
  let smolvm: SmolvmInstall | undefined
  if (choice !== 'docker') {
    const refusal = smolvmRefusal(deps.facts)
    const platform = smolvmPlatform(deps.facts)
    if (refusal || 'refused' in platform) {
      reasons.push(refusal ?? 'smolvm: refused')
    } else {
      try {
        smolvm = await install(platform.platform)
        reasons.push(`smolvm: usable (smolvm ${smolvm.version} ${smolvm.downloaded ? 'installed' : 'from the tool cache'} at ${smolvm.path})`)
      } catch (err) {
        reasons.push(`smolvm: install failed: ${errorMessage(err)}`)
      }
    }
  }
  let dockerUsable = false
  if (choice !== 'smolvm') {
    const probe = await deps.docker.probe()
    dockerUsable = probe.usable
    reasons.push(probe.usable ? `docker: usable (${probe.detail})` : probe.reason)
  }
  return { backend: smolvm ? 'smolvm' : dockerUsable ? 'docker' : 'none', smolvm, reasons }
}
