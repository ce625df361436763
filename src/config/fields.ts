/**
 * Everything an input is checked with: the field helpers, the schemas several inputs share,
 * and every default. action.yml documents the same defaults; a unit test holds them equal
 * (config.test.ts). The run, setup-only and post modes build on these through the section
 * parsers in sections.ts.
 */
import { z } from 'zod'
import { InputError } from '../util/errors.js'
import type { InputName, RawInputs } from './inputs.js'
import { DEFAULT_GITHUB_TOOLS } from './github-gate-tools.js'

// The defaults of the action's inputs (harness scripts read DEFAULT_CLAUDE_VERSION's line as it is written here).
export const DEFAULT_CLAUDE_VERSION = '2.1.332' // pinned and tested; `latest` is allowed
export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org'
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com'
// Debian bookworm with git, curl, ca-certificates, openssh-client and procps.
export const DEFAULT_IMAGE = 'buildpack-deps:bookworm-scm'
export const DEFAULT_CPUS = 2
export const DEFAULT_MEMORY = '4g'
export const DEFAULT_TIMEOUT_MINUTES = 30
// Only where the docker engine runs in a VM or rootless (docker-wiring 'relay'): any image with node.
export const DEFAULT_RELAY_IMAGE = 'node:24-alpine'
export const DEFAULT_GIT_MAX_PUSH_MB = 100 // the git gate's push limit, MiB
export const DEFAULT_WORKSPACE_MAX_MB = 256 // the workspace door: bytes of changed files that come back, MiB
export const DEFAULT_WORKSPACE_MAX_FILES = 10_000 // the workspace door: changed paths that come back
export const DEFAULT_PROTECTED_PATHS = '.github/workflows/**'
export const DEFAULT_SMOLVM_VERSION = '1.9.3' // the newest release whose source was read: docs/smolvm-conformance.md
export const DEFAULT_SMOLVM_DOWNLOAD_URL = 'https://github.com/smol-machines/smolvm/releases/download'
export const DEFAULT_IMAGE_CACHE_MB = 10240 // smolvm: the image archives kept between runs, smolvm's staged copies with them, MiB
/** Not an input: where `latest` of smolvm is resolved when the runner does not say (GITHUB_API_URL). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

/** Each input's default as action.yml writes it; an input not listed defaults to ''. */
export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = {
  provider: 'anthropic',
  'vertex-region': 'global',
  'claude-version': DEFAULT_CLAUDE_VERSION,
  'npm-registry': DEFAULT_NPM_REGISTRY,
  backend: 'auto',
  image: DEFAULT_IMAGE,
  'docker-wiring': 'auto',
  'relay-image': DEFAULT_RELAY_IMAGE,
  cpus: String(DEFAULT_CPUS),
  memory: DEFAULT_MEMORY,
  'timeout-minutes': String(DEFAULT_TIMEOUT_MINUTES),
  'upload-transcripts': 'always',
  'job-summary': 'true',
  'setup-only': 'false',
  'require-backend': 'false',
  'smolvm-version': DEFAULT_SMOLVM_VERSION,
  'smolvm-download-url': DEFAULT_SMOLVM_DOWNLOAD_URL,
  'smolvm-image-cache-mb': String(DEFAULT_IMAGE_CACHE_MB),
  egress: 'allowlist',
  'git-allow-force': 'false',
  'git-protected-paths': DEFAULT_PROTECTED_PATHS,
  'git-max-push-mb': String(DEFAULT_GIT_MAX_PUSH_MB),
  'workspace-changes': 'apply',
  'on-not-allowed': 'fail',
  'event-context': 'false',
  'event-text-in-prompt': 'warn',
  'agent-config-from-base': 'forks',
  'workspace-max-mb': String(DEFAULT_WORKSPACE_MAX_MB),
  'workspace-max-files': String(DEFAULT_WORKSPACE_MAX_FILES),
  'github-tools': DEFAULT_GITHUB_TOOLS,
  'github-read-scope': 'trigger',
  'github-apply-on': 'success',
  'progress-comment': 'false',
  'otel-content': 'false'
}

