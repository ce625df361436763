/**
 * The environment variables that change a smolvm VM's network policy behind its argv, read by
 * the process that boots the VM (smolvm v1.9.3): the egress floor (crates/smolvm-network/src/
 * egress.rs:133-155) and the gateway's host service, which maps one gateway port to another
 * host port and lets it past the allow-list (src/network/launch.rs:23-57,
 * crates/smolvm-network/src/tcp_relay.rs:214-249). The backend runs smolvm without them, so the
 * policy is exactly what its argv says; each one found on the runner is named in a warning.
 */
export const POLICY_VARIABLES = ['SMOLVM_EGRESS_FLOOR', 'SMOLVM_EGRESS_ALLOW_PRIVATE', 'SMOLVM_PUBLISH_ADDR', 'SMOLVM_GUEST_HOST_SERVICE'] as const

export interface PinnedEnv {
  env: NodeJS.ProcessEnv
  /** the policy variables the runner had set (removed from env) */
  removed: string[]
}

export function pinnedEnv(runner: NodeJS.ProcessEnv): PinnedEnv {
  const env = { ...runner }
  const removed = POLICY_VARIABLES.filter(v => env[v] !== undefined)
  for (const v of removed) delete env[v]
  return { env, removed }
}

/** Why each removed variable would have changed the run, for the warning. */
export function removalWarning(removed: readonly string[]): string | undefined {
  if (!removed.length) return undefined
  return (
    `smolvm: ignoring ${removed.join(', ')} from the runner's environment: they change the VM's egress policy behind its flags ` +
    '(SMOLVM_EGRESS_FLOOR=strict or SMOLVM_PUBLISH_ADDR deny the gateway 100.96.0.1 the bottle reaches its daemons through; ' +
    "SMOLVM_GUEST_HOST_SERVICE opens a gateway port to another host port). The bottle's policy is its argv: the gateway only."
  )
}
