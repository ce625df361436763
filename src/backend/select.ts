import type { Config } from '../config/config.js'
import { BackendUnavailableError } from '../util/errors.js'
import { DockerBackend } from './docker/docker-backend.js'
import type { Backend } from './types.js'

export interface Selection {
  backend: Backend
  /** one line per backend considered: why it was or was not used */
  reasons: string[]
}

/**
 * Picks the backend. smolvm arrives in its own issue: until then `auto` means docker,
 * and `smolvm` is refused with a clear error.
 */
export async function selectBackend(
  config: Pick<Config, 'backend' | 'dockerWiring' | 'relayImage'>,
  docker: Backend = new DockerBackend({ wiring: config.dockerWiring, relayImage: config.relayImage })
): Promise<Selection> {
  if (config.backend === 'smolvm') {
    throw new BackendUnavailableError("Input 'backend': 'smolvm' is not yet supported by this version of bot-bottle", "Use 'docker' or 'auto'")
  }
  const reasons = ['smolvm: not yet supported by this version of bot-bottle']
  const probe = await docker.probe()
  if (!probe.usable) {
    throw new BackendUnavailableError(`No usable backend: ${[...reasons, probe.reason].join('; ')}`)
  }
  reasons.push(`docker: usable (${probe.detail})`)
  return { backend: docker, reasons }
}
