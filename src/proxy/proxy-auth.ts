import crypto from 'node:crypto'

/** The per-run secret the egress proxy requires as Basic proxy credentials (any user name). */
export const PROXY_REALM = 'bot-bottle'

const digest = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest()

/**
 * A checker for `Proxy-Authorization: Basic base64(user:secret)`. The password is compared
 * in constant time (as digests, so its length does not leak either). No secret: anyone passes.
 */
export function proxyCredentialCheck(secret: string | undefined): (header: string | string[] | undefined) => boolean {
  if (secret === undefined) return () => true
  const expected = digest(secret)
  return header => {
    const m = typeof header === 'string' ? /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    const password = colon >= 0 ? decoded.slice(colon + 1) : `\0${crypto.randomUUID()}` // never equal
    return crypto.timingSafeEqual(digest(password), expected)
  }
}
