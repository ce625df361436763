import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { parseArtifactSettings, type ArtifactSettings } from '../artifact/settings.js'
import { InputError } from '../util/errors.js'
import { readCheckoutFile } from './checkout-path.js'
import { parseClaudeArgs } from './claude-args.js'
import { smolvmSettings } from './setup-config.js'
import { parseEgressPolicy, type EgressPolicy } from '../proxy/egress-rules.js'
import { parsePushPolicy, type PushPolicy } from '../gitgate/push-policy.js'
import { parseProtectedPaths, type ProtectedPath } from '../gitgate/protected-paths.js'
import { parseCaCertificates } from './ca-certificates.js'
import { parseRunnerProxy, type RunnerProxy } from '../proxy/runner-proxy.js'
import {
  DEFAULT_ANTHROPIC_BASE_URL,
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_CPUS,
  DEFAULT_GIT_MAX_PUSH_MB,
  DEFAULT_IMAGE,
  DEFAULT_MEMORY,
  DEFAULT_NPM_REGISTRY,
  DEFAULT_RELAY_IMAGE,
  DEFAULT_TIMEOUT_MINUTES
} from './defaults.js'
import { parseEnvPairs } from './env-pairs.js'
import { parseJsonSchema, type JsonSchemaInput } from './json-schema.js'
import type { BudgetLimits } from '../proxy/budget.js'
import { defaultUpstream, parseCloudAccess, parseProviderName, type CloudAccess } from './provider-config.js'
import type { RawInputs, RunnerEnv } from './inputs.js'

export type BackendChoice = 'auto' | 'docker' | 'smolvm'
/** What the model proxy authenticates upstream with: an Anthropic key or token, or the runner's cloud credentials. */
export type Credential = { kind: 'api-key'; value: string } | { kind: 'oauth-token'; value: string } | CloudAccess

/** Every input, parsed and checked once. Nothing below the edge reads inputs or process.env. */
export interface Config {
  prompt: string
  appendSystemPrompt: string
  skills: string[]
  credential: Credential
  anthropicBaseUrl: string
  model?: string
  maxTurns?: number
  /** spending caps the model proxy enforces (`max-cost-usd`, `max-tokens`) */
  budget: BudgetLimits
  /** the schema claude's final answer must match (`json-schema`) */
  jsonSchema?: JsonSchemaInput
  claudeArgs: string[]
  claudeVersion: string
  npmRegistry: string
  backend: BackendChoice
  image: string
  dockerWiring: 'auto' | 'gateway' | 'relay'
  relayImage: string
  workspace: string
  cpus: number
  memory: string
  env: Record<string, string>
  timeoutMinutes: number
  artifact: ArtifactSettings
  egress: EgressPolicy
  /** the git gate: what the agent may push, the token the gate adds upstream, and what a push may carry */
  git: { push: PushPolicy; token?: string; protectedPaths: ProtectedPath[]; maxPushBytes: number }
  /** extra CA certificates (PEM), trusted in the guest and by the host-side proxies */
  caCertificates: string[]
  smolvm: { version: string; downloadUrl: string; githubToken?: string; githubApiUrl: string }
  runner: { runnerTemp: string; toolCache: string; runId: string; runAttempt: string; job: string; action: string; proxy: RunnerProxy }
}

/** Runs a zod schema on one input; a failure becomes an InputError naming it. */
function field<T>(input: string, schema: z.ZodType<T>, value: string, accepted: string, secret = false): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const shown = secret ? '' : ` (got '${value}')`
  throw new InputError(input, `invalid value${shown}`, `Expected ${accepted}`)
}

const positiveInt = z
  .string()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().positive().max(1_000_000))
const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().positive())
const usd = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,6})?$/)
  .transform(Number)
  .pipe(z.number().positive())
const tokenCount = z
  .string()
  .regex(/^\d{1,13}$/)
  .transform(Number)
  .pipe(z.number().int().positive())
const httpUrl = z
  .string()
  .refine(u => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol))
  .transform(u => u.replace(/\/+$/, ''))
const version = z.string().regex(/^(latest|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/)
const memory = z.string().regex(/^\d+(\.\d+)?[bkmg]?$/i)
// A docker/OCI image reference: [registry/]name[:tag][@digest], no whitespace.
const imageRef = z.string().regex(/^[a-z0-9][a-z0-9._\/:@-]*$/i).max(512)
// Anthropic names and aliases, Bedrock ids and ARNs (`us.anthropic.…-v1:0`), Vertex ids (`claude-sonnet-4-5@20250929`)
const modelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@\/\[\]-]*$/).max(200)
const backend = z.enum(['auto', 'docker', 'smolvm'])

/** Exactly one of two inputs. Returns which one is set, or throws naming both. */
function exactlyOne(raw: RawInputs, a: keyof RawInputs, b: keyof RawInputs, what: string): keyof RawInputs {
  if (raw[a] && raw[b]) throw new InputError(a, `set together with '${b}'`, `Give ${what} in only one of them`)
  if (!raw[a] && !raw[b]) throw new InputError(a, `neither '${a}' nor '${b}' is set`, `Give ${what} in exactly one of them`)
  return raw[a] ? a : b
}

