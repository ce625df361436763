import crypto from 'node:crypto'
import fs from 'node:fs'

/**
 * Checks a file against an npm `dist.integrity` (Subresource Integrity: `sha512-<base64>`),
 * hashing it as a stream. Returns true when any listed hash of a supported algorithm matches.
 */
export async function fileMatchesIntegrity(file: string, integrity: string): Promise<boolean> {
  const wanted = integrity
    .trim()
    .split(/\s+/)
    .map(entry => /^(sha512|sha384|sha256)-([A-Za-z0-9+/=]+)$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null)
  if (wanted.length === 0) throw new Error(`unsupported integrity '${integrity}': expected sha512-<base64>`)
  const algorithms = [...new Set(wanted.map(m => m[1]!))]
  const hashes = algorithms.map(a => crypto.createHash(a))
  for await (const chunk of fs.createReadStream(file)) for (const h of hashes) h.update(chunk as Buffer)
  const got = new Map(algorithms.map((a, i) => [a, hashes[i]!.digest('base64')]))
  return wanted.some(m => got.get(m[1]!) === m[2])
}
