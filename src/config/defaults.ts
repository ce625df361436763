/** Defaults of the action's inputs; action.yml documents the same values. */
export const DEFAULT_CLAUDE_VERSION = '2.1.332' // pinned and tested; `latest` is allowed
export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org'
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com'
// Debian bookworm with git, curl, ca-certificates, openssh-client and procps.
export const DEFAULT_IMAGE = 'buildpack-deps:bookworm-scm'
export const DEFAULT_CPUS = 2
export const DEFAULT_MEMORY = '4g'
export const DEFAULT_TIMEOUT_MINUTES = 30
// Only where the docker engine runs in a VM or rootless (docker-wiring 'relay'): any image with node.
export const DEFAULT_RELAY_IMAGE = 'node:24-alpine'
export const DEFAULT_GIT_MAX_PUSH_MB = 100 // the git gate's push limit, MiB
