/**
 * The run's own records in the state dir: written on the host, never by the guest (claude-config/
 * is what the host copied out of the bottle after the run: the guest's data, read as hostile).
 */

/** The workspace door's decisions, one JSON object per path. */
export const WORKSPACE_CHANGES_RECORD = 'workspace-changes.jsonl'
/** The accepted changes as a patch (git diff format). */
export const WORKSPACE_PATCH_RECORD = 'workspace.patch'

/** Uploaded whenever present, whatever the agent did to its own files. */
export const RECORD_FILES = [
  'outputs.json',
  'figures.json',
  'stream.jsonl',
  'stderr.log',
  'egress.jsonl',
  'git.jsonl',
  'github.jsonl',
  'model.jsonl',
  WORKSPACE_CHANGES_RECORD,
  WORKSPACE_PATCH_RECORD
] as const

/** The task as main read it at start (0600): the post step never re-reads prompt-file from the workspace. */
export const PROMPT_FILE = 'prompt.txt'

/** claude's config dir as copied out of the bottle after the run: hostile input. */
export const CLAUDE_CONFIG_DIR = 'claude-config'

/** Records main cut at their cap (a list of { source, reason }), written as it happens. */
export const RECORD_NOTES = 'record-notes.json'
