/**
 * Folds claude's `--output-format stream-json` lines, one at a time, into what the
 * action reports. Nothing is buffered but the running totals.
 */

export type Conclusion = 'success' | 'failure' | 'max-turns' | 'timeout' | 'error'

export interface ResultMessage {
  subtype: string
  isError: boolean
  result: string
  numTurns: number
  costUsd: number
  inputTokens: number
  outputTokens: number
  durationMs: number
  sessionId: string
}

export interface ToolCall {
  name: string
  summary: string
}

type Json = Record<string, unknown>

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/** A one-line description of a tool call's input, for the log. */
export function summarizeToolInput(name: string, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : {}) as Json
  const pick = str(i['command']) || str(i['file_path']) || str(i['path']) || str(i['pattern']) || str(i['url']) || str(i['description']) || str(i['prompt'])
  const text = (pick || JSON.stringify(i)).replace(/\s+/g, ' ').trim()
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

export class StreamAccumulator {
  sessionId = ''
  lines = 0
  unparsable = 0
  toolCalls = new Map<string, number>()
  result: ResultMessage | undefined

  /** Feeds one line; returns the tool calls it contains (for the progress log). */
  push(line: string): ToolCall[] {
    if (line.trim() === '') return []
    this.lines++
    let msg: Json
    try {
      msg = JSON.parse(line) as Json
    } catch {
      this.unparsable++
      return []
    }
    if (!this.sessionId && typeof msg['session_id'] === 'string') this.sessionId = msg['session_id']
    if (msg['type'] === 'assistant') {
      const content = ((msg['message'] as Json | undefined)?.['content'] ?? []) as Json[]
      const calls: ToolCall[] = []
      for (const block of Array.isArray(content) ? content : []) {
        if (block['type'] !== 'tool_use') continue
        const name = str(block['name']) || 'tool'
        this.toolCalls.set(name, (this.toolCalls.get(name) ?? 0) + 1)
        calls.push({ name, summary: summarizeToolInput(name, block['input']) })
      }
      return calls
    }
    if (msg['type'] === 'result') {
      const usage = (msg['usage'] ?? {}) as Json
      this.result = {
        subtype: str(msg['subtype']),
        isError: msg['is_error'] === true,
        result: str(msg['result']),
        numTurns: num(msg['num_turns']),
        // claude sums floats (0.0007000000000000001): a millionth of a dollar is precision enough
        costUsd: Math.round(num(msg['total_cost_usd']) * 1e6) / 1e6,
        inputTokens: num(usage['input_tokens']) + num(usage['cache_creation_input_tokens']) + num(usage['cache_read_input_tokens']),
        outputTokens: num(usage['output_tokens']),
        durationMs: num(msg['duration_ms']),
        sessionId: str(msg['session_id']) || this.sessionId
      }
    }
    return []
  }
}

/** The run's conclusion from claude's result message (or its absence) and the deadline. */
export function conclude(result: ResultMessage | undefined, timedOut: boolean): Conclusion {
  if (timedOut) return 'timeout'
  if (!result) return 'error'
  if (result.subtype === 'success' && !result.isError) return 'success'
  if (result.subtype === 'error_max_turns') return 'max-turns'
  return 'failure'
}
