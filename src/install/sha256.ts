import crypto from 'node:crypto'
import fs from 'node:fs'

/** Hex sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** The hash a `sha256sum` listing gives for `name` (`<hex>  <name>` or `<hex> *<name>`). */
export function checksumFor(listing: string, name: string): string | undefined {
  for (const line of listing.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(.+?)\s*$/i.exec(line)
    if (m && m[2] === name) return m[1]!.toLowerCase()
  }
  return undefined
}
