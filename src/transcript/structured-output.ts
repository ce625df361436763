import vm from 'node:vm'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import * as ajvFormats from 'ajv-formats'
import { RegexDeadlineError, RegexWorker } from './regex-worker.js'
import type { ResultMessage } from './stream-parser.js'

/**
 * The `json-schema` input's check of claude's final answer, on the runner. The schema may come
 * from an untrusted pull request and the answer is the agent's: compiling and validating run
 * under a deadline, the schema's patterns in a worker thread the step waits on only until then
 * (a `pattern` that backtracks for ever, or that V8 takes minutes to compile, cannot hang the step), the answer
 * is size-capped before it is parsed, and nothing is ever assigned into it (no defaults, no
 * coercion), so a `__proto__` key stays a plain own property.
 */

/** The largest answer validated and set as `structured-output` (a job's outputs share 1 MB). */
export const MAX_STRUCTURED_OUTPUT = 256 * 1024
/** How long compiling the schema, or validating one answer, may take. */
export const VALIDATION_DEADLINE_MS = 5_000
/** Validation errors quoted in the conclusion's line. */
const ERRORS_SHOWN = 5

export type StructuredCheck = { ok: true; json: string } | { ok: false; reason: string }

/** Each compiled validator's worker, where its schema's patterns run. */
const regexWorkers = new WeakMap<ValidateFunction, RegexWorker>()

/** A JSON Schema validator, or a thrown Error saying why the schema cannot be used. */
export function compileSchema(schema: object, deadlineMs = VALIDATION_DEADLINE_MS): ValidateFunction {
  const dialect = String((schema as { $schema?: unknown }).$schema ?? '')
  const regex = new RegexWorker()
  // no remote $ref is ever fetched (no loadSchema); unknown keywords are annotations (strict: false)
  const options = { allErrors: true, strict: false, validateFormats: true, code: { regExp: regex.engine } }
  const ajv = /2020-12/.test(dialect) ? new Ajv2020(options) : /2019-09/.test(dialect) ? new Ajv2019(options) : new Ajv(options)
  const addFormats = (ajvFormats as unknown as { default: (a: Ajv) => void }).default
  addFormats(ajv)
  const validate = underDeadline(() => ajv.compile(schema), deadlineMs, 'compiling the schema')
  regexWorkers.set(validate, regex)
  return validate
}

/** Runs `fn` with a wall-clock limit that also interrupts a regular expression backtracking inside it. */
function underDeadline<T>(fn: () => T, deadlineMs: number, what: string): T {
  try {
    return vm.runInNewContext('fn()', { fn }, { timeout: deadlineMs }) as T
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' || err instanceof RegexDeadlineError)
      throw new Error(`${what} took over ${deadlineMs} ms`)
    if (err instanceof RangeError) throw new Error(`${what} overflowed the stack (the schema nests too deep)`)
    throw err
  }
}

/** ajv's errors as one line: `/path: message`, the first few. */
function describe(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).slice(0, ERRORS_SHOWN).map(e => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`.slice(0, 200))
  const more = (errors?.length ?? 0) - list.length
  return list.join('; ') + (more > 0 ? ` (and ${more} more)` : '')
}

/**
 * Checks claude's final answer against the schema: claude's own `structured_output` when its
 * result carries one (claude's --json-schema), else the result text parsed as JSON.
 * `json` is the answer re-serialised on one line: what the `structured-output` output holds.
 */
export function checkStructuredOutput(
  result: Pick<ResultMessage, 'result' | 'structuredOutput'> | undefined,
  validate: ValidateFunction,
  deadlineMs = VALIDATION_DEADLINE_MS
): StructuredCheck {
  if (!result) return { ok: false, reason: 'claude gave no final answer' }
  let text: string
  if (result.structuredOutput !== undefined) text = JSON.stringify(result.structuredOutput) ?? ''
  else text = result.result.trim()
  if (text.length > MAX_STRUCTURED_OUTPUT)
    return { ok: false, reason: `the final answer is ${text.length} characters, over the ${MAX_STRUCTURED_OUTPUT} that are checked` }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, reason: `the final answer is not JSON (it begins ${JSON.stringify(text.slice(0, 60))})` }
  }
  let valid: boolean
  try {
    const regex = regexWorkers.get(validate)
    const run = () => validate(value) === true
    valid = underDeadline(() => (regex ? regex.within(deadlineMs, run) : run()), deadlineMs, 'validating the answer')
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
  if (!valid) return { ok: false, reason: `the final answer does not match json-schema: ${describe(validate.errors)}` }
  return { ok: true, json: JSON.stringify(value) }
}
