import { parseKeyValues, telemetryHeaderSecrets } from './otel-pairs.js'

/** The action's inputs, by their action.yml names. Each is read once, at the edge. */
export const INPUT_NAMES = [
  'prompt',
  'prompt-file',
  'append-system-prompt',
  'append-system-prompt-file',
  'skills',
  'anthropic-api-key',
  'claude-code-oauth-token',
  'anthropic-base-url',
  'provider',
  'aws-region',
  'vertex-project',
  'vertex-region',
  'model',
  'max-turns',
  'max-cost-usd',
  'max-tokens',
  'json-schema',
  'claude-args',
  'claude-version',
  'npm-registry',
  'backend',
  'image',
  'docker-wiring',
  'relay-image',
  'workspace',
  'workspace-changes',
  'workspace-max-mb',
  'workspace-max-files',
  'cpus',
  'memory',
  'env',
  'timeout-minutes',
  'upload-transcripts',
  'artifact-name',
  'retention-days',
  'job-summary',
  'setup-only',
  'require-backend',
  'smolvm-version',
  'smolvm-download-url',
  'smolvm-image-cache-mb',
  'image-registry-username',
  'image-registry-password',
  'allowed-bots',
  'allowed-non-write-users',
  'on-not-allowed',
  'event-context',
  'event-text-in-prompt',
  'agent-config-from-base',
  'github-token',
  'github-tools',
  'github-read-scope',
  'github-labels',
  'github-pull-request-bases',
  'github-apply-on',
  'progress-comment',
  'egress',
  'allowed-hosts',
  'allowed-host-presets',
  'git-push',
  'git-allow-force',
  'git-protected-paths',
  'git-max-push-mb',
  'ca-certificates',
  'otel-endpoint',
  'otel-headers',
  'otel-content'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

/** Inputs whose values are secrets: never echoed in an error, always masked. */
export const SECRET_INPUTS: readonly InputName[] = ['anthropic-api-key', 'claude-code-oauth-token', 'github-token', 'image-registry-password', 'otel-headers']

/** The secret values a run knows: masked in the log, redacted from every record. */
export function secretValues(raw: RawInputs): string[] {
  const headerValues = Object.values(parseKeyValues(raw['otel-headers']) ?? {}).filter(v => v.length >= MIN_ENV_SECRET_LENGTH)
  return [...SECRET_INPUTS.map(n => raw[n]), ...headerValues, ...envSecrets(raw.env)].filter(v => v !== '')
}

/** The runner's own cloud secrets (as the OIDC actions export them): never in the bottle, redacted from every record all the same. */
export function runnerCloudSecrets(env: NodeJS.ProcessEnv): string[] {
  return [env['AWS_SECRET_ACCESS_KEY'], env['AWS_SESSION_TOKEN']].filter((v): v is string => !!v)
}

/**
 * Every secret value a step knows from its inputs and the runner's environment: the main step
 * and the post step (which publishes the record) both redact exactly these, plus the checkout's
 * credentials they each read.
 */
export function runSecrets(raw: RawInputs, env: NodeJS.ProcessEnv): string[] {
  return [...secretValues(raw), ...runnerCloudSecrets(env), ...telemetryHeaderSecrets(env)]
}

/** Shorter `env` values are taken as settings, not secrets: masking `true` or `1` would garble every log. */
export const MIN_ENV_SECRET_LENGTH = 8

/**
 * The `env` input carries what the user hands the agent, often tokens of no known shape: every
 * value of at least MIN_ENV_SECRET_LENGTH characters is masked and redacted like a secret input.
 * Read leniently (the input is checked later, with a clear error): any `KEY=VALUE` line counts.
 */
function envSecrets(text: string): string[] {
  return text
    .split('\n')
    .map(l => l.replace(/\r$/, ''))
    .filter(l => l.includes('=') && !l.trim().startsWith('#'))
    .map(l => l.slice(l.indexOf('=') + 1))
    .filter(v => v.trim().length >= MIN_ENV_SECRET_LENGTH)
}

/** Reads every input with `get` (e.g. core.getInput); missing ones are ''. */
export function readInputs(get: (name: string) => string): RawInputs {
  const raw = {} as RawInputs
  for (const name of INPUT_NAMES) raw[name] = get(name)
  return raw
}

/** What the runner provides beside inputs. */
export interface RunnerEnv {
  workspace?: string // GITHUB_WORKSPACE
  runnerTemp?: string // RUNNER_TEMP
  toolCache?: string // RUNNER_TOOL_CACHE
  runId?: string
  runAttempt?: string
  job?: string
  action?: string // GITHUB_ACTION: the step id, unique within a job
  apiUrl?: string // GITHUB_API_URL
  httpsProxy?: string // HTTPS_PROXY / https_proxy
  httpProxy?: string // HTTP_PROXY / http_proxy
  noProxy?: string // NO_PROXY / no_proxy
  awsRegion?: string // AWS_REGION / AWS_DEFAULT_REGION (aws-actions/configure-aws-credentials sets both)
  googleProject?: string // GOOGLE_CLOUD_PROJECT / CLOUDSDK_CORE_PROJECT (google-github-actions/auth sets them)
  /** the OTEL_* variables (OpenTelemetry's environment specification) */
  otel?: NodeJS.ProcessEnv
}

export function readRunnerEnv(env: NodeJS.ProcessEnv): RunnerEnv {
  return {
    workspace: env['GITHUB_WORKSPACE'],
    runnerTemp: env['RUNNER_TEMP'],
    toolCache: env['RUNNER_TOOL_CACHE'],
    runId: env['GITHUB_RUN_ID'],
    runAttempt: env['GITHUB_RUN_ATTEMPT'],
    job: env['GITHUB_JOB'],
    action: env['GITHUB_ACTION'],
    apiUrl: env['GITHUB_API_URL'],
    httpsProxy: env['HTTPS_PROXY'] || env['https_proxy'],
    httpProxy: env['HTTP_PROXY'] || env['http_proxy'],
    noProxy: env['NO_PROXY'] || env['no_proxy'],
    awsRegion: env['AWS_REGION'] || env['AWS_DEFAULT_REGION'],
    googleProject: env['GOOGLE_CLOUD_PROJECT'] || env['CLOUDSDK_CORE_PROJECT'],
    otel: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('OTEL_')))
  }
}
