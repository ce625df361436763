import path from 'node:path'
import * as core from '@actions/core'
import type { StreamedProcess } from '../../util/process.js'
import { StreamAccumulator, conclude, streamAnomalies, toolCallLine, type Conclusion, type ResultMessage } from '../../transcript/stream-parser.js'
import { Redactor } from '../../transcript/redact.js'
import type { ToolTime } from '../../transcript/tool-timeline.js'
import type { Bottle } from '../launch/launch.js'
import { RECORD_CAPS, RecordSink, type RecordWatch } from '../../transcript/record-sink.js'

export interface RunOutcome {
  conclusion: Conclusion
  result?: ResultMessage
  sessionId: string
  exitCode: number | null
  timedOut: boolean
  toolCalls: Map<string, number>
  /** each tool call's name and times, as its lines reached the host (the run's trace), and how many were not timed */
  toolTimes: { calls: ToolTime[]; dropped: number }
  /** wall-clock time of claude's run, as the host measured it */
  durationMs: number
  /** what was wrong with claude's stdout (forged or over-long lines), one line each */
  anomalies: string[]
  streamFile: string
  stderrFile: string
}

/**
 * claude's argv: the action's own flags first, then the user's extra args. `mcpFlags` go before
 * --dangerously-skip-permissions: --mcp-config takes several values, and a flag must end them.
 */
export function claudeArgv(binary: string, bottle: Pick<Bottle, 'plan'>, promptFlags: string[], promptSuffix = '', mcpFlags: string[] = []): string[] {
  const c = bottle.plan.config
  return [
    binary,
    '-p',
    c.prompt + promptSuffix,
    '--output-format',
    'stream-json',
    '--verbose',
    ...mcpFlags,
    '--dangerously-skip-permissions',
    ...promptFlags,
    ...(c.maxTurns !== undefined ? ['--max-turns', String(c.maxTurns)] : []),
    ...(c.model ? ['--model', c.model] : []),
    ...c.claudeArgs
  ]
}

/** Lets a cancellation reach the running claude (set by main's signal handler). */
export interface RunControl {
  current?: StreamedProcess
  /** tool calls seen in claude's stream so far (the progress comment reads it) */
  toolCalls?: number
}

/**
 * Runs claude in the bottle as the guest user, in the workspace. stdout is parsed line by
 * line as it streams and appended to stream.jsonl (the log's one line per tool call is
 * redacted); a line over the cap is dropped unread, with an error in the log. stderr goes to
 * stderr.log. A wall-clock deadline kills the run and concludes `timeout`.
 */
export async function runClaude(
  bottle: Bottle,
  argv: string[],
  control: RunControl = {},
  redactor = new Redactor(),
  records?: RecordWatch
): Promise<RunOutcome> {
  const { plan, backend } = bottle
  const streamFile = path.join(plan.stateDir, 'stream.jsonl')
  const stderrFile = path.join(plan.stateDir, 'stderr.log')
  const stream = new RecordSink(streamFile, RECORD_CAPS['stream.jsonl'], records)
  const stderr = new RecordSink(stderrFile, RECORD_CAPS['stderr.log'], records)
  const acc = new StreamAccumulator()
  const started = Date.now()

  const proc = backend.execStream(
    bottle.name,
    argv,
    // timeoutMs: a backstop for backends that enforce it themselves (smolvm exec --timeout → 124);
    // the deadline below fires first and concludes 'timeout'.
    { user: plan.guestUser, workdir: plan.config.workspace, timeoutMs: plan.config.timeoutMinutes * 60_000 + 30_000 },
    (line, overlong) => {
      if (overlong) return acc.pushOverlong(overlong) // reported with the other anomalies below
      stream.write(`${line}\n`)
      for (const call of acc.push(line)) {
        control.toolCalls = (control.toolCalls ?? 0) + 1
        core.info(toolCallLine(call, t => redactor.redact(t)))
      }
    },
    chunk => stderr.write(chunk)
  )
  control.current = proc
  let timedOut = false
  const deadline = setTimeout(() => {
    timedOut = true
    core.info(`claude did not finish within timeout-minutes (${plan.config.timeoutMinutes}): stopping it`)
    // Killing the exec client alone leaves claude running in the guest: stop the bottle's processes too.
    void backend.exec(bottle.name, ['sh', '-c', 'kill -TERM -1 2>/dev/null; sleep 2; kill -KILL -1 2>/dev/null'], { user: plan.guestUser, timeoutMs: 10_000 })
    proc.kill('SIGTERM')
    setTimeout(() => proc.kill('SIGKILL'), 5000).unref()
  }, plan.config.timeoutMinutes * 60_000)

  let exitCode: number | null = null
  try {
    exitCode = (await proc.exited).code
  } finally {
    clearTimeout(deadline)
    control.current = undefined
    await Promise.all([stream.end(), stderr.end()])
  }
  const anomalies = streamAnomalies(acc, exitCode)
  for (const note of anomalies) core.error(note)
  const conclusion = conclude(acc.result, timedOut, exitCode)
  return {
    conclusion,
    // a success line concluded 'error' (claude did not exit 0) was not claude's: it reports nothing
    result: conclusion === 'error' ? undefined : acc.result,
    sessionId: acc.result?.sessionId || acc.sessionId,
    exitCode,
    timedOut,
    toolCalls: acc.toolCalls,
    toolTimes: { calls: acc.timeline.calls, dropped: acc.timeline.dropped },
    durationMs: Date.now() - started,
    anomalies,
    streamFile,
    stderrFile
  }
}
