import type { StreamLine } from './stream-line.js'

/** One tool call as the host saw it in claude's stream: when its call and its result arrived. */
export interface ToolTime {
  /** claude's tool_use id (the agent's text: capped, and only ever an attribute after redaction) */
  id: string
  name: string
  startMs: number
  endMs?: number
  error?: boolean
}

/** The most calls a run keeps times for (the trace's spans): a stream can name any number. */
export const MAX_TOOL_TIMES = 2_000
/** ids and names are kept long enough to be redacted whole (the trace cuts them after): a secret cut first would no longer match */
const MAX_TEXT = 4_096

/**
 * Tool calls timed by when their lines reached the host (claude writes each line as it happens):
 * a call starts with its tool_use block and ends with the tool_result that names its id. Only
 * names, ids and times are kept, never a call's input or output.
 */
export class ToolTimeline {
  readonly calls: ToolTime[] = []
  /** tool calls past MAX_TOOL_TIMES: not timed, only counted (the root span says how many) */
  dropped = 0
  private readonly open = new Map<string, ToolTime>()

  constructor(private readonly now: () => number = Date.now) {}

  push(line: StreamLine): void {
    if (line.type === 'assistant') {
      for (const b of line.blocks) {
        if (b.kind !== 'tool_use') continue
        if (this.calls.length >= MAX_TOOL_TIMES) {
          this.dropped++
          continue
        }
        const call: ToolTime = { id: b.id.slice(0, MAX_TEXT), name: (b.name || 'tool').slice(0, MAX_TEXT), startMs: this.now() }
        this.calls.push(call)
        if (call.id && !this.open.has(call.id)) this.open.set(call.id, call)
      }
    } else if (line.type === 'user') {
      for (const r of line.toolResults) {
        const call = this.open.get(r.id.slice(0, MAX_TEXT))
        if (!call) continue
        this.open.delete(call.id)
        call.endMs = this.now()
        call.error = r.error
      }
    }
  }
}
