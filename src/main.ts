import path from 'node:path'
import * as core from '@actions/core'
import { defaultProbeDeps, selectBackend } from './backend/select.js'
import { smolvmInstaller } from './install/smolvm.js'
import type { Backend } from './backend/types.js'
import { parseConfig } from './config/config.js'
import type { UpstreamVerdict } from './proxy/upstream-health.js'
import { readInputs, readRunnerEnv, runnerCloudSecrets, secretValues } from './config/inputs.js'
import { launch, type Bottle } from './bottle/launch.js'
import { outputsFrom, publishOutputs, runFigures } from './bottle/outputs.js'
import { prepare } from './bottle/prepare.js'
import { provisionClaude, startEarlyInstall } from './bottle/provision/claude.js'
import { provisionPrompt } from './bottle/provision/prompt.js'
import { provisionSkills } from './bottle/provision/skills.js'
import { provisionCa } from './bottle/provision/ca.js'
import { claudeArgv, runClaude, type RunControl, type RunOutcome } from './bottle/run-claude.js'
import { undo } from './bottle/undo.js'
import { startHeartbeat } from './bottle/heartbeat.js'
import { reapStale } from './bottle/reap.js'
import { encodeTeardownState, TEARDOWN_STATE_KEY, type TeardownState } from './bottle/teardown-state.js'
import { Redactor } from './transcript/redact.js'
import { isolateWorkspace, routeOriginThroughTheGate } from './bottle/isolate-workspace.js'
import { isSetupOnly } from './config/setup-config.js'
import { runSetup } from './setup.js'
import { errorMessage } from './util/errors.js'
import { failureLine } from './bottle/failure-line.js'
import { diskFullBeforeRunLine, RunRecords } from './bottle/run-records.js'
import { isDiskFault } from './transcript/record-sink.js'
import { engineLostLine } from './bottle/engine-health.js'
import { structuredOutputArgs } from './bottle/structured-output.js'
import { checkStructuredOutput, type StructuredCheck } from './transcript/structured-output.js'
import { PhaseClock, stepWallMs, writePhases } from './bottle/phase-clock.js'

/** How long claude gets to end its run on the proxy's 402 (it does at once) before it is stopped. */
export const BUDGET_GRACE_MS = 5_000

