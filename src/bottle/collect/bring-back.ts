import path from 'node:path'
import * as core from '@actions/core'
import { CLAUDE_CONFIG_DIR } from '../../transcript/record-files.js'
import { errorMessage } from '../../util/errors.js'
import { runDoor } from '../../workspace-door/door.js'
import { copyClaudeConfigOut } from './claude-config-out.js'
import type { RunLedger } from '../run/run-ledger.js'

/**
 * After claude stops, what the run leaves in the bottle comes out through the host's doors:
 * claude's session files into the record, then the agent's file changes through the workspace
 * door (not after a cancellation: the job is being stopped). A door that fails is one line;
 * it never throws past here.
 */
export async function bringBack(ledger: RunLedger): Promise<void> {
  const { bottle, workspace } = ledger
  if (!bottle || !workspace || !ledger.outcome) return
  const config = bottle.plan.config
  await ledger.clock.time('bring back', async () => {
    try {
      await copyClaudeConfigOut(bottle, path.join(bottle.plan.stateDir, CLAUDE_CONFIG_DIR))
    } catch (err) {
      core.warning(`claude's config dir could not be copied out of the bottle: ${errorMessage(err)}`)
    }
    const mode = config.workspaceChanges.mode
    if (mode === 'none') return core.info("workspace door: off (workspace-changes: none): none of the agent's file changes come back")
    if (ledger.cancellation.requested) return core.info("workspace door: not run (the run was cancelled): none of the agent's file changes come back")
    const result = await runDoor({
      backend: bottle.backend,
      bottle: bottle.name,
      user: bottle.plan.guestUser,
      stateDir: bottle.plan.stateDir,
      manifest: workspace.manifest,
      policy: config.workspaceChanges,
      protectedPaths: config.git.protectedPaths,
      redactor: ledger.redactor
    })
    ledger.door = { ...result, mode }
    if (result.refused && mode === 'apply' && !ledger.failed) {
      core.setFailed(
        `claude run concluded 'refused-changes': the workspace door refused ${result.refused} of the agent's changes (each named above, ` +
          'in the job summary and in workspace-changes.jsonl); the accepted ones were written. Look at what the agent tried, or use workspace-changes: patch'
      )
    }
  })
}
