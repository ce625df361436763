import fs from 'node:fs'
import readline from 'node:readline'

/** One thing shown in the report, in order. */
export type ReportEvent =
  | { k: 'text'; turn: number; text: string }
  | { k: 'tool'; turn: number; id: string; name: string; input: string }
  | { k: 'result'; id: string; output: string; error: boolean }
  | { k: 'usage'; turn: number; input: number; output: number }
  | { k: 'final'; subtype: string; error: boolean; text: string; turns: number; cost: number; durationMs: number; input: number; output: number; claude: boolean }

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
  for await (const line of lines) {
    let msg: Json
    try {
      msg = JSON.parse(line) as Json
    } catch {
      continue
    }
    if (msg['type'] === 'system' && msg['subtype'] === 'init') {
      model.sessionId = String(msg['session_id'] ?? '')
      model.model = String(msg['model'] ?? '')
    } else if (msg['type'] === 'assistant') {
      const m = (msg['message'] ?? {}) as Json
      turn++
      resultIsClaudes = true
      for (const e of finalsSoFar.splice(0)) e.claude = false
      for (const block of (Array.isArray(m['content']) ? m['content'] : []) as Json[]) {
        if (block['type'] === 'text') {
          const text = clip(String(block['text'] ?? ''))
          add({ k: 'text', turn, text }, text.length)
        }
        if (block['type'] === 'tool_use') {
          const input = clip(JSON.stringify(block['input'] ?? {}, null, 2))
          add({ k: 'tool', turn, id: String(block['id'] ?? ''), name: String(block['name'] ?? ''), input }, input.length)
        }
      }
      const u = (m['usage'] ?? {}) as Json
      add({ k: 'usage', turn, input: Number(u['input_tokens'] ?? 0), output: Number(u['output_tokens'] ?? 0) }, 0)
    } else if (msg['type'] === 'user') {
      const m = (msg['message'] ?? {}) as Json
      for (const block of (Array.isArray(m['content']) ? m['content'] : []) as Json[]) {
        if (block['type'] === 'tool_result') {
          const output = clip(asText(block['content']))
          add({ k: 'result', id: String(block['tool_use_id'] ?? ''), output, error: block['is_error'] === true }, output.length)
        }
      }
    } else if (msg['type'] === 'result') {
      const u = (msg['usage'] ?? {}) as Json
      const final: Extract<ReportEvent, { k: 'final' }> = {
        k: 'final',
        subtype: String(msg['subtype'] ?? ''),
        error: msg['is_error'] === true,
        text: clip(String(msg['result'] ?? '')),
        turns: Number(msg['num_turns'] ?? 0),
        cost: Number(msg['total_cost_usd'] ?? 0),
        durationMs: Number(msg['duration_ms'] ?? 0),
        input: Number(u['input_tokens'] ?? 0),
        output: Number(u['output_tokens'] ?? 0),
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
