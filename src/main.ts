import * as core from '@actions/core'
import { DEFAULT_GITHUB_API_URL } from './config/fields.js'
import { readTriggerEvent } from './trigger/event.js'
import { interpolatedPieces, readEventPayload } from './trigger/event-text.js'
import { writeEventFile } from './bottle/prepare/event-file.js'
import { takeBaseConfig } from './bottle/prepare/agent-config.js'
import { permissionApi } from './trigger/permission-api.js'
import { checkTrigger } from './trigger/trigger-check.js'
import type { ValidateFunction } from 'ajv'
import { defaultProbeDeps, selectBackend } from './backend/select.js'
import { SmolvmBackend } from './backend/smolvm/smolvm-backend.js'
import type { Backend } from './backend/types.js'
import { failureLine, stoppedRunLine } from './bottle/run/failure-line.js'
import { startHeartbeat } from './bottle/run/heartbeat.js'
import { type Bottle, launch } from './bottle/launch/launch.js'
import { outputsFrom, publishOutputs, runFigures, settleOutputs } from './bottle/collect/outputs.js'
import { stepWallMs, writePhases } from './transcript/phase-clock.js'
import type { Plan } from './bottle/prepare/plan.js'
import { prepare } from './bottle/prepare/prepare.js'
import { reserveRecordRoom } from './bottle/prepare/record-room.js'
import { provisionAll } from './bottle/provision/all.js'
import { type EarlyInstall, startEarlyInstall } from './bottle/provision/claude.js'
import { reapStale } from './bottle/teardown/reap.js'
import { claudeArgv, runClaude } from './bottle/run/run-claude.js'
import { RunLedger } from './bottle/run/run-ledger.js'
import { RunRecords } from './bottle/run/run-records.js'
import { structuredOutputArgs } from './bottle/run/structured-output.js'
import { undo } from './bottle/teardown/undo.js'
import { bringBack } from './bottle/collect/bring-back.js'
import { applyGitHubWrites } from './bottle/collect/github-writes.js'
import { mcpFlags } from './bottle/launch/mcp-config.js'
import { finishProgress, startProgress, watchProgress } from './bottle/run/progress.js'
import { githubGateSetup } from './githubgate/setup.js'
import { targetOf } from './githubgate/target.js'
import { provisionWorkspace, readWorkspace, type WorkspaceCopy, workspaceMounts, workspaceRoom } from './bottle/workspace/workspace-copy.js'
import { type Config, parseConfig } from './config/config.js'
import { readInputs, readRunnerEnv, runSecrets, secretValues } from './config/inputs.js'
import { isSetupOnly } from './config/setup-config.js'
import { smolvmInstaller } from './install/smolvm.js'
import { runSetup } from './setup.js'
import { checkStructuredOutput } from './transcript/structured-output.js'
import { startTelemetry } from './telemetry/run-telemetry.js'
import { telemetryFacts } from './bottle/collect/telemetry-facts.js'
import { errorMessage, InputError } from './util/errors.js'

/** How long claude gets to end its run on the proxy's 402 (it does at once) before it is stopped. */
export const BUDGET_GRACE_MS = 5_000

/**
 * The main step: inputs → backend → prepare → isolate the workspace → launch → provision → run
 * claude, then (whatever stage the run got to) teardown → outputs. The stages write what they
 * made in one ledger, which the teardown, the outputs and the signal handler read.
 */
