import crypto from 'node:crypto'
import fs from 'node:fs'
import { TarReader } from '../util/tar/tar-reader.js'

/**
 * Whether an archive in the cache is exactly what the manifest just fetched describes: the same
 * `manifest.json`, the config and every layer hashing to their digests, nothing else in it. The
 * cache outlives the run (RUNNER_TOOL_CACHE on a self-hosted runner), so its name proves nothing:
 * an earlier job could have put another image there.
 */
export async function archiveMatches(archive: string, expected: ReadonlyMap<string, string>): Promise<boolean> {
  const seen = new Map<string, string>()
  let current: { name: string; hash: crypto.Hash } | undefined
  let bad = false
  const reader = new TarReader({
    entry(e) {
      if (e.type !== 'file' || !expected.has(e.name) || seen.has(e.name)) bad = true
      current = { name: e.name, hash: crypto.createHash('sha256') }
    },
    data(chunk) {
      current?.hash.update(chunk)
    },
    entryEnd() {
      if (current) seen.set(current.name, `sha256:${current.hash.digest('hex')}`)
      current = undefined
    }
  })
  try {
    const fd = fs.openSync(archive, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
    for await (const chunk of fs.createReadStream('', { fd }) as AsyncIterable<Buffer>) {
      reader.push(chunk)
      if (bad) return false
    }
  } catch {
    return false
  }
  return !bad && seen.size === expected.size && [...expected].every(([name, digest]) => seen.get(name) === digest)
}
