import type net from 'node:net'
import { PassThrough } from 'node:stream'
import type { RunResult, StreamedProcess } from '../../util/process.js'
import type { ExecOptions } from '../types.js'
import { execCreateBody } from './api-bodies.js'
import { EngineApiError, type EngineClient } from './engine-client.js'
import { readFramesUntilClosed } from './stream-frames.js'

/** How long the engine may take to record an exec's exit code after its stream closed. */
const EXIT_CODE_WAIT_MS = 2_000

/**
 * Runs argv in a running container over the engine API (exec create, then exec start on an
 * upgraded connection carrying the multiplexed stream), as `docker exec [-i]` does. stdin, when
 * given, is sent and then the connection's write side is closed: the engine then closes the
 * process's stdin. kill() drops the connection (as killing the CLI client does); the process in
 * the container is not signalled, so callers stop it themselves (run-claude does, then teardown).
 * An engine error or lost engine is written to onStderr and ends the exec with code 1 (the
 * engine answered, as the CLI exits 1) or null (it did not), never a rejection.
 */
export function engineExec(
  client: EngineClient,
  container: string,
  argv: readonly string[],
  opts: ExecOptions,
  onStdout: (chunk: Buffer) => void,
  onStderr: (chunk: Buffer) => void
): StreamedProcess {
  let socket: net.Socket | undefined
  let killed: NodeJS.Signals | null = null
  // A stream is taken up now, not once the connection is up: a child's stdout nobody reads
  // is drained and dropped by node when the child exits (tar often exits first).
  const input = opts.input === undefined || typeof opts.input === 'string' || Buffer.isBuffer(opts.input) ? opts.input : opts.input.pipe(new PassThrough())
  const run = async (): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    const created = await client.call<{ Id: string }>('exec', 'POST', `/containers/${encodeURIComponent(container)}/exec`, { body: execCreateBody(argv, opts) })
    const id = created.body.Id
    const hijacked = await client.hijack('exec', `/exec/${encodeURIComponent(id)}/start`, { Detach: false, Tty: false })
    socket = hijacked.socket
    if (killed) {
      socket.destroy()
      return { code: null, signal: killed }
    }
    const closed = readFramesUntilClosed(hijacked, onStdout, onStderr)
    feed(socket, input)
    await closed
    if (killed) return { code: null, signal: killed }
    return { code: await exitCode(client, id), signal: null }
  }
  // a kill (or the timeout) ends the exec at once, also while the engine has not answered yet
  let ended: (signal: NodeJS.Signals) => void = () => undefined
  const stopped = new Promise<{ code: null; signal: NodeJS.Signals }>(resolve => {
    ended = signal => resolve({ code: null, signal })
  })
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    killed ??= signal
    socket?.destroy()
    ended(killed)
  }
  const timer = opts.timeoutMs ? setTimeout(() => kill('SIGKILL'), opts.timeoutMs) : undefined
  const finished = run().catch((err: unknown) => {
    onStderr(Buffer.from(`${(err as Error).message}\n`))
    return { code: err instanceof EngineApiError ? 1 : null, signal: killed }
  })
  const exited = Promise.race([finished, stopped]).finally(() => clearTimeout(timer))
  return { exited, pid: undefined, kill }
}

/**
 * What engineExecCollect keeps of each stream. Its commands print little, but run in a guest
 * whose processes can write into them (the deadline's kill runs beside the agent's processes):
 * unbounded, that output would fill the runner's memory, or overflow a string and crash.
 */
export const COLLECT_CAP_BYTES = 16 * 1024 * 1024

/** engineExec run to its end, its output collected up to COLLECT_CAP_BYTES a stream (short commands: provisioning, probes). */
export async function engineExecCollect(client: EngineClient, container: string, argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
  const out = capped()
  const err = capped()
  const { code } = await engineExec(client, container, argv, opts, out.push, err.push).exited
  return { code, stdout: out.text(), stderr: err.text() }
}

/** Chunks kept up to COLLECT_CAP_BYTES; the rest dropped. */
function capped(): { push: (chunk: Buffer) => void; text: () => string } {
  const parts: Buffer[] = []
  let kept = 0
  return {
    push: chunk => {
      const room = COLLECT_CAP_BYTES - kept
      if (room <= 0) return
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk
      parts.push(part)
      kept += part.length
    },
    text: () => Buffer.concat(parts).toString('utf8')
  }
}

function feed(socket: net.Socket, input: ExecOptions['input']): void {
  if (input === undefined) return // no stdin attached: nothing to close
  if (typeof input === 'string' || Buffer.isBuffer(input)) socket.end(input)
  else input.pipe(socket) // ends the write side when the input ends
}

/** The exit code the engine recorded; it can lag the stream's close by a moment. */
async function exitCode(client: EngineClient, id: string): Promise<number | null> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS
  for (;;) {
    const r = await client.call<{ Running?: boolean; ExitCode?: number | null }>('exec inspect', 'GET', `/exec/${encodeURIComponent(id)}/json`)
    if (!r.body.Running && typeof r.body.ExitCode === 'number') return r.body.ExitCode
    if (Date.now() > deadline) return null
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