function anthropicCredential(raw: RawInputs): Credential {
  const input = exactlyOne(raw, 'anthropic-api-key', 'claude-code-oauth-token', 'the credential')
  const value = raw[input]
  field(input, z.string().regex(/^[\x21-\x7e]+$/), value, 'one line of printable characters with no spaces', true)
  return input === 'anthropic-api-key' ? { kind: 'api-key', value } : { kind: 'oauth-token', value }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** Parses the raw inputs into a Config, or throws one InputError naming the first bad input. */
export function parseConfig(raw: RawInputs, runner: RunnerEnv): Config {
  const workspaceRaw = raw.workspace || runner.workspace || ''
  if (!workspaceRaw) throw new InputError('workspace', 'not set and GITHUB_WORKSPACE is empty', 'Set `workspace` to the directory the agent works in')
  const workspace = path.resolve(workspaceRaw)
  if (!isDirectory(workspace)) throw new InputError('workspace', `'${workspace}' is not a directory`, 'Check out the repository first or set `workspace` to an existing directory')

  const promptInput = exactlyOne(raw, 'prompt', 'prompt-file', 'the task')
  const prompt = promptInput === 'prompt' ? raw.prompt : readCheckoutFile('prompt-file', raw['prompt-file'], workspace)
  if (prompt.trim() === '') throw new InputError(promptInput, 'is empty', 'Give the agent a task')

  if (raw['append-system-prompt'] && raw['append-system-prompt-file']) {
    throw new InputError('append-system-prompt', "set together with 'append-system-prompt-file'", 'Use at most one of them')
  }
  const appendSystemPrompt = raw['append-system-prompt-file']
    ? readCheckoutFile('append-system-prompt-file', raw['append-system-prompt-file'], workspace)
    : raw['append-system-prompt']

  const provider = parseProviderName(raw)
  const credential: Credential = provider === 'anthropic' ? anthropicCredential(raw) : parseCloudAccess(provider, raw, runner)
  const upstream = credential.kind === 'bedrock' || credential.kind === 'vertex' ? defaultUpstream(credential) : DEFAULT_ANTHROPIC_BASE_URL

  const skills = raw.skills
    .split('\n')
    .map(s => s.trim())
    .filter(s => s !== '')
    .map(s => path.resolve(workspace, s))

  const runnerTemp = runner.runnerTemp
  if (!runnerTemp) throw new InputError('RUNNER_TEMP', 'the runner did not set it', 'Run inside GitHub Actions or set RUNNER_TEMP to a writable directory')

  return {
    prompt,
    appendSystemPrompt,
    skills,
    credential,
    anthropicBaseUrl: field('anthropic-base-url', httpUrl, raw['anthropic-base-url'] || upstream, 'an http(s) URL such as https://api.anthropic.com'),
    model: raw.model ? field('model', modelName, raw.model, 'a model name such as claude-sonnet-4-5 or an alias such as opus') : undefined,
    maxTurns: raw['max-turns'] ? field('max-turns', positiveInt, raw['max-turns'], 'a whole number of turns, 1 or more') : undefined,
    budget: {
      maxCostUsd: raw['max-cost-usd'] ? field('max-cost-usd', usd, raw['max-cost-usd'], 'a positive amount of US dollars such as 5 or 0.50') : undefined,
      maxTokens: raw['max-tokens'] ? field('max-tokens', tokenCount, raw['max-tokens'], 'a whole number of tokens, 1 or more, such as 2000000') : undefined
    },
    jsonSchema: parseJsonSchema(raw['json-schema'], workspace),
    claudeArgs: parseClaudeArgs(raw['claude-args']),
    claudeVersion: field('claude-version', version, raw['claude-version'] || DEFAULT_CLAUDE_VERSION, "an exact version such as 2.1.332, or 'latest'"),
    npmRegistry: field('npm-registry', httpUrl, raw['npm-registry'] || DEFAULT_NPM_REGISTRY, 'an http(s) URL of an npm registry'),
    backend: field('backend', backend, raw.backend || 'auto', "one of 'auto', 'docker', 'smolvm'"),
    image: field('image', imageRef, raw.image || DEFAULT_IMAGE, 'an image reference such as debian:bookworm or ghcr.io/org/img:tag'),
    dockerWiring: field('docker-wiring', z.enum(['auto', 'gateway', 'relay']), raw['docker-wiring'] || 'auto', "one of 'auto', 'gateway', 'relay'"),
    relayImage: field('relay-image', imageRef, raw['relay-image'] || DEFAULT_RELAY_IMAGE, 'an image reference with node, such as node:24-alpine'),
    workspace,
    cpus: field('cpus', positiveNumber, raw.cpus || String(DEFAULT_CPUS), 'a positive number of CPUs such as 2 or 1.5'),
    memory: field('memory', memory, raw.memory || DEFAULT_MEMORY, "a size such as 4g, 512m or 2048m").toLowerCase(),
    env: parseEnvPairs(raw.env),
    timeoutMinutes: field('timeout-minutes', positiveNumber, raw['timeout-minutes'] || String(DEFAULT_TIMEOUT_MINUTES), 'a positive number of minutes'),
    artifact: parseArtifactSettings(raw, runner),
    egress: parseEgressPolicy(raw.egress, raw['allowed-hosts'], raw['allowed-host-presets']),
    git: {
      push: parsePushPolicy(raw['git-push'], raw['git-allow-force']),
      token: raw['github-token'] || undefined,
      protectedPaths: parseProtectedPaths(raw['git-protected-paths']),
      maxPushBytes: field('git-max-push-mb', positiveInt, raw['git-max-push-mb'] || String(DEFAULT_GIT_MAX_PUSH_MB), 'a whole number of MiB, 1 or more, such as 100') * 1024 ** 2
    },
    caCertificates: parseCaCertificates(raw['ca-certificates'], workspace),
    smolvm: smolvmSettings(raw, runner),
    runner: {
      runnerTemp,
      toolCache: runner.toolCache || path.join(runnerTemp, 'tool-cache'),
      runId: runner.runId || 'local',
      runAttempt: runner.runAttempt || '1',
      job: runner.job || 'job',
      action: runner.action || 'bottle',
      proxy: parseRunnerProxy(runner)
    }
  }
}
