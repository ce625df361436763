import { DockerBackend } from './docker/docker-backend.js'
import { SmolvmBackend } from './smolvm/smolvm-backend.js'
import type { Backend, BackendRef } from './types.js'

/** The backend a saved ref names (the post step drives the backend the main step used). */
export function backendFromRef(ref: BackendRef): Backend {
  return ref.backend === 'smolvm' ? new SmolvmBackend(ref.cli ?? 'smolvm') : new DockerBackend()
}
