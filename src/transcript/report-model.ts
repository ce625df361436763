import fs from 'node:fs'
import readline from 'node:readline'
import { parseStreamLine } from './stream-line.js'

/** One thing shown in the report, in order. */
export type ReportEvent =
  | { k: 'text'; turn: number; text: string }
  | { k: 'tool'; turn: number; id: string; name: string; input: string }
  | { k: 'result'; id: string; output: string; error: boolean }
  /** input counts cache writes and reads (transcript/tokens.ts), as every figure does */
  | { k: 'usage'; turn: number; input: number; output: number }
  | {
      k: 'final'
      subtype: string
      error: boolean
      text: string
      turns: number
      cost: number
      durationMs: number
      input: number
      output: number
      claude: boolean
    }

export interface ReportModel {
  sessionId: string
  model: string
  events: ReportEvent[]
  /** events left out once the report's budget was spent (stream.jsonl has them) */
  dropped: number
}

/** What the report holds of the conversation at most (characters, each event counted with EVENT_OVERHEAD): memory and page stay bounded. */
export const REPORT_TEXT_BUDGET = 32 * 1024 * 1024
const EVENT_OVERHEAD = 64
const MAX_FINALS = 100

type Json = Record<string, unknown>
const MAX_FIELD = 100_000 // one tool output larger than this is cut in the report (the artifact has it whole)

function clip(s: string): string {
  return s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}\n… (${s.length - MAX_FIELD} more characters in stream.jsonl)` : s
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map(b => (b && typeof b === 'object' && 'text' in b ? String((b as Json)['text']) : JSON.stringify(b))).join('\n')
  return JSON.stringify(v, null, 2) ?? ''
}

/** Reads claude's stream-json line by line into what the report shows. */
export async function readReportModel(streamFile: string, budget = REPORT_TEXT_BUDGET): Promise<ReportModel> {
  const model: ReportModel = { sessionId: '', model: '', events: [], dropped: 0 }
  let spent = 0
  let finals = 0
  /** adds a text-bearing event while the budget lasts */
  const add = (e: ReportEvent, size: number) => {
    if (spent + size + EVENT_OVERHEAD > budget) return void model.dropped++
    spent += size + EVENT_OVERHEAD
    model.events.push(e)
  }
  if (!fs.existsSync(streamFile)) return model
  let turn = 0
  // claude's result is the first after its last message (see stream-parser): others are marked
  let resultIsClaudes = true
  const finalsSoFar: Extract<ReportEvent, { k: 'final' }>[] = []
  const lines = readline.createInterface({ input: fs.createReadStream(streamFile, 'utf8'), crlfDelay: Infinity })
  for await (const text of lines) {
    const line = parseStreamLine(text)
    if (line.type === 'init') {
      model.sessionId = line.sessionId
      model.model = line.model
    } else if (line.type === 'assistant') {
      turn++
      resultIsClaudes = true
      for (const e of finalsSoFar.splice(0)) e.claude = false
      for (const block of line.blocks) {
        if (block.kind === 'text') {
          const text = clip(block.text)
          add({ k: 'text', turn, text }, text.length)
        } else {
          const input = clip(JSON.stringify(block.input ?? {}, null, 2))
          add({ k: 'tool', turn, id: block.id, name: block.name, input }, input.length)
        }
      }
      add({ k: 'usage', turn, input: line.tokens.input, output: line.tokens.output }, 0)
    } else if (line.type === 'user') {
      for (const r of line.toolResults) {
        const output = clip(asText(r.content))
        add({ k: 'result', id: r.id, output, error: r.error }, output.length)
      }
    } else if (line.type === 'result') {
      const r = line.result
      const final: Extract<ReportEvent, { k: 'final' }> = {
        k: 'final',
        subtype: r.subtype,
        error: r.isError,
        text: clip(r.result),
        turns: r.numTurns,
        cost: r.costUsd,
        durationMs: r.durationMs,
        input: r.tokens.input,
        output: r.tokens.output,
        claude: resultIsClaudes
      }
      // claude prints one; more are forged (see stream-parser): kept, marked, up to a bound
      if (++finals > MAX_FINALS) {
        model.dropped++
        continue
      }
      model.events.push(final)
      finalsSoFar.push(final)
      resultIsClaudes = false
    }
  }
  return model
}
