import fs from 'node:fs'
import path from 'node:path'
import type { BackendKind } from '../backend/types.js'
import type { RunOutcome } from './run-claude.js'

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
}

export function outputsFrom(outcome: RunOutcome | undefined, backend: BackendKind | '', transcriptDir: string, pushedRefs: string[] = []): Outputs {
  const r = outcome?.result
  return {
    conclusion: outcome?.conclusion ?? 'error',
    result: r?.result ?? '',
    'session-id': outcome?.sessionId ?? '',
    'num-turns': String(r?.numTurns ?? 0),
    'cost-usd': String(r?.costUsd ?? 0),
    'input-tokens': String(r?.inputTokens ?? 0),
    'output-tokens': String(r?.outputTokens ?? 0),
    'duration-ms': String(r?.durationMs ?? 0),
    backend,
    'transcript-dir': transcriptDir,
    'pushed-refs': [...new Set(pushedRefs)].join('\n')
  }
}

/** Sets every output and keeps a copy as outputs.json beside the transcript. */
export function publishOutputs(outputs: Outputs, setOutput: (name: string, value: string) => void): void {
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value)
  if (outputs['transcript-dir'] && fs.existsSync(outputs['transcript-dir'])) {
    fs.writeFileSync(path.join(outputs['transcript-dir'], 'outputs.json'), JSON.stringify(outputs, null, 2) + '\n', { mode: 0o600 })
  }
}
