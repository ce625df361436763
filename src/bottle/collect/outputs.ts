import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { BackendKind } from '../../backend/types.js'
import { RUN_CONCLUSIONS } from '../../config/github-gate-policy.js'
import { refNameProblem } from '../../gitgate/ref-name.js'
import { crossCheck, FIGURES_FILE, type RunFigures } from '../../transcript/figures.js'
import { readModelLog } from '../../transcript/model-log.js'
import { MAX_STRUCTURED_OUTPUT } from '../../transcript/structured-output.js'
import type { RunOutcome } from '../run/run-claude.js'
import { writeRecordFile } from '../../transcript/record-sink.js'
import type { Redactor } from '../../transcript/redact.js'
import type { RunEnd } from '../run/failure-line.js'
import type { DoorOutcome } from '../../workspace-door/door.js'
import { WORKSPACE_PATCH_FILE } from '../../workspace-door/door.js'

/** The action's outputs, by their action.yml names. */
export interface Outputs {
  conclusion: string
  result: string
  'session-id': string
  'num-turns': string
  'cost-usd': string
  'input-tokens': string
  'output-tokens': string
  'duration-ms': string
  backend: string
  'transcript-dir': string
  /** refs the git gate pushed, one per line */
  'pushed-refs': string
  /** with `json-schema`: the final answer, validated, as one line of JSON */
  'structured-output': string
  /** the patch of the agent's accepted file changes, in the transcript dir */
  'workspace-patch': string
  /** what the runner posted for the agent's queued GitHub writes (GitHub's html URLs) */
  'review-url': string
  'comment-url': string
  'pull-request-url': string
}

/**
 * The run's figures from the model proxy's log on the host, cross-checked with claude's
 * stream: each difference is a warning in the log, and all of it goes to figures.json for the
 * report and job summary.
 */
export async function runFigures(outcome: RunOutcome | undefined, transcriptDir: string): Promise<RunFigures> {
  const host = transcriptDir ? await readModelLog(path.join(transcriptDir, 'model.jsonl')) : undefined
  const figures = crossCheck(outcome?.result, host, outcome?.anomalies)
  if (outcome && !host) core.info("No model proxy log (model.jsonl): turns and tokens are claude's own figures")
  for (const d of figures.discrepancies.slice(outcome?.anomalies.length ?? 0)) core.warning(d) // run-claude logged the stream's own
  if (transcriptDir && fs.existsSync(transcriptDir)) {
    writeRecordFile(path.join(transcriptDir, FIGURES_FILE), `${JSON.stringify(figures, null, 2)}\n`, core.warning)
  }
  return figures
}

/**
 * Outputs: turns, tokens and cost from the host's figures, duration as the host timed claude,
 * the conclusion from claude's result and exit code.
 */
export function outputsFrom(
  outcome: RunOutcome | undefined,
  backend: BackendKind | '',
  transcriptDir: string,
  pushedRefs: string[] = [],
  figures: RunFigures = crossCheck(outcome?.result, undefined)
): Outputs {
  const r = outcome?.result
  return {
    conclusion: outcome?.conclusion ?? 'error',
    result: r?.result ?? '',
    'session-id': outcome?.sessionId ?? '',
    'num-turns': String(figures.turns),
    'cost-usd': String(figures.costUsd),
    'input-tokens': String(figures.inputTokens),
    'output-tokens': String(figures.outputTokens),
    'duration-ms': String(outcome?.durationMs ?? 0),
    backend,
    'transcript-dir': transcriptDir,
    'pushed-refs': [...new Set(pushedRefs)].join('\n'),
    'structured-output': '',
    'workspace-patch': '',
    'review-url': '',
    'comment-url': '',
    'pull-request-url': ''
  }
}

/**
 * The outputs as the run ended: the checked answer in structured-output, and the conclusion by
 * failureLine's precedence (an answer off the schema < a record not kept < the upstream's verdict
 * < a cancellation); then every secret the agent echoed is taken out of what travels on.
 */
