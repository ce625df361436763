import { WORKSPACE_CHANGES_RECORD } from '../../transcript/record-files.js'
import path from 'node:path'
import * as core from '@actions/core'
import { shouldUpload, uploadArtifact } from '../../artifact/upload.js'
import type { PostConfig } from '../../config/post-config.js'
import { collectRecords, jsonLines, readFigures, readHostJson, SESSIONS_INDEX } from '../../transcript/collect.js'
import { crossCheck } from '../../transcript/figures.js'
import { readModelLog } from '../../transcript/model-log.js'
import { workspaceGitSecrets } from '../../gitgate/git-credentials.js'
import { Redactor } from '../../transcript/redact.js'
import { REFUSED_WITH_ANOTHER } from '../../gitgate/push-judge.js'
import { renderSummary } from '../../transcript/summary.js'
import { errorMessage } from '../../util/errors.js'
import type { PhaseRecord } from '../../transcript/phase-clock.js'
import { releaseRecordRoom } from '../prepare/record-room.js'
import { foldUnder, pathsUnder } from '../../workspace-door/fold.js'

/**
 * Publishes the run's record from the state dir, from the post step (which runs after
 * success, failure and cancellation alike): redacted copies + report.html, the job summary,
 * and the artifact upload. Failures here are warnings: they never fail the job. The post step
 * parsed its inputs at its edge (`config`): nothing here reads an input.
 */
export async function publishRecord(
  stateDir: string,
  config: PostConfig,
  phases: () => PhaseRecord | undefined = () => undefined
): Promise<string | undefined> {
  releaseRecordRoom(stateDir) // the room kept since before the agent started: the record's now
  const secrets = [...config.secrets, ...workspaceGitSecrets(config.workspace)]
  for (const s of secrets) core.setSecret(s)
  const settings = config.artifact
  const redactor = new Redactor(secrets)
  // Without outputs.json the main step never finished (killed, cancelled hard).
  const outputs = readHostJson<Record<string, string>>(path.join(stateDir, 'outputs.json')) ?? { conclusion: 'error', 'transcript-dir': stateDir }
  const conclusion = outputs['conclusion'] ?? 'error'

  // main's figures, or (main did not get that far) the model proxy's log alone
  const figures = readFigures(stateDir) ?? crossCheck(undefined, await readModelLog(path.join(stateDir, 'model.jsonl')))
  const collected = await collectRecords(stateDir, redactor, { conclusion, figures, phases: phases() }, core.warning)
  if (collected.skipped.length) {
    const list = collected.skipped
      .slice(0, 10)
      .map(s => `${s.source}: ${s.reason}`)
      .join('; ')
    core.warning(`Not in the artifact (${collected.skipped.length}): ${list}${collected.skipped.length > 10 ? '; …' : ''} (see ${SESSIONS_INDEX})`)
  }
  let artifactUrl: string | undefined
  if (shouldUpload(settings.when, conclusion)) {
    const started = Date.now()
    const artifact = await uploadArtifact(collected.files, collected.dir, settings)
    if (artifact) {
      core.info(`Transcripts uploaded as artifact '${settings.name}' (id ${artifact.id}, ${artifact.size} bytes, ${Date.now() - started} ms)`)
      core.setOutput('artifact-id', String(artifact.id))
      core.setOutput('artifact-url', artifact.url)
      artifactUrl = artifact.url
    }
  } else {
    core.info(`Transcripts not uploaded (upload-transcripts: ${settings.when}, conclusion: ${conclusion}); kept in ${collected.dir}`)
  }

  if (settings.jobSummary) {
    if (!process.env['GITHUB_STEP_SUMMARY']) {
      core.info('No job summary: GITHUB_STEP_SUMMARY is not set (a local run?)')
      return artifactUrl
    }
    const egress = jsonLines(path.join(collected.dir, 'egress.jsonl'))
    const git = jsonLines(path.join(collected.dir, 'git.jsonl'))
    const workspace = jsonLines(path.join(collected.dir, WORKSPACE_CHANGES_RECORD))
    const markdown = renderSummary({
      outputs,
      figures,
      model: collected.model,
      blockedEgress: egress.filter(e => e['decision'] === 'blocked').length,
      pushedRefs: [...new Set(git.filter(g => g['decision'] === 'pushed').map(g => String(g['ref'] ?? '')))],
      refusedPushes: git
        .filter(g => g['service'] === 'receive-pack' && g['decision'] === 'blocked' && g['reason'] !== REFUSED_WITH_ANOTHER)
        .map(g => ({ ref: String(g['ref'] ?? '(whole push)'), reason: String(g['reason'] ?? '') })),
      refusedChanges: foldUnder(
        workspace
          .filter(w => w['verdict'] === 'refused')
          .map(w => ({ path: String(w['path'] ?? ''), change: String(w['change'] ?? ''), reason: String(w['reason'] ?? '') }))
      ).map(({ item, under }) => (under.length ? { ...item, reason: `${item.reason} (and ${pathsUnder(under.length)})` } : item)),
      github: jsonLines(path.join(collected.dir, 'github.jsonl'))
        .filter(g => g['decision'] !== 'answered' && g['decision'] !== 'queued') // the reads and queued writes: in the report
        .map(g => ({
          tool: String(g['tool'] ?? ''),
          decision: String(g['decision'] ?? ''),
          target: String(g['target'] ?? ''),
          detail: String(g['url'] ?? g['reason'] ?? '')
        })),
      acceptedChanges: workspace.filter(w => w['verdict'] === 'applied' || w['verdict'] === 'patched').length,
      artifactUrl,
      transcriptDir: stateDir,
      phases: phases()
    })
    try {
      await core.summary.addRaw(redactor.redact(markdown)).write()
    } catch (err) {
      core.warning(`Could not write the job summary: ${errorMessage(err)}`)
    }
  }
  return artifactUrl
}
