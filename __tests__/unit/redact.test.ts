import { Readable } from 'node:stream'
import { Redactor } from '../../src/transcript/redact.js'

const KEY = 'sk-ant-api03-Zx9Qv7Lm2Pk4Rt6Yw8Ns1Bd3Fg5Hj7Kl9Mn0Pq2Rs4Tu6-ABCDEF'
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'

async function streamed(r: Redactor, chunks: (string | Buffer)[]): Promise<string> {
  const out: Buffer[] = []
  const s = Readable.from(chunks.map(c => (typeof c === 'string' ? Buffer.from(c) : c))).pipe(r.stream())
  for await (const c of s) out.push(Buffer.from(c as string))
  return Buffer.concat(out).toString('utf8')
}

describe('Redactor.redact', () => {
  const r = new Redactor([KEY, 'my-custom-password-123'])

  it('replaces secret values and their encoded forms', () => {
    // each form written out, not taken from secretForms: redact-mutants.test.ts
    expect(r.redact(`x ${Buffer.from(KEY).toString('base64')} y`)).toBe('x [REDACTED:secret] y')
    expect(r.redact('pw=my-custom-password-123;')).toBe('pw=[REDACTED:secret];')
    expect(r.redact(encodeURIComponent('my-custom-password-123'))).toBe('[REDACTED:secret]')
  })

  // every way an agent can write the key so that some decoder turns it back into the key
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0')
  const ENCODED: [string, string][] = [
    ['JSON \\u escapes', [...KEY].map(c => `\\u00${hex(c)}`).join('')],
    ['one JSON escape', `\\u0073${KEY.slice(1)}`],
    ['JSON escapes, upper-case hex', [...KEY].map(c => `\\u00${hex(c).toUpperCase()}`).join('')],
    ['a JSON escape inside a JSON string (escaped backslash)', JSON.stringify(`\\u0073${KEY.slice(1)}`).slice(1, -1)],
    ['URL-encoded, every character', [...KEY].map(c => `%${hex(c)}`).join('')],
    ['URL-encoded, some characters, upper case', KEY.replace(/[a-z]/g, c => `%${hex(c).toUpperCase()}`)],
    ['hex', Buffer.from(KEY).toString('hex')],
    ['HEX', Buffer.from(KEY).toString('hex').toUpperCase()],
    ['C escapes', [...KEY].map(c => `\\x${hex(c)}`).join('')],
    ['mixed', [...KEY].map((c, i) => [c, `%${hex(c)}`, `\\u00${hex(c)}`, hex(c)][i % 4]).join('')]
  ]
  it.each(ENCODED)('replaces the secret written as %s, leaving valid JSON valid', (_how, written) => {
    expect(r.redact(`x ${written} y`)).toBe('x [REDACTED:secret] y')
    const line = JSON.stringify({ text: `x ${written} y` })
    expect(JSON.parse(r.redact(line))).toEqual({ text: 'x [REDACTED:secret] y' })
  })

  it('redacts every decoded string (and key) of a parsed value', () => {
    const parsed = JSON.parse(`{"a":["\\u0073${KEY.slice(1)}"],"\\u0073${KEY.slice(1)}":{"n":1}}`)
    expect(JSON.stringify(parsed)).toContain(KEY)
    expect(r.redactDeep(parsed)).toEqual({ a: ['[REDACTED:secret]'], '[REDACTED:secret]': { n: 1 } })
  })

  it('catches the secret base64-encoded inside larger data, at any alignment, with a trailing newline', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:']) {
      for (const suffix of ['', '\n', 'xyz']) {
        const encoded = Buffer.from(prefix + KEY + suffix).toString('base64')
        const out = r.redact(`blob ${encoded} end`)
        expect({ prefix, suffix, out }).toEqual({ prefix, suffix, out: expect.stringContaining('[REDACTED:secret]') })
        // what is left of the encoding cannot be decoded back to the key
        expect(Buffer.from(out.replace(/\[REDACTED:secret\]/g, ''), 'base64').toString('latin1')).not.toContain(KEY.slice(8, 30))
      }
    }
    expect(r.redact(Buffer.from(KEY).toString('base64url'))).toMatch(/^\[REDACTED:secret\].{0,3}$/)
  })

  it.each([
    ['anthropic-key', `sk-ant-api03-${'a'.repeat(90)}`],
    ['anthropic-key', `sk-ant-oat01-${'B'.repeat(60)}`],
    ['github-token', TOKEN],
    ['github-token', `ghs_${'x'.repeat(36)}`],
    ['github-token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
    ['aws-access-key', 'AKIAIOSFODNN7EXAMPLE'],
    ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----']
  ])('redacts a %s shape', (kind, value) => {
    expect(new Redactor().redact(`before ${value} after`)).toBe(`before [REDACTED:${kind}] after`)
  })

  it.each([
    ['an AWS access key id', 'id ASIAQ3EXAMPLE7ZZZZZZ here', 'id [REDACTED:aws-access-key] here'],
    ['an AWS secret key in a shared credentials file', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', '[REDACTED:aws-secret-key]\n'],
    ['an AWS secret key in env output', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '[REDACTED:aws-secret-key]'],
    [
      'an AWS session token in JSON (STS answer)',
      '{"SessionToken": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example=="}',
      '{"[REDACTED:aws-session-token]"}'
    ],
    ['a Google OAuth access token', 'token ya29.a0AfB_byC-example_access_token_0123456789 end', 'token [REDACTED:google-token] end'],
    ['a Google OAuth refresh token', '"refresh_token": "1//0gExampleRefreshToken-0123456789abcdefgh"', '"refresh_token": "[REDACTED:google-token]"'],
    [
      'a service account private key in its JSON file',
      '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n"',
      '"private_key": "[REDACTED:private-key]\\n"'
    ]
  ])('redacts %s by its shape', (_what, text, redacted) => {
    expect(new Redactor().redact(text)).toBe(redacted)
  })

  it('keeps the bearer scheme word', () => {
    expect(new Redactor().redact('authorization: Bearer abcdefghijklmnop.qrstuv')).toBe('authorization: Bearer [REDACTED:bearer]')
  })

  it('leaves ordinary text alone, and ignores secrets too short to be told from text', () => {
    const text = 'The quick brown fox; ghp_short; sk-ant-x; AKIA123; Bearer tok'
    expect(new Redactor(['fox', 'abc']).redact(text)).toBe(text)
  })
})

