/** json-schema: the input, and the check of claude's final answer on the runner (hostile answer, possibly hostile schema). */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { vetOutputs, type Outputs } from '../../src/bottle/collect/outputs.js'
import { parseClaudeArgs } from '../../src/config/claude-args.js'
import { parseConfig } from '../../src/config/config.js'
import { readInputs, type RawInputs } from '../../src/config/inputs.js'
import { parseJsonSchema } from '../../src/config/json-schema.js'
import { checkStructuredOutput, compileSchema, MAX_STRUCTURED_OUTPUT } from '../../src/transcript/structured-output.js'
import { StreamAccumulator } from '../../src/transcript/stream-parser.js'
import { structuredOutputArgs } from '../../src/bottle/run/structured-output.js'
import { claudeArgv } from '../../src/bottle/run/run-claude.js'

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-schema-'))
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-schema-outside-'))
const VERDICT = {
  type: 'object',
  properties: { verdict: { enum: ['approve', 'reject'] }, reasons: { type: 'array', items: { type: 'string' } } },
  required: ['verdict'],
  additionalProperties: false
}
fs.writeFileSync(path.join(ws, 'verdict.json'), JSON.stringify(VERDICT, null, 2))
fs.writeFileSync(path.join(outside, 'secret.json'), '{"type":"object"}')
fs.symlinkSync(path.join(outside, 'secret.json'), path.join(ws, 'link.json'))
afterAll(() => [ws, outside].forEach(d => fs.rmSync(d, { recursive: true, force: true })))

