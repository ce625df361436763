import { z } from 'zod'
import type { RawInputs, RunnerEnv } from '../config/inputs.js'
import { InputError } from '../util/errors.js'

export type UploadWhen = 'always' | 'on-failure' | 'never'

/** What the post step needs to publish the run's record. */
export interface ArtifactSettings {
  when: UploadWhen
  name: string
  /** 1–90, or undefined for the repository's default */
  retentionDays?: number
  jobSummary: boolean
}

// Characters @actions/artifact refuses in names (path-and-artifact-name-validation).
const FORBIDDEN = /["':<>|*?\r\n\\/]/

/** Default name: unique per job, step and attempt, so two bottle steps of a job do not collide. */
export function defaultArtifactName(runner: RunnerEnv): string {
  const part = (s: string | undefined, fallback: string) => (s || fallback).replace(/[^A-Za-z0-9._-]+/g, '-')
  return `bot-bottle-${part(runner.job, 'job')}-${part(runner.action, 'bottle')}-attempt-${part(runner.runAttempt, '1')}`
}

export function parseArtifactSettings(raw: Pick<RawInputs, 'upload-transcripts' | 'artifact-name' | 'retention-days' | 'job-summary'>, runner: RunnerEnv): ArtifactSettings {
  const when = z.enum(['always', 'on-failure', 'never']).safeParse(raw['upload-transcripts'] || 'always')
  if (!when.success) throw new InputError('upload-transcripts', `invalid value (got '${raw['upload-transcripts']}')`, "Expected one of 'always', 'on-failure', 'never'")
  const name = raw['artifact-name'] || defaultArtifactName(runner)
  if (FORBIDDEN.test(name) || name.trim() === '') {
    throw new InputError('artifact-name', `invalid value (got '${name}')`, 'Use a name without " : < > | * ? \\ / or line breaks')
  }
  let retentionDays: number | undefined
  if (raw['retention-days']) {
    const n = /^\d+$/.test(raw['retention-days']) ? Number(raw['retention-days']) : NaN
    if (!(n >= 1 && n <= 90)) throw new InputError('retention-days', `invalid value (got '${raw['retention-days']}')`, 'Expected a whole number of days from 1 to 90, or empty for the repository default')
    retentionDays = n
  }
  const js = raw['job-summary'] || 'true'
  if (!/^(true|false)$/i.test(js)) throw new InputError('job-summary', `invalid value (got '${js}')`, "Expected 'true' or 'false'")
  return { when: when.data, name, retentionDays, jobSummary: js.toLowerCase() === 'true' }
}