describe('Redactor.stream', () => {
  const r = new Redactor([KEY])
  const text = `{"a":"${KEY}","b":"${TOKEN}","c":"${Buffer.from(KEY).toString('base64')}","d":"héllo ✓"}\n`.repeat(3)
  const want = r.redact(text)

  it('gives the same result as redact() however the input is split', async () => {
    expect(want).not.toContain(KEY)
    expect(want).not.toContain(TOKEN)
    for (let cut = 1; cut < text.length; cut += 7) {
      expect(await streamed(r, [text.slice(0, cut), text.slice(cut)])).toBe(want)
    }
  })

  it('handles a secret split across many tiny chunks and a multibyte char split between chunks', async () => {
    const bytes = Buffer.from(text)
    const chunks: Buffer[] = []
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.subarray(i, i + 3))
    expect(await streamed(r, chunks)).toBe(want)
  })

  it('settles matches at the edge of the held-back window the same way, for any chunk size', async () => {
    const long = ['a'.repeat(19_990), KEY, 'b'.repeat(20_003), TOKEN, 'c'.repeat(20_000 - 5), `Bearer ${'t'.repeat(40)}`, 'd'.repeat(7)].join('')
    const expected = r.redact(long)
    for (const size of [1000, 4096, 19_999, 20_000, 20_001, 65_536]) {
      const chunks: string[] = []
      for (let i = 0; i < long.length; i += size) chunks.push(long.slice(i, i + size))
      expect(await streamed(r, chunks)).toBe(expected)
    }
  })

  it('holds back a bounded window: memory does not grow with the input', () => {
    let rest = ''
    let maxRest = 0
    const chunk = 'x'.repeat(64 * 1024) + KEY
    for (let i = 0; i < 50; i++) {
      const s = r.step(rest + chunk, false)
      expect(s.out).not.toContain(KEY)
      rest = s.rest
      maxRest = Math.max(maxRest, rest.length)
    }
    expect(maxRest).toBeLessThanOrEqual(20_000 + KEY.length)
  })
})

describe('the private key rule on a text the agent made of BEGIN lines (attacker review)', () => {
  it('stays linear: a megabyte of BEGIN lines is redacted in well under a second, and a real key block still is', () => {
    const begins = '-----BEGIN PRIVATE KEY----- '.repeat(40_000) // 1.1 MB: each BEGIN used to rescan 16 KiB
    const started = performance.now()
    new Redactor([]).redact(begins)
    // before: about 2 s for this text on a 2-core runner (16 KiB rescanned from each of 40,000 BEGINs); after: about 1 ms
    expect(performance.now() - started).toBeLessThan(400)
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF0qJ6b0kX1eyv4s\n-----END RSA PRIVATE KEY-----'
    expect(new Redactor([]).redact(`a ${key} b`)).not.toContain('MIIEow')
  })
})
