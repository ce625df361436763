import * as core from '@actions/core'
import type { BackendChoice, Config } from '../config/config.js'
import { BackendUnavailableError, errorMessage } from '../util/errors.js'
import type { SmolvmInstall } from '../install/smolvm.js'
import { DockerBackend } from './docker/docker-backend.js'
import { SmolvmBackend } from './smolvm/smolvm-backend.js'
import { kvmDeviceFrom, readHostFacts, smolvmPlatform, smolvmRefusal, TEST_KVM_DEVICE_VAR, type HostFacts } from './smolvm/platform.js'
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

/** The probes' deps on this machine; `env` is the step's environment (the test-only KVM device is read from it). */
export function defaultProbeDeps(config: Pick<Config, 'dockerWiring' | 'relayImage'>, env: NodeJS.ProcessEnv): ProbeDeps {
  const kvm = kvmDeviceFrom(env)
  if (kvm.test) core.info(`smolvm: the KVM facts come from the test device ${kvm.path} (${TEST_KVM_DEVICE_VAR}), not /dev/kvm`)
  return { facts: readHostFacts(kvm), docker: new DockerBackend({ wiring: config.dockerWiring, relayImage: config.relayImage }) }
}

/** Installs smolvm where this runner can boot micro-VMs; otherwise says why not. */
async function installIfBootable(
  facts: HostFacts,
  install: (platform: string) => Promise<SmolvmInstall>
): Promise<{ installed: SmolvmInstall } | { reason: string }> {
  const platform = smolvmPlatform(facts)
  const refusal = smolvmRefusal(facts)
  if (refusal || 'refused' in platform) return { reason: refusal ?? 'smolvm: refused' }
  try {
    return { installed: await install(platform.platform) }
  } catch (err) {
    return { reason: `smolvm: install failed: ${errorMessage(err)}` }
  }
}

/**
 * Installs smolvm and checks the flags this backend drives (they moved between releases):
 * usable here means usable by a run, for setup-only as for a run.
 */
async function usableSmolvm(
  facts: HostFacts,
  install: (platform: string) => Promise<SmolvmInstall>
): Promise<{ backend: SmolvmBackend; installed: SmolvmInstall; detail: string } | { reason: string }> {
  const r = await installIfBootable(facts, install)
  if ('reason' in r) return r
  const backend = new SmolvmBackend(r.installed.path)
  const probe = await backend.probe()
  return probe.usable ? { backend, installed: r.installed, detail: probe.detail } : { reason: probe.reason }
}

/**
 * Picks the backend for a run: smolvm where this runner can boot micro-VMs (installing it),
 * else docker. The reasons say, one line per backend, why it was or was not used.
 */
export async function selectBackend(choice: BackendChoice, deps: ProbeDeps, install: (platform: string) => Promise<SmolvmInstall>): Promise<Selection> {
  const reasons: string[] = []
  if (choice !== 'docker') {
    const r = await usableSmolvm(deps.facts, install)
    if ('reason' in r) reasons.push(r.reason)
    else return { backend: r.backend, reasons: [`smolvm: usable (${r.detail})`] }
    if (choice === 'smolvm')
      throw new BackendUnavailableError(`Input 'backend': smolvm cannot be used here: ${reasons.join('; ')}`, "Fix that, or use 'auto' or 'docker'")
  }
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
    // Whether this runner can boot micro-VMs with an installed smolvm: what a workflow gates on.
    const r = await usableSmolvm(deps.facts, install)
    if ('reason' in r) {
      reasons.push(r.reason)
    } else {
      smolvm = r.installed
      reasons.push(`smolvm: usable (smolvm ${smolvm.version} ${smolvm.downloaded ? 'installed' : 'from the tool cache'} at ${smolvm.path})`)
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
