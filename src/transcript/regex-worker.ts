import { Worker } from 'node:worker_threads'

/**
 * ECMAScript regular expressions from an untrusted schema, run in a worker thread that the
 * caller waits on for at most the time it has left. In the caller's own thread nothing could
 * bound them: V8 compiles a pattern at its first match without ever checking for an interrupt
 * (a few KiB of `\P{L}…|…` alternatives take it tens of seconds on a two-byte string, and
 * vm's `timeout` only fires after that), and a backtracking match is only as bounded as the
 * interrupt checks inside it. Past the deadline the worker is terminated and left behind.
 */

/** A test of a pattern that did not end by the deadline. */
export class RegexDeadlineError extends Error {}

/** The worker: compiles each pattern once, answers each test through the shared cells (0: done flag, 1: result). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const cells = new Int32Array(workerData)
const compiled = new Map()
parentPort.on('message', ({ pattern, flags, subject }) => {
  let result
  try {
    let re = compiled.get(pattern)
    if (!re) compiled.set(pattern, (re = new RegExp(pattern, flags)))
    result = re.test(subject) ? 1 : 0
  } catch {
    result = 2
  }
  Atomics.store(cells, 1, result)
  Atomics.store(cells, 0, 1)
  Atomics.notify(cells, 0)
})
`

/** What ajv's `code.regExp` option takes (ajv's RegExpEngine: a function with a `code` name). */
export type RegexEngine = ((pattern: string, flags: string) => { test(s: string): boolean }) & { code: string }

export class RegexWorker {
  /** the worker and its cells: new ones after a deadline, so a terminated worker still compiling writes nowhere that is read */
  private running: { worker: Worker; cells: Int32Array } | undefined
  private deadline: number | undefined

  /** ajv's regular-expression engine: each pattern's syntax is checked here (parsing is linear), its tests run in the worker. */
  readonly engine: RegexEngine = Object.assign(
    (pattern: string, flags: string) => {
      const shape = new RegExp(pattern, flags) // never matched here: only to refuse a bad pattern at compile time
      return { test: (s: string) => this.test(pattern, flags, s), toString: () => shape.toString() }
    },
    { code: 'guardedRegExp' }
  )

  /** Runs `fn` with every test it makes bounded, together, by `deadlineMs` from now; then the worker is let go. */
  within<T>(deadlineMs: number, fn: () => T): T {
    this.deadline = Date.now() + deadlineMs
    try {
      return fn()
    } finally {
      this.deadline = undefined
      this.close()
    }
  }

  /** One test, answered by the worker before the deadline (`within`'s, else `defaultMs` from now), or a RegexDeadlineError. */
  test(pattern: string, flags: string, subject: string, defaultMs = 5_000): boolean {
    const deadline = this.deadline ?? Date.now() + defaultMs
    this.running ??= start()
    const { worker, cells } = this.running
    Atomics.store(cells, 0, 0)
    worker.postMessage({ pattern, flags, subject })
    const left = deadline - Date.now()
    if (left <= 0 || Atomics.wait(cells, 0, 0, left) === 'timed-out') {
      this.close()
      throw new RegexDeadlineError(`the pattern ${JSON.stringify(pattern.slice(0, 60))} did not finish in time`)
    }
    if (Atomics.load(cells, 1) === 2) throw new Error(`the pattern ${JSON.stringify(pattern.slice(0, 60))} could not be run`)
    return Atomics.load(cells, 1) === 1
  }

  /** Terminates the worker (it stops at V8's next interrupt check; unref'd, it holds nothing open meanwhile). */
  close(): void {
    void this.running?.worker.terminate().catch(() => undefined)
    this.running = undefined
  }
}

function start(): { worker: Worker; cells: Int32Array } {
  const cells = new Int32Array(new SharedArrayBuffer(8))
  const worker = new Worker(WORKER, { eval: true, workerData: cells.buffer, resourceLimits: { maxOldGenerationSizeMb: 128 } })
  worker.unref() // it never holds the process open
  worker.on('error', () => undefined) // a worker that dies (out of memory) leaves its test to the deadline
  return { worker, cells }
}