export function settleOutputs(outputs: Outputs, end: Omit<RunEnd, 'outcome' | 'config' | 'backend'> & { door?: DoorOutcome }, redactor: Redactor): Outputs {
  const settled = { ...outputs }
  const { structured, door } = end
  if (door?.patchFile) settled['workspace-patch'] = door.patchFile
  if (door?.refused && door.mode === 'apply' && settled.conclusion === 'success') settled.conclusion = 'refused-changes'
  if (structured?.ok) settled['structured-output'] = structured.json
  else if (structured) settled.conclusion = 'invalid-output'
  if (end.recordFault) settled.conclusion = 'error' // whatever claude said: its run was not recorded whole
  if (end.verdict) settled.conclusion = end.verdict.conclusion
  if (end.cancelled) settled.conclusion = 'cancelled'
  settled.result = redactor.redact(settled.result)
  settled['structured-output'] = redactor.redact(settled['structured-output']) // (no longer JSON then: vetOutputs empties it)
  return settled
}

// every conclusion a run can end with, and the one of a run refused before it started
const CONCLUSIONS = new Set<string>([...RUN_CONCLUSIONS, 'not-allowed'])
const BACKENDS = new Set(['docker', 'smolvm', ''])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const WEB_URL = /^https?:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9._~/#-]{0,1000}$/
const DECIMAL = /^\d{1,15}(\.\d{1,12})?$/

/**
 * Outputs a workflow may interpolate hold only their fixed vocabularies: anything else (a
 * forged session id, a cost that is not a number) becomes empty or 0. `result` stays verbatim:
 * it is the agent's text, documented as such (pass it through `env:`, never `${{ }}` in `run:`).
 */
export function vetOutputs(o: Outputs, warn: (message: string) => void = core.warning): Outputs {
  const vetted = { ...o }
  const keep = (name: keyof Outputs, ok: boolean, fallback: string) => {
    if (ok) return
    warn(`Output '${name}': not set (its value is not of the expected form)`)
    vetted[name] = fallback
  }
  keep('conclusion', CONCLUSIONS.has(o.conclusion), 'error')
  keep('backend', BACKENDS.has(o.backend), '')
  keep('session-id', o['session-id'] === '' || UUID.test(o['session-id']), '')
  for (const n of ['num-turns', 'cost-usd', 'input-tokens', 'output-tokens', 'duration-ms'] as const) keep(n, DECIMAL.test(o[n]), '0')
  // the names the gate itself would let through (git's check-ref-format and a conservative charset)
  const refs = o['pushed-refs'].split('\n').filter(Boolean)
  const safe = refs.filter(r => refNameProblem(r) === undefined)
  keep('pushed-refs', safe.length === refs.length, safe.join('\n'))
  keep('structured-output', o['structured-output'] === '' || isOneLineJson(o['structured-output']), '')
  // GitHub's answers, but a URL a later step may open: http(s), one line, no spaces
  for (const n of ['review-url', 'comment-url', 'pull-request-url'] as const) keep(n, o[n] === '' || WEB_URL.test(o[n]), '')
  keep('workspace-patch', o['workspace-patch'] === '' || o['workspace-patch'] === path.join(o['transcript-dir'], WORKSPACE_PATCH_FILE), '')
  return vetted
}

/** JSON as checkStructuredOutput sets it: one line, exactly what JSON.stringify makes of its value, within the cap. */
function isOneLineJson(text: string): boolean {
  if (text.length > MAX_STRUCTURED_OUTPUT) return false
  try {
    return JSON.stringify(JSON.parse(text)) === text
  } catch {
    return false
  }
}

/** Sets every output and keeps a copy as outputs.json beside the transcript. */
export function publishOutputs(unvetted: Outputs, setOutput: (name: string, value: string) => void): void {
  const outputs = vetOutputs(unvetted)
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value)
  if (outputs['transcript-dir'] && fs.existsSync(outputs['transcript-dir'])) {
    writeRecordFile(path.join(outputs['transcript-dir'], 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`, core.warning)
  }
}
