import type { RunResult } from '../../util/process.js'
import { EngineApiError, type EngineClient } from './engine-client.js'
import { readFramesUntilClosed } from './stream-frames.js'

/**
 * `docker run --rm` of a throwaway container over the engine API: create (with AutoRemove), attach
 * to its output before it starts (so nothing it prints is missed, whatever the engine's log
 * driver), wait for its removal, start, read to the end, take the exit code from the wait. A
 * deadline kills it (exit null); it is removed then too.
 */
export async function runToEnd(engine: EngineClient, body: unknown, timeoutMs: number): Promise<RunResult> {
  const created = await engine.call<{ Id: string }>('run', 'POST', '/containers/create', { body })
  const id = encodeURIComponent(created.body.Id)
  const out: Buffer[] = []
  const err: Buffer[] = []
  try {
    const hijacked = await engine.hijack('run', `/containers/${id}/attach?stream=1&stdout=1&stderr=1`, {})
    const { socket } = hijacked
    const closed = readFramesUntilClosed(
      hijacked,
      c => out.push(c),
      c => err.push(c)
    )
    // asked before the start, as the CLI does for --rm: the engine answers once it has removed it
    const exit = engine.call<{ StatusCode: number }>('run', 'POST', `/containers/${id}/wait`, { query: { condition: 'removed' } })
    exit.catch(() => undefined) // awaited below unless the deadline ends it first
    await engine.call('run', 'POST', `/containers/${id}/start`)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      socket.destroy()
    }, timeoutMs)
    await closed
    clearTimeout(timer)
    const code = timedOut ? null : (await exit).body.StatusCode
    return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
  } catch (e) {
    if (e instanceof EngineApiError) return { code: 125, stdout: '', stderr: e.message } // the CLI's exit for a daemon error
    throw e
  } finally {
    await engine.call('rm', 'DELETE', `/containers/${id}`, { query: { force: true }, expect: [404] }).catch(() => undefined)
  }
}
