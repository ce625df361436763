import path from 'node:path'
import * as core from '@actions/core'
import type { Config } from '../config/config.js'
import { Redactor } from '../transcript/redact.js'
import { stripGitCredentials, workspaceGitSecrets, type SavedGitCredentials } from './git-credentials.js'
import { noteRunConfig, snapshotWorkspaceGit, type GitGuardRef } from './git-guard.js'
import { gateOrigin, routeOriginThroughGate, type GateOrigin } from '../gitgate/origin.js'
import type { Plan } from './plan.js'

export interface IsolatedWorkspace {
  /** the redactor for the run: the known secrets and every credential of the checkout */
  redactor: Redactor
  /** the saved .git, put back after the run (undefined: the workspace has no .git) */
  guard?: GitGuardRef
  /** the checkout's git config as it was, credentials included (for the gate's own use) */
  saved?: SavedGitCredentials
  /** the upstream the git gate serves (undefined: no http(s) origin, no gate) */
  origin?: GateOrigin
}

/**
 * The checkout's token must not be readable in the bottle, and nothing the agent writes in .git
 * may run on the runner later: save .git as it is (first, and told to `onGuard` at once, so the
 * post step can put it back whatever happens to this process), then take the credentials out of
 * its config; and find the origin the git gate will serve (routed through it once it listens).
 */
export async function isolateWorkspace(config: Config, plan: Plan, known: string[], onGuard: (guard: GitGuardRef) => void): Promise<IsolatedWorkspace> {
  const gitSecrets = workspaceGitSecrets(config.workspace)
  for (const s of gitSecrets) core.setSecret(s)
  const redactor = new Redactor([...known, ...gitSecrets])
  const guard = snapshotWorkspaceGit(config.workspace, path.join(plan.stateDir, 'git-snapshot'))
  if (guard) onGuard(guard)
  const saved = await stripGitCredentials(config.workspace)
  if (saved && gitSecrets.length) core.info("Took the checkout's git credentials out of the workspace for the run; .git is put back as it was afterwards")
  const origin = await gateOrigin(config.workspace, saved, config.git.token)
  if (!origin) core.info('git gate: off (the workspace has no http(s) origin)')
  return { redactor, guard, saved, origin }
}

/**
 * Once the gate listens: the workspace's origin points at it (the guest fetches and pushes
 * there, never upstream), and the guard notes the config the action itself wrote, so the
 * restore after the run tells it apart from what the agent changed.
 */
export async function routeOriginThroughTheGate(isolated: IsolatedWorkspace, gateUrl: string | undefined): Promise<void> {
  if (isolated.origin && gateUrl) await routeOriginThroughGate(isolated.origin, gateUrl)
  if (isolated.guard) noteRunConfig(isolated.guard)
}
