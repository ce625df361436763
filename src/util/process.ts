import { spawn } from 'node:child_process'
import { CommandError } from './errors.js'
import { lineSplitterFor, type OverlongLine } from './line-splitter.js'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string | Buffer | NodeJS.ReadableStream
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

/** Runs a short command to completion and captures its output. Never throws for a non-zero exit. */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', e => {
      if (timer) clearTimeout(timer)
      reject(e)
    })
    child.on('close', code => {
      if (timer) clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })
    })
    child.stdin.on('error', () => undefined) // the child may exit before reading all input
    if (opts.input === undefined) child.stdin.end()
    else if (typeof opts.input === 'string' || Buffer.isBuffer(opts.input)) child.stdin.end(opts.input)
    else opts.input.pipe(child.stdin)
  })
}

/** Like runCommand, but a non-zero exit throws a CommandError with the command's stderr. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions & { fix?: string } = {}): Promise<string> {
  const r = await runCommand(cmd, args, opts)
  if (r.code !== 0) throw new CommandError(`${cmd} ${args.slice(0, 2).join(' ')}`, r.code, r.stderr, opts.fix)
  return r.stdout
}

export interface StreamedProcess {
  /** Resolves with the exit code (null when killed by a signal) once stdout is drained. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Kills the whole process group. */
  kill(signal?: NodeJS.Signals): void
  pid: number | undefined
}

/**
 * Spawns a command in its own process group and hands its stdout to `onStdout` chunk by chunk
 * as it arrives (binary streams such as tar: never collected), stderr to `onStderr`; `input`,
 * when given, is its stdin.
 */
export function spawnChunks(
  cmd: string,
  args: readonly string[],
  onStdout: (chunk: Buffer) => void,
  onStderr: (chunk: Buffer) => void,
  env: NodeJS.ProcessEnv = process.env,
  input?: string | Buffer | NodeJS.ReadableStream,
  onDrained: () => void = () => undefined
): StreamedProcess {
  const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true, env })
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined) // a command that exits before reading all of it
    if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input)
    else input.pipe(child.stdin)
  }
  const { stdout, stderr } = child as typeof child & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream }
  stdout.on('data', onStdout)
  stderr.on('data', onStderr)
  const drained = new Promise<void>(resolve =>
    stdout.once('close', () => {
      onDrained()
      resolve()
    })
  )
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      void drained.then(() => resolve({ code, signal }))
    })
  })
  return {
    exited,
    pid: child.pid,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.pid === undefined || child.exitCode !== null) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        child.kill(signal)
      }
    }
  }
}

/**
 * Spawns a long-running command in its own process group and hands each stdout line
 * to `onLine` as it arrives (never buffering the whole output, nor a whole over-long line:
 * those reach `onLine` as `overlong`, with an empty line), and stderr chunks to `onStderr`.
 */
export function spawnLines(
  cmd: string,
  args: readonly string[],
  onLine: (line: string, overlong?: OverlongLine) => void,
  onStderr: (chunk: Buffer) => void,
  env: NodeJS.ProcessEnv = process.env
): StreamedProcess {
  const lines = lineSplitterFor(onLine)
  return spawnChunks(
    cmd,
    args,
    chunk => lines.push(chunk),
    onStderr,
    env,
    undefined,
    () => lines.end()
  )
}