/** An input's value, or its default when it is empty. */
export function inputOrDefault(raw: Partial<RawInputs>, name: InputName): string {
  return raw[name] || INPUT_DEFAULTS[name] || ''
}

/** Runs a zod schema on one input's value; a failure becomes an InputError naming it. */
export function field<T>(input: string, schema: z.ZodType<T>, value: string, accepted: string, secret = false): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const shown = secret ? '' : ` (got '${value}')`
  throw new InputError(input, `invalid value${shown}`, `Expected ${accepted}`)
}

/** An input (its default when empty) through a schema. */
export function inputField<T>(raw: Partial<RawInputs>, name: InputName, schema: z.ZodType<T>, accepted: string): T {
  return field(name, schema, inputOrDefault(raw, name), accepted)
}

/** An input with no default: undefined when empty, else through the schema. */
export function optionalField<T>(raw: Partial<RawInputs>, name: InputName, schema: z.ZodType<T>, accepted: string): T | undefined {
  return raw[name] ? field(name, schema, raw[name], accepted) : undefined
}

/** One of a fixed set of words (its default when empty). */
export function choiceField<const T extends readonly [string, ...string[]]>(raw: Partial<RawInputs>, name: InputName, choices: T): T[number] {
  return inputField(raw, name, z.enum(choices), `one of ${choices.map(c => `'${c}'`).join(', ')}`)
}

/**
 * The spellings a boolean input accepts: YAML 1.2's core schema, as core.getBooleanInput
 * reads them (README, "Inputs"). Anything else is an error naming the input.
 */
export const BOOLEAN_SPELLINGS = { true: ['true', 'True', 'TRUE'], false: ['false', 'False', 'FALSE'] } as const

/** A boolean input (its default when empty). */
export function booleanField(raw: Partial<RawInputs>, name: InputName): boolean {
  const v = inputOrDefault(raw, name)
  if ((BOOLEAN_SPELLINGS.true as readonly string[]).includes(v)) return true
  if ((BOOLEAN_SPELLINGS.false as readonly string[]).includes(v)) return false
  throw new InputError(name, `invalid value (got '${v}')`, "Expected 'true' or 'false'")
}

/** Splits a list input: newline- or comma-separated, trimmed, empty entries dropped. */
export function listItems(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

// Shared schemas.
export const positiveInt = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive().max(1_000_000))
export const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().positive())
export const usd = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,6})?$/)
  .transform(Number)
  .pipe(z.number().positive())
export const tokenCount = z
  .string()
  .regex(/^\d{1,13}$/)
  .transform(Number)
  .pipe(z.number().int().positive())
/** An http(s) URL, trailing slashes dropped. */
export const httpUrl = z
  .string()
  .refine(u => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol))
  .transform(u => u.replace(/\/+$/, ''))
/** `latest` or an exact version (claude's may carry a pre-release suffix). */
export const version = z.string().regex(/^(latest|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/)
/** `latest` or an exact x.y.z (smolvm's release tags). */
export const releaseVersion = z.string().regex(/^(latest|\d+\.\d+\.\d+)$/)
export const memory = z.string().regex(/^\d+(\.\d+)?[bkmg]?$/i)
/** A docker/OCI image reference: [registry/]name[:tag][@digest], no whitespace. */
export const imageRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/:@-]*$/i)
  .max(512)
/** Anthropic names and aliases, Bedrock ids and ARNs (`us.anthropic.…-v1:0`), Vertex ids (`claude-sonnet-4-5@20250929`) */
export const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]*$/)
  .max(200)

/** An artifact's retention: 1 to 90 days, as GitHub allows. */
export const days = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(90))
/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5 … */
export const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/)
/** Vertex AI locations: us-east5, europe-west1, asia-southeast1, or `global`. */
export const vertexRegion = z.string().regex(/^(global|[a-z]+-[a-z]+\d{1,2})$/)
/** Google Cloud project ids: 6-30 lowercase letters, digits and hyphens, starting with a letter. */
export const gcpProjectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/)

export const BACKEND_CHOICES = ['auto', 'docker', 'smolvm'] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]
