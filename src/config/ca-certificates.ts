import crypto from 'node:crypto'
import { InputError } from '../util/errors.js'
import { readCheckoutFile } from './checkout-path.js'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const FIX = 'Give PEM certificates (-----BEGIN CERTIFICATE----- …) inline, or paths to PEM files, one per line'

/** The certificates in one PEM text; throws naming `source` when there is none or one is broken. */
function certificatesIn(text: string, source: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? []
  if (blocks.length === 0) throw new InputError('ca-certificates', `${source} holds no PEM certificate`, FIX)
  for (const [i, pem] of blocks.entries()) {
    try {
      new crypto.X509Certificate(pem)
    } catch (err) {
      throw new InputError('ca-certificates', `certificate ${i + 1} of ${source} is not valid PEM (${(err as Error).message})`, FIX)
    }
  }
  return blocks.map(b => `${b}\n`)
}

/**
 * Parses `ca-certificates`: inline PEM (one or more certificates), or file paths (relative to
 * the workspace), one per line. Returns the certificates as PEM blocks, each checked.
 */
export function parseCaCertificates(input: string, workspace: string): string[] {
  if (input.trim() === '') return []
  if (input.includes('-----BEGIN')) return certificatesIn(input, 'the inline value')
  return input
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '')
    .flatMap(file => {
      return certificatesIn(readCheckoutFile('ca-certificates', file, workspace), `'${file}'`)
    })
}
