/**
 * Folds claude's `--output-format stream-json` lines, one at a time, into what the
 * action reports. Nothing is buffered but the running totals.
 *
 * The agent runs as claude's uid and can write into claude's stdout: any line may be forged.
 * claude writes one result line, right after its last message; so the result used is the first
 * one after the last assistant message (a line forged during a tool call is followed by more
 * messages; one forged after claude's is second), and every extra result line is counted, so
 * the run can say its stream was written to. Figures that decide anything come from the host
 * (transcript/model-log.ts), and success needs claude's exit code too (`conclude`).
 */
import type { OverlongLine } from '../util/line-splitter.js'
import { parseStreamLine, str } from './stream-line.js'
import { ToolTimeline } from './tool-timeline.js'

export type Conclusion = 'success' | 'failure' | 'max-turns' | 'timeout' | 'error'

export interface ResultMessage {
  subtype: string
  isError: boolean
  result: string
  numTurns: number
  costUsd: number
  /** input + cache writes + cache reads (transcript/tokens.ts) */
  inputTokens: number
  outputTokens: number
  durationMs: number
  sessionId: string
  /** claude's `structured_output` (with --json-schema): the agent's, checked on the runner before use */
  structuredOutput?: unknown
}

export interface ToolCall {
  name: string
  /** the agent's input, whole: redacted before anything of it is cut for the log (toolCallLine) */
  input: unknown
}

type Json = Record<string, unknown>

/**
 * A one-line description of a tool call's input, for the log: redacted whole first, then its
 * whitespace folded and the line cut (a secret cut or folded first would no longer match its
 * value or shape, and its start would show).
 */
export function summarizeToolInput(_name: string, input: unknown, redact: (text: string) => string = t => t): string {
  const i = (input && typeof input === 'object' ? input : {}) as Json
  const pick = str(i['command']) || str(i['file_path']) || str(i['path']) || str(i['pattern']) || str(i['url']) || str(i['description']) || str(i['prompt'])
  const text = redact(pick || JSON.stringify(i))
    .replace(/\s+/g, ' ')
    .trim()
  if (text.length <= 120) return text
  const head = text.slice(0, 117)
  // a marker cut in half would read like the start of a secret: it goes whole
  const open = head.lastIndexOf('[')
  const tail = head.slice(open)
  const halfMarker = open >= 0 && (MARKER.startsWith(tail) || (tail.startsWith(MARKER) && /^[a-z0-9-]*$/.test(tail.slice(MARKER.length))))
  return `${halfMarker ? head.slice(0, open) : head}...`
}
const MARKER = '[REDACTED:'

/** The log's line for a tool call: `▸ <tool>: <input>`, redacted before it is cut. */
export function toolCallLine(call: ToolCall, redact: (text: string) => string): string {
  return redact(`▸ ${call.name}: ${summarizeToolInput(call.name, call.input, redact)}`)
}

export class StreamAccumulator {
  sessionId = ''
  lines = 0
  unparsable = 0
  toolCalls = new Map<string, number>()
  /** the first result line after the last assistant message: claude's, unless forged around it */
  result: ResultMessage | undefined
  /** every result line seen: claude writes exactly one */
  resultLines = 0
  /** when each tool call and its result reached the host (the run's trace) */
  readonly timeline: ToolTimeline
  /** lines over the cap, dropped unread: how many, the longest, the cap */
  overlong = { lines: 0, largest: 0, maxBytes: 0 }

  constructor(now: () => number = Date.now) {
    this.timeline = new ToolTimeline(now)
  }

  /** Notes a line dropped for its length. */
  pushOverlong(line: OverlongLine): void {
    this.lines++
    this.overlong = { lines: this.overlong.lines + 1, largest: Math.max(this.overlong.largest, line.bytes), maxBytes: line.maxBytes }
  }

  /** Feeds one line; returns the tool calls it contains (for the progress log). */
  push(text: string): ToolCall[] {
    const line = parseStreamLine(text)
    if (line.type === 'blank') return []
    this.lines++
    if (line.type === 'unparsable') {
      this.unparsable++
      return []
    }
    if (!this.sessionId && line.sessionId) this.sessionId = line.sessionId
    this.timeline.push(line)
    if (line.type === 'assistant') {
      this.result = undefined // a result before claude's last message was not claude's
      const calls: ToolCall[] = []
      for (const block of line.blocks) {
        if (block.kind !== 'tool_use') continue
        const name = block.name || 'tool'
        this.toolCalls.set(name, (this.toolCalls.get(name) ?? 0) + 1)
        calls.push({ name, input: block.input })
      }
      return calls
    }
    if (line.type === 'result') {
      this.resultLines++
      if (this.result) return [] // claude's came first; this one was written after it
      const { tokens, ...r } = line.result
      this.result = { ...r, inputTokens: tokens.input, outputTokens: tokens.output, sessionId: r.sessionId || this.sessionId }
    }
    return []
  }
}

/**
 * The run's conclusion from claude's result message (or its absence), its exit code and the
 * deadline. A success result needs exit code 0 as well: a success line on the stream of a
 * claude that was killed or failed was not written by claude.
 */
export function conclude(result: ResultMessage | undefined, timedOut: boolean, exitCode: number | null): Conclusion {
  if (timedOut) return 'timeout'
  if (!result) return 'error'
  if (result.subtype === 'success' && !result.isError) return exitCode === 0 ? 'success' : 'error'
  if (result.subtype === 'error_max_turns') return 'max-turns'
  return 'failure'
}

/** What is wrong with the stream itself, one line each, for the log and the report. */
export function streamAnomalies(acc: StreamAccumulator, exitCode: number | null): string[] {
  const notes: string[] = []
  if (acc.resultLines > 1) {
    notes.push(
      `claude's stdout carried ${acc.resultLines} result lines, but claude writes one: ` +
        "something in the bottle wrote to claude's stdout (the first result after claude's last message is used)"
    )
  }
  const { lines, largest, maxBytes } = acc.overlong
  if (lines) notes.push(`claude's stdout carried ${lines} line(s) over the ${maxBytes} byte cap (largest ${largest} bytes): dropped, not recorded`)
  if (acc.result && acc.result.subtype === 'success' && !acc.result.isError && exitCode !== 0) {
    notes.push(`claude exited ${exitCode ?? 'on a signal'}, yet its stdout carried a success result: that line was not claude's`)
  }
  return notes
}
