/**
 * The run's own records in the state dir: written on the host, never by the guest (the only
 * guest-writable tree under the state dir is claude-config/, mounted as claude's config dir).
 */

/** Uploaded whenever present, whatever the agent did to its own files. */
export const RECORD_FILES = ['outputs.json', 'figures.json', 'stream.jsonl', 'stderr.log', 'egress.jsonl', 'git.jsonl', 'model.jsonl'] as const

/** The task as main read it at start (0600): the post step never re-reads prompt-file from the workspace. */
export const PROMPT_FILE = 'prompt.txt'

/** claude's config dir on the host, mounted read-write into the guest: hostile input. */
export const CLAUDE_CONFIG_DIR = 'claude-config'

/** Records main cut at their cap (a list of { source, reason }), written as it happens. */
export const RECORD_NOTES = 'record-notes.json'