export async function run(): Promise<void> {
  const raw = readInputs(name => core.getInput(name))
  const inputSecrets = secretValues(raw)
  for (const secret of inputSecrets) core.setSecret(secret)
  try {
    if (isSetupOnly(raw)) return await runSetup(raw)
  } catch (err) {
    return core.setFailed(errorMessage(err))
  }
  const known = runSecrets(raw, process.env)
  // the runner's own (cloud credentials, export headers) are masked too, not only the inputs'
  for (const secret of known) if (!inputSecrets.includes(secret)) core.setSecret(secret)
  const ledger = new RunLedger(known)
  const unwatch = ledger.cancellation.watch(
    () => ledger.stopClaude(),
    () => void undo(ledger.undoScope()).finally(() => process.exit(1))
  )
  try {
    const config = parseConfig(raw, readRunnerEnv(process.env))
    // with an endpoint set: the SDK loads once claude runs, the run is exported at the end
    ledger.telemetry = startTelemetry(config.telemetry, { provider: providerName(config), prompt: config.prompt })
    // the event's payload, read once: the trigger check, event-context, the base's agent config and the GitHub gate read it
    const payload = readEventPayload(process.env)
    if (!(await triggerAllowed(config, ledger, payload))) return
    // @actions/tool-cache reads these from the environment.
    process.env['RUNNER_TOOL_CACHE'] ||= config.runner.toolCache
    const backend = await resolveBackend(config, ledger)
    const endPrepare = ledger.clock.start('prepare')
    const { plan, records } = prepareRun(config, ledger, payload)
    // claude's cache lookup or download runs beside the image pull and the bottle's start
    const earlyClaude = startEarlyInstall(config, backend)
    const workspace = await readTheWorkspace(config, plan, known, ledger, payload)
    endPrepare()
    const bottle = await launchBottle(plan, backend, workspace, records, ledger)
    const claude = await provision(bottle, workspace, earlyClaude, records, ledger)
    await runAgent(bottle, claude, config, records, ledger)
    await bringBack(ledger)
  } catch (err) {
    core.setFailed(await stoppedRunLine(err, ledger.backend, process.env['RUNNER_TEMP'] ?? ''))
  } finally {
    await tearDown(ledger)
    await publish(ledger)
    unwatch()
  }
}

/**
 * Who triggered the run may start it (trigger/trigger-check.ts): checked before anything starts.
 * Refused: one line, conclusion `not-allowed`, the step failed or (on-not-allowed: skip) not.
 */
async function triggerAllowed(config: Config, ledger: RunLedger, payload: unknown): Promise<boolean> {
  const event = readTriggerEvent(process.env)
  const apiUrl = process.env['GITHUB_API_URL'] || DEFAULT_GITHUB_API_URL
  const verdict = await checkTrigger(event, config.trigger, permissionApi(apiUrl, event.repository, config.git.token))
  if (verdict.allowed) {
    if (verdict.checked.length) core.info(`trigger: ${event.name} by ${verdict.checked.join(', ')}: allowed`)
    checkPromptText(config, payload)
    return true
  }
  ledger.notAllowed = true
  if (config.trigger.onNotAllowed === 'fail') core.setFailed(`${verdict.line}. Nothing was started (on-not-allowed: skip ends such runs quietly)`)
  else core.notice(`${verdict.line}. Nothing was started (on-not-allowed: skip)`)
  return false
}

/** A `prompt` that holds the event's text word for word: a warning with the fix, or (event-text-in-prompt: refuse) an error. */
function checkPromptText(config: Config, payload: unknown): void {
  const pieces = interpolatedPieces(config.prompt, payload)
  if (!pieces.length) return
  const line = `prompt holds ${pieces.join(' and ')} word for word: text any GitHub user can write becomes the agent's instructions`
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the user wrote
  const fix = "Drop the ${{ github.event.* }} expression from 'prompt' and set 'event-context: true': claude then reads the event as data"
  if (config.trigger.eventTextInPrompt === 'refuse') throw new InputError('prompt', line, fix)
  core.warning(`${line}. ${fix}`)
}

/** The backend to run on; what killed runs left on it is removed beside this run's start. */
async function resolveBackend(config: Config, ledger: RunLedger): Promise<Backend> {
  const endResolve = ledger.clock.start('resolve backend')
  const selection = await selectBackend(config.backend, defaultProbeDeps(config, process.env), smolvmInstaller(config.smolvm))
  const backend = selection.backend
  if (backend instanceof SmolvmBackend) {
    backend.imageCacheBytes = config.smolvm.imageCacheBytes
    backend.imageFetch = { login: config.smolvm.registryLogin, ca: config.caCertificates, proxy: config.runner.proxy }
  }
  ledger.backend = backend
  Object.assign(ledger.teardown, backend.ref())
  // (it never touches a live run's resources)
  ledger.reaping = reapStale(backend)
  for (const reason of selection.reasons) core.info(`backend ${reason}`)
  endResolve()
  return backend
}

