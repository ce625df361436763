import type { Backend, ExecOptions } from './types.js'

/**
 * Runs argv in the guest and hands its stdout, chunk by chunk, to a reader of hostile data
 * (`push` throws on anything it refuses): the first refusal kills the command and is returned
 * as `broken`; nothing after it is read.
 */
export async function execInto(
  backend: Backend,
  name: string,
  argv: readonly string[],
  opts: Omit<ExecOptions, 'input'>,
  push: (chunk: Buffer) => void
): Promise<{ code: number | null; broken?: string }> {
  let broken: string | undefined
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
    () => undefined
  )
  const { code } = await proc.exited
  return { code, broken }
}
