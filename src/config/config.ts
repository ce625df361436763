import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { ArtifactSettings } from '../artifact/settings.js'
import { InputError } from '../util/errors.js'
import { readCheckoutFile } from './checkout-path.js'
import { parseClaudeArgs } from './claude-args.js'
import type { EgressPolicy } from './egress-rules.js'
import { parseCaCertificates } from './ca-certificates.js'
import { parseRunnerProxy, type RunnerProxy } from '../util/runner-proxy.js'
import { parseEgressPolicy } from './egress-policy.js'
import {
  choiceField,
  DEFAULT_ANTHROPIC_BASE_URL,
  field,
  httpUrl,
  imageRef,
  inputField,
  memory,
  modelName,
  optionalField,
  positiveInt,
  positiveNumber,
  tokenCount,
  usd,
  version,
  type BackendChoice
} from './fields.js'
import { gitSection, type GitSettings } from './git-policy.js'
import { parseEnvPairs } from './env-pairs.js'
import { parseJsonSchema, type JsonSchemaInput } from './json-schema.js'
import { defaultUpstream, parseCloudAccess, parseProviderName, type CloudAccess } from './provider-config.js'
import type { RawInputs, RunnerEnv } from './inputs.js'
import { artifactSection, backendSection, runnerDirs, smolvmSection, type SmolvmSettings, triggerSection } from './sections.js'
import type { TriggerPolicy } from '../trigger/trigger-check.js'
import type { GitHubGatePolicy } from './github-gate-tools.js'
import { githubGateSection } from './github-gate-policy.js'
import { type TelemetrySetting, telemetrySection } from './telemetry-policy.js'
import { workspaceSection, type WorkspacePolicy } from './workspace-policy.js'

export type { BackendChoice } from './fields.js'
/** What the model proxy authenticates upstream with: an Anthropic key or token, or the runner's cloud credentials. */
export type Credential = { kind: 'api-key'; value: string } | { kind: 'oauth-token'; value: string } | CloudAccess

/** The caps a run was given (`max-cost-usd`, `max-tokens`); either may be absent. */
export interface BudgetLimits {
  maxCostUsd?: number
  maxTokens?: number
}

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
  /** what of the agent's changes to its copy of the workspace comes back, and how much */
  workspaceChanges: WorkspacePolicy
  cpus: number
  memory: string
  env: Record<string, string>
  timeoutMinutes: number
  artifact: ArtifactSettings
  egress: EgressPolicy
  /** the git gate: what the agent may push, the token the gate adds upstream, and what a push may carry */
  git: GitSettings
  /** extra CA certificates (PEM), trusted in the guest and by the host-side proxies */
  caCertificates: string[]
  smolvm: SmolvmSettings
  /** who may trigger a run on events anyone can cause */
  trigger: TriggerPolicy
  /** the GitHub gate: the tools the agent is offered and what its queued writes may become */
  github: GitHubGatePolicy
  /** OpenTelemetry export from the runner (otel-* inputs, OTEL_* environment), or why there is none */
  telemetry: TelemetrySetting
  runner: { runnerTemp: string; toolCache: string; runId: string; runAttempt: string; job: string; action: string; proxy: RunnerProxy }
}

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
  if (!isDirectory(workspace))
    throw new InputError('workspace', `'${workspace}' is not a directory`, 'Check out the repository first or set `workspace` to an existing directory')

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

  const { runnerTemp, toolCache } = runnerDirs(runner)

  return {
    prompt,
    appendSystemPrompt,
    skills,
    credential,
    anthropicBaseUrl: field('anthropic-base-url', httpUrl, raw['anthropic-base-url'] || upstream, 'an http(s) URL such as https://api.anthropic.com'),
    model: optionalField(raw, 'model', modelName, 'a model name such as claude-sonnet-4-5 or an alias such as opus'),
    maxTurns: optionalField(raw, 'max-turns', positiveInt, 'a whole number of turns, 1 or more'),
    budget: {
      maxCostUsd: optionalField(raw, 'max-cost-usd', usd, 'a positive amount of US dollars such as 5 or 0.50'),
      maxTokens: optionalField(raw, 'max-tokens', tokenCount, 'a whole number of tokens, 1 or more, such as 2000000')
    },
    jsonSchema: parseJsonSchema(raw['json-schema'], workspace),
    claudeArgs: parseClaudeArgs(raw['claude-args']),
    claudeVersion: inputField(raw, 'claude-version', version, "an exact version such as 2.1.332, or 'latest'"),
    npmRegistry: inputField(raw, 'npm-registry', httpUrl, 'an http(s) URL of an npm registry'),
    backend: backendSection(raw),
    image: inputField(raw, 'image', imageRef, 'an image reference such as debian:bookworm or ghcr.io/org/img:tag'),
    dockerWiring: choiceField(raw, 'docker-wiring', ['auto', 'gateway', 'relay']),
    relayImage: inputField(raw, 'relay-image', imageRef, 'an image reference with node, such as node:24-alpine'),
    workspace,
    workspaceChanges: workspaceSection(raw),
    cpus: inputField(raw, 'cpus', positiveNumber, 'a positive number of CPUs such as 2 or 1.5'),
    memory: inputField(raw, 'memory', memory, 'a size such as 4g, 512m or 2048m').toLowerCase(),
    env: parseEnvPairs(raw.env),
    timeoutMinutes: inputField(raw, 'timeout-minutes', positiveNumber, 'a positive number of minutes'),
    artifact: artifactSection(raw, runner),
    egress: parseEgressPolicy(raw.egress, raw['allowed-hosts'], raw['allowed-host-presets']),
    git: gitSection(raw),
    caCertificates: parseCaCertificates(raw['ca-certificates'], workspace),
    smolvm: smolvmSection(raw, runner),
    trigger: triggerSection(raw),
    github: githubGateSection(raw),
    telemetry: telemetrySection(raw, runner.otel ?? {}),
    runner: {
      runnerTemp,
      toolCache,
      runId: runner.runId || 'local',
      runAttempt: runner.runAttempt || '1',
      job: runner.job || 'job',
      action: runner.action || 'bottle',
      proxy: parseRunnerProxy(runner)
    }
  }
}
