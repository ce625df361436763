import * as core from '@actions/core'
import type { ValidateFunction } from 'ajv'
import type { JsonSchemaInput } from '../../config/json-schema.js'
import { compileSchema } from '../../transcript/structured-output.js'
import type { Bottle } from '../launch/launch.js'

export interface StructuredOutputArgs {
  /** `--json-schema <schema>` when the provisioned claude has the flag */
  flags: string[]
  /** without the flag: the schema, told to the agent at the end of the prompt */
  promptSuffix: string
  validate: ValidateFunction
}

/**
 * How claude is asked for an answer matching `json-schema`: claude's own --json-schema (it adds
 * a StructuredOutput tool whose input the model must fill, and reports it as
 * `structured_output`) where the provisioned version lists it in `--help`, else the schema in
 * the prompt. The answer is validated on the runner either way.
 */
export async function structuredOutputArgs(
  bottle: Pick<Bottle, 'backend' | 'name' | 'plan'>,
  binary: string,
  schema: JsonSchemaInput
): Promise<StructuredOutputArgs> {
  const help = await bottle.backend.exec(bottle.name, [binary, '--help'], { user: bottle.plan.guestUser, timeoutMs: 60_000 })
  const validate = compileSchema(schema.schema)
  if (help.code === 0 && /^\s*--json-schema\b/m.test(help.stdout)) return { flags: ['--json-schema', schema.text], promptSuffix: '', validate }
  core.warning(
    `This claude version (${bottle.plan.config.claudeVersion}) has no --json-schema flag: ` +
      'the schema is given in the prompt, and the answer is checked on the runner'
  )
  return {
    flags: [],
    promptSuffix: `\n\nEnd with a final answer that is only a JSON value (no prose, no code fence) matching this JSON Schema:\n${schema.text}`,
    validate
  }
}
