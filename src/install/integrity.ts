/** One hash an npm `dist.integrity` (Subresource Integrity) lists. */
export interface IntegrityEntry {
  algorithm: 'sha512' | 'sha384' | 'sha256'
  base64: string
}

/** The supported entries of a `dist.integrity` (`sha512-<base64>`, space-separated); none is an error. */
export function parseIntegrity(integrity: string): IntegrityEntry[] {
  const wanted = integrity
    .trim()
    .split(/\s+/)
    .map(entry => /^(sha512|sha384|sha256)-([A-Za-z0-9+/=]+)$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(m => ({ algorithm: m[1] as IntegrityEntry['algorithm'], base64: m[2]! }))
  if (wanted.length === 0) throw new Error(`unsupported integrity '${integrity}': expected sha512-<base64>`)
  return wanted
}

/** True when any listed hash matches its digest (base64, by algorithm). */
export function integrityMatches(wanted: IntegrityEntry[], digests: Map<string, string>): boolean {
  return wanted.some(w => digests.get(w.algorithm) === w.base64)
}
