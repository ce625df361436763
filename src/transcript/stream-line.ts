/**
 * One line of claude's `--output-format stream-json`, read into the few shapes the action
 * uses. The run's accumulator (stream-parser.ts) and the report (report-model.ts) both read
 * lines through here, so they cannot disagree on what a line says. Every field is checked for
 * its type: the agent can write into claude's stdout, so any line may be forged.
 */
import { tokenCounts, type TokenCounts } from './tokens.js'

export type AssistantBlock = { kind: 'text'; text: string } | { kind: 'tool_use'; id: string; name: string; input: unknown }

export interface ToolResultBlock {
  id: string
  content: unknown
  error: boolean
}

/** claude's closing `result` line, as written (claude's or forged: the readers decide). */
export interface ResultLine {
  subtype: string
  isError: boolean
  result: string
  numTurns: number
  /** total_cost_usd to a millionth of a dollar (claude sums floats: 0.0007000000000000001) */
  costUsd: number
  tokens: TokenCounts
  durationMs: number
  sessionId: string
  structuredOutput?: unknown
}

export type StreamLine =
  | { type: 'blank' }
  | { type: 'unparsable' }
  | { type: 'init'; sessionId: string; model: string }
  | { type: 'assistant'; sessionId: string; blocks: AssistantBlock[]; tokens: TokenCounts }
  | { type: 'user'; sessionId: string; toolResults: ToolResultBlock[] }
  | { type: 'result'; sessionId: string; result: ResultLine }
  | { type: 'other'; sessionId: string }

type Json = Record<string, unknown>

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
export const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})
const blocksOf = (message: unknown): Json[] => {
  const content = obj(message)['content']
  return Array.isArray(content) ? content.map(obj) : []
}

export function parseStreamLine(line: string): StreamLine {
  if (line.trim() === '') return { type: 'blank' }
  let msg: Json
  try {
    const parsed: unknown = JSON.parse(line)
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { type: 'unparsable' }
    msg = parsed as Json
  } catch {
    return { type: 'unparsable' }
  }
  const sessionId = str(msg['session_id'])
  switch (msg['type']) {
    case 'system':
      return msg['subtype'] === 'init' ? { type: 'init', sessionId, model: str(msg['model']) } : { type: 'other', sessionId }
    case 'assistant': {
      const blocks: AssistantBlock[] = []
      for (const b of blocksOf(msg['message'])) {
        if (b['type'] === 'text') blocks.push({ kind: 'text', text: str(b['text']) })
        else if (b['type'] === 'tool_use') blocks.push({ kind: 'tool_use', id: str(b['id']), name: str(b['name']), input: b['input'] })
      }
      return { type: 'assistant', sessionId, blocks, tokens: tokenCounts(obj(msg['message'])['usage']) }
    }
    case 'user': {
      const toolResults = blocksOf(msg['message'])
        .filter(b => b['type'] === 'tool_result')
        .map(b => ({ id: str(b['tool_use_id']), content: b['content'], error: b['is_error'] === true }))
      return { type: 'user', sessionId, toolResults }
    }
    case 'result':
      return {
        type: 'result',
        sessionId,
        result: {
          subtype: str(msg['subtype']),
          isError: msg['is_error'] === true,
          result: str(msg['result']),
          numTurns: num(msg['num_turns']),
          costUsd: Math.round(num(msg['total_cost_usd']) * 1e6) / 1e6,
          tokens: tokenCounts(msg['usage']),
          durationMs: num(msg['duration_ms']),
          sessionId,
          ...(msg['structured_output'] !== undefined ? { structuredOutput: msg['structured_output'] } : {})
        }
      }
    default:
      return { type: 'other', sessionId }
  }
}