/** The run's plan and its state dir, and the watch over its records (a refused write stops claude). */
function prepareRun(config: Config, ledger: RunLedger, payload: unknown): { plan: Plan; records: RunRecords } {
  const plan = prepare(config)
  if (config.trigger.eventContext) plan.eventFile = writeEventFile(plan, process.env['GITHUB_EVENT_NAME'] ?? '', payload)
  if (!reserveRecordRoom(plan.stateDir)) core.warning(`RUNNER_TEMP has less than 64 MiB free: the run's record may not fit`)
  ledger.transcriptDir = plan.stateDir
  const records = new RunRecords(plan.stateDir, () => ledger.stopClaude())
  ledger.records = records
  ledger.teardown.slug = plan.slug
  ledger.teardown.stateDir = plan.stateDir
  ledger.saveTeardown()
  return { plan, records }
}

/** The runner's workspace as the bottle's copy will have it, and the redactor that knows the checkout's credentials. */
async function readTheWorkspace(config: Config, plan: Plan, known: string[], ledger: RunLedger, payload: unknown): Promise<WorkspaceCopy> {
  const workspace = await readWorkspace(config, known)
  await takeBaseConfig(config, plan, workspace.manifest, process.env, payload)
  const apiUrl = process.env['GITHUB_API_URL'] || DEFAULT_GITHUB_API_URL
  const github = githubGateSetup(config.github, targetOf(process.env['GITHUB_REPOSITORY'], payload), config.git.token, workspace.origin, apiUrl)
  if (github.setup) plan.github = github.setup
  else (github.warn ? core.warning : core.info)(github.line)
  ledger.redactor = workspace.redactor
  ledger.workspace = workspace
  core.info(`Bottle ${plan.slug}: state in ${plan.stateDir}, agent runs as uid ${plan.guestUser.uid} on its own copy of ${config.workspace}`)
  return workspace
}

/** The daemons and the bottle, each resource in the ledger as it appears. */
async function launchBottle(plan: Plan, backend: Backend, workspace: WorkspaceCopy, records: RunRecords, ledger: RunLedger): Promise<Bottle> {
  const { teardown, redactor, clock } = ledger
  const bottle = await launch(
    plan,
    backend,
    {
      onResource: (kind, name) => {
        if (kind === 'network') teardown.networkName = name
        else teardown.bottleName = name
        ledger.saveTeardown()
      },
      onUpstreamVerdict: v => {
        ledger.verdict = v
        // the host saw what claude would retry for minutes: stop it now, and say which input to fix.
        // Over budget, claude ends by itself on the 402 (its result line stays in the record); stop it if not.
        if (v.conclusion !== 'budget-exceeded') return ledger.stopClaude()
        core.info(`Spending cap reached: ${v.detail}`)
        setTimeout(() => ledger.stopClaude(), BUDGET_GRACE_MS).unref()
      },
      records,
      redactor,
      clock
    },
    workspaceRoom(workspace, plan.config),
    workspace.origin,
    workspaceMounts(workspace, plan.stateDir, backend.kind)
  )
  ledger.bottle = bottle
  await startProgress(bottle, ledger)
  return bottle
}

/** How claude runs: its argv, and the json-schema check of its answer (with `json-schema`). */
interface ClaudeRun {
  argv: string[]
  validate?: ValidateFunction
}

/** Provisions the guest and makes ready what claude's run needs; a cancellation or a refused record stops it first. */
async function provision(bottle: Bottle, workspace: WorkspaceCopy, earlyClaude: EarlyInstall, records: RunRecords, ledger: RunLedger): Promise<ClaudeRun> {
  const config = bottle.plan.config
  ledger.cancellation.throwIfCancelled()
  const endProvision = ledger.clock.start('provision')
  // the workspace copy goes in beside the rest (its origin at the gate, which listens by now)
  const [{ claude, promptFlags }] = await Promise.all([provisionAll(bottle, earlyClaude), provisionWorkspace(bottle, workspace, bottle.gateUrl, config)])
  ledger.cancellation.throwIfCancelled()
  records.throwIfFaulted()
  const schema = config.jsonSchema && (await structuredOutputArgs(bottle, claude.guestPath, config.jsonSchema))
  await bottle.exposed // the relay, which started beside the bottle and ran on while provisioning did
  endProvision()
  const flags = [...promptFlags, ...(schema?.flags ?? [])]
  return { argv: claudeArgv(claude.guestPath, bottle, flags, schema?.promptSuffix, mcpFlags(bottle.githubUrl)), validate: schema?.validate }
}