const raw = (over: Partial<RawInputs>): RawInputs => ({ ...readInputs(() => ''), prompt: 'review', 'anthropic-api-key': 'sk-ant-key-123', ...over })
const config = (over: Partial<RawInputs>) => parseConfig(raw(over), { workspace: ws, runnerTemp: '/tmp/rt' })
const errorOf = (over: Partial<RawInputs>) => {
  try {
    config(over)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected an error')
}
const answer = (result: string, structuredOutput?: unknown) => ({ result, ...(structuredOutput === undefined ? {} : { structuredOutput }) })

describe('json-schema, max-cost-usd and max-tokens inputs', () => {
  it('takes inline JSON or a workspace file, compacted to one line for claude', () => {
    expect(config({ 'json-schema': JSON.stringify(VERDICT, null, 2) }).jsonSchema?.text).toBe(JSON.stringify(VERDICT))
    expect(config({ 'json-schema': 'verdict.json' }).jsonSchema).toEqual({ text: JSON.stringify(VERDICT), schema: VERDICT })
    expect(config({}).jsonSchema).toBeUndefined()
    expect(config({ 'max-cost-usd': '2.50', 'max-tokens': '3000000' }).budget).toEqual({ maxCostUsd: 2.5, maxTokens: 3_000_000 })
    expect(config({}).budget).toEqual({ maxCostUsd: undefined, maxTokens: undefined })
  })

  it('refuses a file that links out of the workspace (an untrusted PR can bring it), bad JSON, a bad schema, bad caps: one line naming the input', () => {
    expect(errorOf({ 'json-schema': 'link.json' })).toMatch(/^Input 'json-schema': 'link\.json' leads outside the workspace through a link/)
    expect(errorOf({ 'json-schema': '{"type": ' })).toMatch(/^Input 'json-schema': the inline schema is not JSON/)
    expect(errorOf({ 'json-schema': '{"type": "nonsense"}' })).toMatch(/^Input 'json-schema': not a usable JSON Schema \(.*type/)
    expect(errorOf({ 'json-schema': '{"$ref": "https://example.invalid/s.json"}' })).toMatch(
      /^Input 'json-schema': not a usable JSON Schema \(can't resolve reference/
    )
    expect(errorOf({ 'json-schema': `{"description": "${'x'.repeat(70_000)}"}` })).toMatch(/^Input 'json-schema': the schema is \d+ characters, over 65536/)
    expect(errorOf({ 'max-cost-usd': 'five' })).toBe(
      "Input 'max-cost-usd': invalid value (got 'five'). Expected a positive amount of US dollars such as 5 or 0.50"
    )
    expect(errorOf({ 'max-cost-usd': '0' })).toMatch(/^Input 'max-cost-usd': invalid value \(got '0'\)/)
    expect(errorOf({ 'max-tokens': '1e6' })).toMatch(/^Input 'max-tokens': invalid value \(got '1e6'\)\. Expected a whole number of tokens/)
  })

  it('refuses --json-schema in claude-args (the input owns it, so the answer is checked)', () => {
    expect(() => parseClaudeArgs('--json-schema {}')).toThrow(/Input 'claude-args': '--json-schema' is set by the action/)
  })
})

describe('checkStructuredOutput', () => {
  const validate = compileSchema(VERDICT)

  it("takes claude's structured_output (its --json-schema) before the result text, and gives it as one line of JSON", () => {
    const acc = new StreamAccumulator()
    acc.push(
      JSON.stringify({ type: 'result', subtype: 'success', result: '{"verdict":"approve"}', structured_output: { verdict: 'reject', reasons: ['a\nb'] } })
    )
    expect(checkStructuredOutput(acc.result, validate)).toEqual({ ok: true, json: '{"verdict":"reject","reasons":["a\\nb"]}' })
    expect(checkStructuredOutput(answer(' \n{ "verdict": "approve" }\n'), validate)).toEqual({ ok: true, json: '{"verdict":"approve"}' })
  })

  it('says why an answer fails: not JSON, the first schema errors, none at all', () => {
    expect(checkStructuredOutput(answer('Looks good to me!'), validate)).toEqual({
      ok: false,
      reason: 'the final answer is not JSON (it begins "Looks good to me!")'
    })
    expect(checkStructuredOutput(answer('{"verdict":"maybe","extra":1}'), validate)).toEqual({
      ok: false,
      reason: 'the final answer does not match json-schema: /: must NOT have additional properties; /verdict: must be equal to one of the allowed values'
    })
    expect(checkStructuredOutput(undefined, validate)).toEqual({ ok: false, reason: 'claude gave no final answer' })
  })

  it('caps the answer before parsing it', () => {
    const big = JSON.stringify({ verdict: 'approve', reasons: ['x'.repeat(MAX_STRUCTURED_OUTPUT)] })
    expect(checkStructuredOutput(answer(big), validate)).toEqual({
      ok: false,
      reason: `the final answer is ${big.length} characters, over the ${MAX_STRUCTURED_OUTPUT} that are checked`
    })
  })

  it('a __proto__ key in the answer pollutes nothing and fails additionalProperties like any other key', () => {
    const r = checkStructuredOutput(answer('{"verdict":"approve","__proto__":{"polluted":true}}'), validate)
    expect(r).toEqual({ ok: false, reason: 'the final answer does not match json-schema: /: must NOT have additional properties' })
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    const open = compileSchema({ type: 'object' })
    expect(checkStructuredOutput(answer('{"__proto__":{"polluted":true}}'), open)).toEqual({ ok: true, json: '{"__proto__":{"polluted":true}}' })
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it("a schema's catastrophic pattern against a crafted answer is cut at the deadline, not left to hang the step", () => {
    const evil = compileSchema({ type: 'string', pattern: '^(a+)+$' })
    const started = Date.now()
    expect(checkStructuredOutput(answer(JSON.stringify(`${'a'.repeat(40)}!`)), evil, 300)).toEqual({
      ok: false,
      reason: 'validating the answer took over 300 ms'
    })
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it("a schema file's pattern that V8 takes seconds to compile (no interrupt reaches a compile) still ends at the deadline, with one reason", () => {
    // 600 alternatives of negated Unicode classes: compiling them for a two-byte string takes V8 seconds to minutes
    const slow = Array.from({ length: 600 }, (_, i) => `\\P{L}\\P{N}\\P{P}${i % 10}`).join('|')
    fs.writeFileSync(path.join(ws, 'slow.json'), JSON.stringify({ type: 'object', properties: { title: { type: 'string', pattern: slow } } }))
    const schema = parseJsonSchema('slow.json', ws)!
    const started = Date.now()
    const r = checkStructuredOutput(answer(JSON.stringify({ title: '\u1234'.repeat(50) })), compileSchema(schema.schema), 300)
    const ms = Date.now() - started
    expect(r).toEqual({ ok: false, reason: 'validating the answer took over 300 ms' })
    expect(ms).toBeLessThan(2000)
  })

  it("the schema's patterns (pattern, patternProperties) still judge the answer, each by its own expression; a bad one refuses the schema", () => {
    const v = compileSchema({
      type: 'object',
      properties: { id: { type: 'string', pattern: '^[a-z]+-\\d+$' }, tag: { type: 'string', pattern: '^\\p{Lu}' } },
      patternProperties: { '^x-': { type: 'number' } }
    })
    expect(checkStructuredOutput(answer('{"id":"bug-12","tag":"Élan","x-n":1}'), v)).toEqual({ ok: true, json: '{"id":"bug-12","tag":"Élan","x-n":1}' })
    expect(checkStructuredOutput(answer('{"id":"bug-12","tag":"élan","x-n":"one"}'), v)).toEqual({
      ok: false,
      reason: 'the final answer does not match json-schema: /tag: must match pattern "^\\p{Lu}"; /x-n: must be number'
    })
    expect(checkStructuredOutput(answer('{"id":"Bug-12"}'), v)).toMatchObject({ ok: false, reason: expect.stringContaining('/id: must match pattern') })
    expect(() => parseJsonSchema('{"type":"string","pattern":"(unclosed"}', ws)).toThrow(
      /^Input 'json-schema': not a usable JSON Schema \(.*Invalid regular expression/
    )
  })

  it('parseJsonSchema refuses a schema nested too deep to compile, with the input named', () => {
    const deep = `${'{"items":'.repeat(5000)}{}${'}'.repeat(5000)}`
    expect(() => parseJsonSchema(deep, ws)).toThrow(/^Input 'json-schema': /)
  })
})

describe('structured-output output', () => {
  const base = {
    conclusion: 'success',
    result: '',
    'session-id': '',
    'num-turns': '1',
    'cost-usd': '0',
    'input-tokens': '0',
    'output-tokens': '0',
    'duration-ms': '0',
    backend: 'docker',
    'transcript-dir': '',
    'pushed-refs': '',
    'workspace-patch': '',
    'review-url': '',
    'comment-url': '',
    'pull-request-url': ''
  } satisfies Omit<Outputs, 'structured-output'>
  it('is kept only as the one-line JSON the check made; budget-exceeded and invalid-output are conclusions', () => {
    const warned: string[] = []
    expect(vetOutputs({ ...base, 'structured-output': '{"verdict":"approve"}' }, w => warned.push(w))['structured-output']).toBe('{"verdict":"approve"}')
    expect(vetOutputs({ ...base, 'structured-output': '{"verdict":\n"approve"}' }, w => warned.push(w))['structured-output']).toBe('')
    expect(vetOutputs({ ...base, 'structured-output': '{"verdict":"[REDACTED:anthropic-key]' }, w => warned.push(w))['structured-output']).toBe('')
    expect(warned).toEqual([
      "Output 'structured-output': not set (its value is not of the expected form)",
      "Output 'structured-output': not set (its value is not of the expected form)"
    ])
    for (const c of ['budget-exceeded', 'invalid-output']) expect(vetOutputs({ ...base, conclusion: c, 'structured-output': '' }).conclusion).toBe(c)
  })
})

describe("claude's --json-schema flag", () => {
  const schema = { text: JSON.stringify(VERDICT), schema: VERDICT }
  const bottleWithHelp = (help: string) => {
    const calls: string[][] = []
    const backend = { exec: async (_name: string, argv: string[]) => (calls.push(argv), { code: 0, stdout: help, stderr: '' }) }
    const plan = { guestUser: { uid: 1001, gid: 1001 }, config: { claudeVersion: '2.0.1', prompt: 'review', claudeArgs: [] } }
    return { calls, bottle: { backend, name: 'b', plan } as unknown as Parameters<typeof structuredOutputArgs>[0] }
  }

  it('is passed when the provisioned claude lists it in --help (2.1.332 does)', async () => {
    const { calls, bottle } = bottleWithHelp(
      '  --input-format <format>   Input format\n  --json-schema <schema>                JSON Schema for structured output\n'
    )
    const args = await structuredOutputArgs(bottle, '/opt/claude', schema)
    expect(calls).toEqual([['/opt/claude', '--help']])
    expect(args.flags).toEqual(['--json-schema', JSON.stringify(VERDICT)])
    expect(claudeArgv('/opt/claude', bottle as never, args.flags, args.promptSuffix).slice(0, 3)).toEqual(['/opt/claude', '-p', 'review'])
  })

  it('without it, the schema goes into the prompt (warned), and the answer is still checked', async () => {
    const { bottle } = bottleWithHelp('  --model <model>  Model\n')
    const args = await structuredOutputArgs(bottle, '/opt/claude', schema)
    expect(args.flags).toEqual([])
    expect(claudeArgv('/opt/claude', bottle as never, args.flags, args.promptSuffix)[2]).toBe(
      `review\n\nEnd with a final answer that is only a JSON value (no prose, no code fence) matching this JSON Schema:\n${JSON.stringify(VERDICT)}`
    )
    expect(checkStructuredOutput(answer('{"verdict":"approve"}'), args.validate)).toEqual({ ok: true, json: '{"verdict":"approve"}' })
  })
})
