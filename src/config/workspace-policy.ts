/**
 * The workspace door's inputs: what of the agent's changes to its copy of the workspace comes
 * back to the runner (`workspace-changes`), and how much may (`workspace-max-mb`,
 * `workspace-max-files`). The door (src/workspace-door/) judges with what this returns.
 */
import { choiceField, inputField, positiveInt } from './fields.js'
import type { RawInputs } from './inputs.js'

export const WORKSPACE_CHANGE_MODES = ['apply', 'patch', 'none'] as const
export type WorkspaceChangeMode = (typeof WORKSPACE_CHANGE_MODES)[number]

export interface WorkspacePolicy {
  /** apply: written into the runner's workspace; patch: a patch file in the record only; none: nothing comes back */
  mode: WorkspaceChangeMode
  /** bytes of changed files that may come back; also how much the bottle's copy may grow */
  maxBytes: number
  /** changed paths that may come back */
  maxFiles: number
}

export function workspaceSection(raw: Partial<RawInputs>): WorkspacePolicy {
  return {
    mode: choiceField(raw, 'workspace-changes', WORKSPACE_CHANGE_MODES),
    maxBytes: inputField(raw, 'workspace-max-mb', positiveInt, 'a whole number of MiB, 1 or more, such as 256') * 1024 ** 2,
    maxFiles: inputField(raw, 'workspace-max-files', positiveInt, 'a whole number of paths, 1 or more, such as 10000')
  }
}