/** The main step: inputs → Config → prepare → launch → provision → run claude → outputs → teardown. */
export async function run(): Promise<void> {
  const raw = readInputs(name => core.getInput(name))
  for (const secret of secretValues(raw)) core.setSecret(secret)
  try {
    if (isSetupOnly(raw)) return await runSetup(raw)
  } catch (err) {
    return core.setFailed(errorMessage(err))
  }
  const clock = new PhaseClock(line => core.info(line))
  const known = [...secretValues(raw), ...runnerCloudSecrets(process.env)]
  let redactor = new Redactor(known)

  let backend: Backend | undefined
  let bottle: Bottle | undefined
  let outcome: RunOutcome | undefined
  let transcriptDir = ''
  let records: RunRecords | undefined
  let reaping: Promise<unknown> = Promise.resolve()
  const teardown: TeardownState = { backend: 'docker' }
  const control: RunControl = {}
  const saveTeardown = () => core.saveState(TEARDOWN_STATE_KEY, encodeTeardownState(teardown))

  // Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later. Stop claude at once so
  // the normal path below tears down; on the second signal tear down directly and exit.
  let signals = 0
  let verdict: UpstreamVerdict | undefined
  let structured: StructuredCheck | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    signals++
    core.warning(`Received ${signal}: stopping claude and tearing the bottle down`)
    control.current?.kill('SIGTERM')
    if (signals > 1) void undo({ state: teardown, save: saveTeardown, backend, bottle }).finally(() => process.exit(1))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    const config = parseConfig(raw, readRunnerEnv(process.env))
    // @actions/tool-cache reads these from the environment.
    process.env['RUNNER_TOOL_CACHE'] ||= config.runner.toolCache
    const endResolve = clock.start('resolve backend')
    const selection = await selectBackend(config.backend, defaultProbeDeps(config), smolvmInstaller(config.smolvm))
    backend = selection.backend
    Object.assign(teardown, backend.ref())
    // what killed runs left is removed beside this run's start (it never touches a live run's resources)
    reaping = reapStale(backend)
    for (const reason of selection.reasons) core.info(`backend ${reason}`)
    endResolve()

    const endPrepare = clock.start('prepare')
    const plan = prepare(config)
    transcriptDir = plan.stateDir
    records = new RunRecords(plan.stateDir, () => control.current?.kill('SIGTERM'))
    teardown.slug = plan.slug
    teardown.stateDir = plan.stateDir
    saveTeardown()
    // claude's cache lookup or download runs beside the image pull and the bottle's start
    const earlyClaude = startEarlyInstall(config, backend)
    const isolated = await isolateWorkspace(config, plan, known, guard => {
      teardown.gitGuard = guard
      saveTeardown()
    })
    redactor = isolated.redactor
    core.info(`Bottle ${plan.slug}: state in ${plan.stateDir}, agent runs as uid ${plan.guestUser.uid}`)

    endPrepare()
    bottle = await launch(
      plan,
      backend,
      {
        onResource: (kind, name) => {
          if (kind === 'network') teardown.networkName = name
          else teardown.bottleName = name
          saveTeardown()
        },
        onUpstreamVerdict: v => {
          verdict = v
          // the host saw what claude would retry for minutes: stop it now, and say which input to fix.
          // Over budget, claude ends by itself on the 402 (its result line stays in the record); stop it if not.
          if (v.conclusion !== 'budget-exceeded') return void control.current?.kill('SIGTERM')
          core.info(`Spending cap reached: ${v.detail}`)
          setTimeout(() => control.current?.kill('SIGTERM'), BUDGET_GRACE_MS).unref()
        },
        records,
        redactor,
        clock
      },
      isolated.origin
    )
    await routeOriginThroughTheGate(isolated, bottle.gitGate)
    if (signals > 0) throw new Error('the run was cancelled before claude started')
    const endProvision = clock.start('provision')
    // The provisioning steps touch different paths in the guest: run them side by side.
    const [promptFlags, , claude] = await Promise.all([
      provisionPrompt(bottle),
      provisionSkills(bottle),
      provisionClaude(bottle, earlyClaude),
      provisionCa(bottle)
    ])
    if (signals > 0) throw new Error('the run was cancelled before claude started')
    if (records.fault) throw Object.assign(new Error(`${path.basename(records.fault.file)}: ${records.fault.message}`), { code: records.fault.code })

    const schema = config.jsonSchema && (await structuredOutputArgs(bottle, claude.guestPath, config.jsonSchema))
    await bottle.exposed // the relay, which started beside the bottle and ran on while provisioning did
    endProvision()
    const stopHeartbeat = startHeartbeat(
      () => bottle!.modelProxy.usage(),
      line => core.info(line)
    )
    const live = bottle
    outcome = await clock.time('claude', () =>
      runClaude(live, claudeArgv(claude.guestPath, live, [...promptFlags, ...(schema?.flags ?? [])], schema?.promptSuffix), control, redactor, records).finally(
        stopHeartbeat
      )
    )
    const r = outcome.result
    core.info(`claude ${outcome.conclusion}: ${r?.numTurns ?? 0} turns, $${r?.costUsd ?? 0} (claude's figure), ${r?.durationMs ?? 0} ms`)
    if (schema && outcome.conclusion === 'success' && !verdict && signals === 0) structured = checkStructuredOutput(outcome.result, schema.validate)
    const failed = await failureLine({ cancelled: signals > 0, verdict, recordFault: records.fault, outcome, structured, config, backend })
    if (failed) core.setFailed(failed)
  } catch (err) {
    // the cause a user can act on, not its symptom: a full disk, an engine that went away
    const runnerTemp = process.env['RUNNER_TEMP'] ?? ''
    if (isDiskFault(err)) core.setFailed(diskFullBeforeRunLine(err, runnerTemp))
    else core.setFailed((await engineLostLine(backend)) ?? errorMessage(err))
  } finally {
    await reaping
    await bottle?.exposed.catch(() => undefined) // a relay still starting is then there to remove
    await clock.time('teardown', () => undo({ state: teardown, save: saveTeardown, backend, bottle, final: true }))
    const endCollect = clock.start('collect')
    const outputs = outputsFrom(outcome, backend?.kind ?? '', transcriptDir, bottle?.gitGate?.gate.pushed, await runFigures(outcome, transcriptDir))
    // the same precedence as failureLine's: an answer off the schema < a record not kept < the upstream's verdict < a cancellation
    if (structured?.ok) outputs['structured-output'] = structured.json
    else if (structured) outputs.conclusion = 'invalid-output'
    if (records?.fault) outputs.conclusion = 'error' // whatever claude said: its run was not recorded whole
    if (verdict) outputs.conclusion = verdict.conclusion
    if (signals > 0) outputs.conclusion = 'cancelled'
    outputs.result = redactor.redact(outputs.result) // a secret the agent echoed does not travel on in outputs
    outputs['structured-output'] = redactor.redact(outputs['structured-output']) // (no longer JSON then: vetOutputs empties it)
    publishOutputs(outputs, core.setOutput)
    endCollect()
    if (transcriptDir) {
      try {
        writePhases(transcriptDir, { phases: clock.timings, steps: { main: stepWallMs() } })
      } catch (err) {
        core.warning(`Could not write the phase timings: ${errorMessage(err)}`)
      }
    }
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
