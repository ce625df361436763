import crypto from 'node:crypto'

/**
 * A name unique per run, attempt and concurrent step: the run id and attempt say which
 * run, the random part keeps two bottle steps of one job (or two jobs) apart.
 * Valid as a docker container/network name and a smolvm machine name.
 */
export function makeSlug(runId: string, runAttempt: string, random = crypto.randomBytes(4).toString('hex')): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 20)
      .replace(/^-+|-+$/g, '') || 'x' // trimmed after the cut: a hyphen at the end would make two in a row
  return `bb-${clean(runId)}-${clean(runAttempt)}-${random}`
}
