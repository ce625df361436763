import path from 'node:path'
import * as core from '@actions/core'
import type { Config } from '../config/config.js'
import { Redactor } from '../transcript/redact.js'
import { stripGitCredentials, workspaceGitSecrets, type SavedGitCredentials } from './git-credentials.js'
import { snapshotWorkspaceGit, type GitGuardRef } from './git-guard.js'
import type { Plan } from './plan.js'

export interface IsolatedWorkspace {
  /** the redactor for the run: the known secrets and every credential of the checkout */
  redactor: Redactor
  /** the saved .git, put back after the run (undefined: the workspace has no .git) */
  guard?: GitGuardRef
  /** the checkout's git config as it was, credentials included (for the gate's own use) */
  saved?: SavedGitCredentials
}

/**
 * The checkout's token must not be readable in the bottle, and nothing the agent writes in .git
 * may run on the runner later: save .git as it is (first, and told to `onGuard` at once, so the
 * post step can put it back whatever happens to this process), then take the credentials out of
 * its config. The origin is routed through the git gate later, once the gate listens.
 */
export async function isolateWorkspace(config: Config, plan: Plan, known: string[], onGuard: (guard: GitGuardRef) => void): Promise<IsolatedWorkspace> {
  const gitSecrets = workspaceGitSecrets(config.workspace)
  for (const s of gitSecrets) core.setSecret(s)
  const redactor = new Redactor([...known, ...gitSecrets])
  const guard = snapshotWorkspaceGit(config.workspace, path.join(plan.stateDir, 'git-snapshot'))
  if (guard) onGuard(guard)
  const saved = await stripGitCredentials(config.workspace)
  if (saved && gitSecrets.length) core.info("Took the checkout's git credentials out of the workspace for the run; .git is put back as it was afterwards")
  return { redactor, guard, saved }
}
