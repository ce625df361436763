import { InputError } from '../util/errors.js'
import { compileSchema } from '../transcript/structured-output.js'
import { readCheckoutFile } from './checkout-path.js'

/** The `json-schema` input: the schema's text (passed to claude) and the parsed schema (validated on the runner). */
export interface JsonSchemaInput {
  text: string
  schema: object
}

/** Passed to claude as one argv word: well under Linux's 128 KiB limit on a single argument. */
export const MAX_JSON_SCHEMA = 64 * 1024

/**
 * Parses `json-schema`: inline JSON (it starts with `{`) or a file path, relative to the
 * workspace, that must not link out of it (an untrusted pull request can bring the file).
 * The schema is compiled here, so a bad one fails the step before anything starts.
 */
export function parseJsonSchema(value: string, workspace: string): JsonSchemaInput | undefined {
  if (value.trim() === '') return undefined
  const inline = value.trim().startsWith('{')
  const text = (inline ? value : readCheckoutFile('json-schema', value.trim(), workspace)).trim()
  if (text.length > MAX_JSON_SCHEMA)
    throw new InputError('json-schema', `the schema is ${text.length} characters, over ${MAX_JSON_SCHEMA}`, 'Give a smaller schema')
  let schema: unknown
  try {
    schema = JSON.parse(text)
  } catch (err) {
    throw new InputError(
      'json-schema',
      `${inline ? 'the inline schema' : `'${value.trim()}'`} is not JSON (${(err as Error).message.slice(0, 120)})`,
      'Give a JSON Schema object, inline or as a path to a .json file in the workspace'
    )
  }
  if (!schema || typeof schema !== 'object' || Array.isArray(schema))
    throw new InputError('json-schema', 'the schema is not a JSON object', 'Give a JSON Schema object such as {"type":"object","properties":{…}}')
  try {
    compileSchema(schema)
  } catch (err) {
    throw new InputError(
      'json-schema',
      `not a usable JSON Schema (${(err as Error).message.slice(0, 200)})`,
      'Check it against draft-07, 2019-09 or 2020-12 (remote $refs are not fetched)'
    )
  }
  return { text: JSON.stringify(schema), schema }
}
