import * as core from '@actions/core'
import type { Backend } from '../../backend/types.js'
import { errorMessage } from '../../util/errors.js'
import { ownerIsGone, OWNER_LABEL } from './owner.js'
import { RUN_LABEL } from '../prepare/plan.js'
import { reapStaleStages } from '../workspace/stage.js'

/**
 * Removes what earlier runs on this engine left when their step was killed with no post step
 * (a SIGKILLed main, a runner that crashed): every bottle, relay and network whose owner
 * label says its process is provably gone. Another live run's resources are never touched.
 * Never fails the run: a reap that goes wrong is one warning.
 */
export async function reapStale(backend: Backend): Promise<string[]> {
  try {
    for (const dir of reapStaleStages()) core.info(`Reaped the copy-in stage a killed run left in memory: ${dir}`)
  } catch (err) {
    core.warning(`Could not check for copy-in stages killed runs left in memory: ${errorMessage(err)}`)
  }
  try {
    const runs = await backend.listRuns(RUN_LABEL, OWNER_LABEL)
    const stale = [...new Set(runs.filter(r => ownerIsGone(r.owner)).map(r => r.run))]
    const reaped: string[] = []
    for (const slug of stale) {
      const removed = await backend.sweep(RUN_LABEL, slug)
      if (removed.length) core.info(`Reaped what run ${slug} left (its step was killed without a post step): ${removed.join(', ')}`)
      reaped.push(...removed)
    }
    return reaped
  } catch (err) {
    core.warning(`Could not check this engine for what killed runs left behind: ${errorMessage(err)}`)
    return []
  }
}
