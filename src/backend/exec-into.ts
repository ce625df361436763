import type { Backend, ExecOptions } from './types.js'

/** How much of the command's stderr is kept (its first lines say why it failed; the rest is read and dropped). */
const STDERR_KEPT = 4096

/**
 * Runs argv in the guest and hands its stdout, chunk by chunk, to a reader of hostile data
 * (`push` throws on anything it refuses): the first refusal kills the command and is returned
 * as `broken`; nothing after it is read. The start of stderr comes back too.
 */
export async function execInto(
  backend: Backend,
  name: string,
  argv: readonly string[],
  opts: Omit<ExecOptions, 'input'>,
  push: (chunk: Buffer) => void
): Promise<{ code: number | null; broken?: string; stderr: string }> {
  let broken: string | undefined
  let stderr = ''
  const proc = backend.execRaw(
    name,
    argv,
    opts,
    chunk => {
      if (broken !== undefined) return
      try {
        push(chunk)
      } catch (err) {
        broken = err instanceof Error ? err.message : String(err)
        proc.kill('SIGKILL')
      }
    },
    chunk => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8', 0, STDERR_KEPT - stderr.length)
    }
  )
  const { code } = await proc.exited
  return { code, broken, stderr }
}