/** Runs claude (a heartbeat line while it does), checks its answer, and fails the step with the one line that says why, if it did not succeed. */
async function runAgent(bottle: Bottle, claude: ClaudeRun, config: Config, records: RunRecords, ledger: RunLedger): Promise<void> {
  const stopHeartbeat = startHeartbeat(
    () => bottle.daemons.modelProxy.usage(),
    line => core.info(line)
  )
  const stopProgress = watchProgress(bottle, ledger)
  void ledger.telemetry?.preload()
  const stop = () => {
    stopHeartbeat()
    stopProgress()
  }
  const outcome = await ledger.clock.time('claude', () => runClaude(bottle, claude.argv, ledger.control, ledger.redactor, records).finally(stop))
  ledger.outcome = outcome
  const r = outcome.result
  core.info(`claude ${outcome.conclusion}: ${r?.numTurns ?? 0} turns, $${r?.costUsd ?? 0} (claude's figure), ${r?.durationMs ?? 0} ms`)
  const cancelled = ledger.cancellation.requested
  if (claude.validate && outcome.conclusion === 'success' && !ledger.verdict && !cancelled) {
    ledger.structured = checkStructuredOutput(outcome.result, claude.validate)
  }
  const { verdict, structured, backend } = ledger
  const failed = await failureLine({ cancelled, verdict, recordFault: records.fault, outcome, structured, config, backend })
  ledger.failed = failed !== undefined
  if (failed) core.setFailed(failed)
}

/** The `provider` input as the run uses it. */
function providerName(config: Config): string {
  const kind = config.credential.kind
  return kind === 'bedrock' || kind === 'vertex' ? kind : 'anthropic'
}

/** Stops the daemons, removes the bottle and its network (undo, as main's final teardown). */
async function tearDown(ledger: RunLedger): Promise<void> {
  await ledger.reaping
  await ledger.bottle?.exposed.catch(() => undefined) // a relay still starting is then there to remove
  // a staging still under way stops at its next file, before undo removes the staging dir
  if (ledger.workspace?.stage) ledger.workspace.stage.usable = false
  await ledger.workspace?.staging?.catch(() => undefined)
  // and a pack of the bottle's objects still being made, before undo removes its dir
  await ledger.workspace?.repo?.catch(() => undefined)
  await ledger.clock.time('teardown', () => undo({ ...ledger.undoScope(), final: true }))
}

/** Sets the outputs (and outputs.json) from what the run got to, then writes the phase timings. */
async function publish(ledger: RunLedger): Promise<void> {
  const { outcome, transcriptDir, clock } = ledger
  const endCollect = clock.start('collect')
  const pushed = ledger.bottle?.daemons.gitGate?.pushed
  const outputs = outputsFrom(outcome, ledger.backend?.kind ?? '', transcriptDir, pushed, await runFigures(outcome, transcriptDir))
  const end = {
    cancelled: ledger.cancellation.requested,
    verdict: ledger.verdict,
    recordFault: ledger.records?.fault,
    structured: ledger.structured,
    door: ledger.door
  }
  const settled = settleOutputs(outputs, end, ledger.redactor)
  if (ledger.notAllowed) settled.conclusion = 'not-allowed'
  Object.assign(settled, await applyGitHubWrites(ledger, settled.conclusion))
  await finishProgress(ledger, settled)
  publishOutputs(settled, core.setOutput)
  endCollect()
  await ledger.telemetry?.send(telemetryFacts(ledger, settled, process.env), settled.result, transcriptDir, t => ledger.redactor.redact(t), process.env)
  if (transcriptDir) {
    try {
      writePhases(transcriptDir, { phases: clock.timings, steps: { main: stepWallMs() } })
    } catch (err) {
      core.warning(`Could not write the phase timings: ${errorMessage(err)}`)
    }
  }
}
