/**
 * The parts of the inputs more than one mode reads, each parsed by one function: the run
 * (config.ts), setup-only (setup-config.ts) and the post step (post-config.ts) are built from
 * these, so an input means the same in every mode.
 */
import path from 'node:path'
import type { ArtifactSettings } from '../artifact/settings.js'
import { InputError } from '../util/errors.js'
import {
  BACKEND_CHOICES,
  booleanField,
  choiceField,
  DEFAULT_GITHUB_API_URL,
  days,
  httpUrl,
  inputField,
  inputOrDefault,
  listItems,
  optionalField,
  positiveInt,
  releaseVersion,
  type BackendChoice
} from './fields.js'
import type { RawInputs, RunnerEnv } from './inputs.js'
import type { TriggerPolicy } from '../trigger/trigger-check.js'

export interface SmolvmSettings {
  version: string
  downloadUrl: string
  /** the most the image archives kept between runs may take (smolvm's staged copies with them) */
  imageCacheBytes: number
  /** the login for the image's registry when smolvm's image is fetched without docker (else the runner's docker config) */
  registryLogin?: { username: string; password: string }
  githubToken?: string
  githubApiUrl: string
}

export function backendSection(raw: RawInputs): BackendChoice {
  return choiceField(raw, 'backend', BACKEND_CHOICES)
}

/** Where smolvm comes from: checked the same way for a run and for setup-only. */
export function smolvmSection(raw: RawInputs, runner: RunnerEnv): SmolvmSettings {
  return {
    version: inputField(raw, 'smolvm-version', releaseVersion, "an exact version such as 1.9.2, or 'latest'"),
    downloadUrl: inputField(raw, 'smolvm-download-url', httpUrl, 'the http(s) base URL of smolvm release assets (…/releases/download)'),
    imageCacheBytes: inputField(raw, 'smolvm-image-cache-mb', positiveInt, 'a whole number of MiB, 1 or more, such as 10240') * 1024 ** 2,
    registryLogin: registryLoginSection(raw),
    githubToken: raw['github-token'] || undefined,
    githubApiUrl: runner.apiUrl || DEFAULT_GITHUB_API_URL
  }
}

const USER_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const BOT_LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\[bot\]$/

/** A list of logins (comma or line separated), or `*`: each checked against `login`, an error naming the input otherwise. */
function loginList(raw: RawInputs, name: 'allowed-bots' | 'allowed-non-write-users', login: RegExp, what: string, fix: string): string[] {
  const logins = listItems(raw[name])
  for (const l of logins) if (l !== '*' && !login.test(l)) throw new InputError(name, `${JSON.stringify(l.slice(0, 60))} is not ${what}`, fix)
  return logins
}

/** `allowed-bots` (bot logins, comma or line separated, or `*`) and `on-not-allowed`. */
export function triggerSection(raw: RawInputs): TriggerPolicy {
  const allowedBots = loginList(raw, 'allowed-bots', BOT_LOGIN, 'a bot login', "Name bots as GitHub does, e.g. 'dependabot[bot]', or '*'")
  const allowedNonWriteUsers = loginList(raw, 'allowed-non-write-users', USER_LOGIN, 'a GitHub login', "Name people by their login, e.g. 'octocat', or '*'")
  return {
    allowedBots,
    allowedNonWriteUsers,
    onNotAllowed: choiceField(raw, 'on-not-allowed', ['fail', 'skip']),
    eventContext: booleanField(raw, 'event-context'),
    eventTextInPrompt: choiceField(raw, 'event-text-in-prompt', ['warn', 'refuse']),
    agentConfigFromBase: choiceField(raw, 'agent-config-from-base', ['forks', 'always', 'never'])
  }
}

/** Both of image-registry-username and image-registry-password, or neither. */
function registryLoginSection(raw: RawInputs): { username: string; password: string } | undefined {
  const username = raw['image-registry-username'].trim()
  const password = raw['image-registry-password']
  if (!username && !password) return undefined
  if (!username || !password)
    throw new InputError(
      username ? 'image-registry-password' : 'image-registry-username',
      'is empty while the other of image-registry-username and image-registry-password is set',
      'Set both (a login for the registry of `image`), or neither'
    )
  if (/[\s:]/.test(username) || username.length > 256)
    throw new InputError('image-registry-username', 'must be one word without spaces or colons', 'Give the registry user name')
  return { username, password }
}

/** The runner's scratch dir (RUNNER_TEMP) and tool cache: both modes that install need them. */
export function runnerDirs(runner: RunnerEnv): { runnerTemp: string; toolCache: string } {
  const runnerTemp = runner.runnerTemp
  if (!runnerTemp) throw new InputError('RUNNER_TEMP', 'the runner did not set it', 'Run inside GitHub Actions or set RUNNER_TEMP to a writable directory')
  return { runnerTemp, toolCache: runner.toolCache || path.join(runnerTemp, 'tool-cache') }
}

// Characters @actions/artifact refuses in names (path-and-artifact-name-validation).
const FORBIDDEN_IN_ARTIFACT_NAME = /["':<>|*?\r\n\\/]/

/** Default artifact name: unique per job, step and attempt, so two bottle steps of a job do not collide. */
export function defaultArtifactName(runner: RunnerEnv): string {
  const part = (s: string | undefined, fallback: string) => (s || fallback).replace(/[^A-Za-z0-9._-]+/g, '-')
  return `bot-bottle-${part(runner.job, 'job')}-${part(runner.action, 'bottle')}-attempt-${part(runner.runAttempt, '1')}`
}

/** What the post step publishes, and how: read by the run (to check it early) and by the post step. */
export function artifactSection(
  raw: Pick<RawInputs, 'upload-transcripts' | 'artifact-name' | 'retention-days' | 'job-summary'>,
  runner: RunnerEnv
): ArtifactSettings {
  const when = choiceField(raw, 'upload-transcripts', ['always', 'on-failure', 'never'])
  const name = inputOrDefault(raw, 'artifact-name') || defaultArtifactName(runner)
  if (FORBIDDEN_IN_ARTIFACT_NAME.test(name) || name.trim() === '') {
    throw new InputError('artifact-name', `invalid value (got '${name}')`, 'Use a name without " : < > | * ? \\ / or line breaks')
  }
  const retentionDays = optionalField(raw, 'retention-days', days, 'a whole number of days from 1 to 90, or empty for the repository default')
  return { when, name, retentionDays, jobSummary: booleanField(raw, 'job-summary') }
}
