/**
 * Redaction with its expected values written out: each form of a secret (raw, base64 at each
 * alignment, base64url, URL-, JSON- and hex-encoded) as the text an agent would print, secrets
 * that need JSON escaping (quotes, backslashes, line breaks), the 8-character minimum, secrets too
 * long for the per-character pattern, and streaming that agrees with redact() at every length.
 */
import { Readable } from 'node:stream'
import { Redactor } from '../../src/transcript/redact.js'

const R = '[REDACTED:secret]'

async function streamed(r: Redactor, chunks: string[]): Promise<string> {
  const out: Buffer[] = []
  for await (const c of Readable.from(chunks.map(c => Buffer.from(c))).pipe(r.stream())) out.push(Buffer.from(c as string))
  return Buffer.concat(out).toString('utf8')
}
const inChunks = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size))

describe('a secret’s forms, written out', () => {
  const r = new Redactor(['hunter2-Secret!'])
  it.each([
    ['itself', 'hunter2-Secret!', R],
    ['base64', 'aHVudGVyMi1TZWNyZXQh', R],
    ['base64 after one byte', 'YWh1bnRlcjItU2VjcmV0IQ==', `YWh1${R}IQ==`],
    ['base64 after two bytes', 'YWJodW50ZXIyLVNlY3JldCE=', `YWJo${R}dCE=`],
    ['URL-encoded', 'hunter2-Secret%21', R],
    ['hex', '68756e746572322d53656372657421', R],
    ['HEX', '68756E746572322D53656372657421', R],
    ['hex, mixed case', '68756E746572322d53656372657421', R],
    ['JSON \\u escapes', '\\u0068\\u0075\\u006e\\u0074\\u0065\\u0072\\u0032\\u002d\\u0053\\u0065\\u0063\\u0072\\u0065\\u0074\\u0021', R],
    ['C escapes, some', 'hunter2-\\x53ecret\\x21', R],
    ['URL escapes, some', '%68unter2-Secre%74!', R]
  ])('%s: %s', (_how, written, redacted) => {
    expect(r.redact(`[${written}]`)).toBe(`[${redacted}]`)
  })

  it('leaves a near miss alone', () => {
    for (const text of ['hunter2-Secret', 'hunter2-secret!', 'hunter2_Secret!', 'aHVudGVyMi1TZWNyZXQ', 'hunter2-Secret%2']) {
      expect(r.redact(`${text} `)).toBe(`${text} `)
    }
  })

  it('base64url, and base64 with + and /', () => {
    const u = new Redactor(['a+b/c?d~e>f?'])
    expect(u.redact('YStiL2M/ZH5lPmY/')).toBe(R)
    expect(u.redact('YStiL2M_ZH5lPmY_')).toBe(R)
  })
})

describe('secrets that JSON escapes', () => {
  it.each([
    ['a quote', 'pa"ss-word-1', 'pa\\"ss-word-1'],
    ['a backslash', 'pa\\ss-word-1', 'pa\\\\ss-word-1'],
    ['a line break', 'first-line\nsecond-line', 'first-line\\nsecond-line'],
    ['a tab and a quote', 'tab\tand"quote', 'tab\\tand\\"quote'],
    ['a control character', 'bell\u0007-secret', 'bell\\u0007-secret']
  ])('finds a secret with %s as it stands in a JSON string', (_what, secret, inJson) => {
    const r = new Redactor([secret])
    const line = JSON.stringify({ text: `before ${secret} after` })
    expect(line).toBe(`{"text":"before ${inJson} after"}`)
    expect(r.redact(line)).toBe(`{"text":"before ${R} after"}`)
    expect(r.redact(`before ${secret} after`)).toBe(`before ${R} after`)
  })

  it('finds a multi-line private key given as a secret in the JSON transcript', () => {
    const pem = `-----BEGIN KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(3)}\nAbCd==\n-----END KEY-----\n`
    const r = new Redactor([pem])
    const line = JSON.stringify({ type: 'tool_result', content: `cat key.pem:\n${pem}done` })
    expect(JSON.parse(r.redact(line))).toEqual({ type: 'tool_result', content: `cat key.pem:\n${R}done` })
  })
})

describe('the 8-character minimum', () => {
  const r = new Redactor(['Pa55w0rd', 'Sh0rt12'])
  it('redacts a secret of 8 characters in each of its forms', () => {
    expect(r.redact('pw Pa55w0rd.')).toBe(`pw ${R}.`)
    expect(r.redact('UGE1NXcwcmQ=')).toBe(R)
    expect(r.redact('UGE1NXcwcmQK')).toBe(`${R}cmQK`) // echo "$PW" | base64: the last group mixes in the newline
    expect(r.redact('eFBhNTV3MHJk')).toBe(`eFBh${R}`) // after one byte
    expect(r.redact('eHlQYTU1dzByZA==')).toBe(`eHlQ${R}ZA==`) // after two bytes
    expect(r.redact('50613535773072640a')).toBe(`${R}0a`)
    expect(r.redact('\\u0050a55w0rd')).toBe(R)
  })

  it('leaves one of 7 characters alone: it could be any word', () => {
    expect(r.redact('Sh0rt12 U2gwcnQxMg== 53683072743132')).toBe('Sh0rt12 U2gwcnQxMg== 53683072743132')
  })
})

describe('regex characters in a secret are literal', () => {
  const secret = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o'
  const r = new Redactor([secret])
  it('redacts the secret, and not text its characters would match as a pattern', () => {
    expect(r.redact(`<${secret}>`)).toBe(`<${R}>`)
    expect(r.redact('<abcdefghijklmno>')).toBe('<abcdefghijklmno>')
  })
})

describe('secrets too long for the per-character pattern (over 1538 characters)', () => {
  const long = Array.from({ length: 1600 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i * 7) % 36]).join('')
  const r = new Redactor([long])
  const bytes = Buffer.from(long)
  it.each([
    ['itself', long, R],
    ['base64', bytes.toString('base64'), R],
    ['base64 after one byte', Buffer.concat([Buffer.from('x'), bytes]).toString('base64'), expect.stringMatching(/^.{4}\[REDACTED:secret\].{0,4}$/)],
    ['base64 after two bytes', Buffer.concat([Buffer.from('xy'), bytes]).toString('base64'), expect.stringMatching(/^.{4}\[REDACTED:secret\].{0,4}$/)],
    ['base64url', bytes.toString('base64url'), expect.stringMatching(/^\[REDACTED:secret\].{0,4}$/)],
    ['hex', bytes.toString('hex'), R],
    ['HEX', bytes.toString('hex').toUpperCase(), R]
  ])('redacts it written as %s', (_how, written, redacted) => {
    expect(r.redact(written)).toEqual(redacted)
  })

  it('matches no literal "undefined" where a pattern was left out', () => {
    expect(r.redact('the value is undefined')).toBe('the value is undefined')
  })

  it('catches a 10000-character secret in hex: its 20000 hex characters just fit the window', () => {
    const huge = `${'q'.repeat(9_999)}z`
    const hexForm = Buffer.from(huge).toString('hex')
    expect(hexForm).toHaveLength(20_000)
    expect(new Redactor([huge]).redact(`<${hexForm}>`)).toBe(`<${R}>`)
  })
})

describe('streaming agrees with redact()', () => {
  it('for a long secret written in forms longer than the window, in chunks of every size', async () => {
    const long = `${'k'.repeat(1799)}K`
    const r = new Redactor([long])
    // each character as JSON's \u escape behind 8 backslashes: 23400 characters, longer than any rule may match
    const escaped = [...long].map(c => `\\\\\\\\\\\\\\\\u00${c.charCodeAt(0).toString(16)}`).join('')
    const hexOfHuge = Buffer.from('h'.repeat(15_000)).toString('hex') // 30000 characters
    const text = `a ${escaped} b ${hexOfHuge} c ${long} d`
    const whole = new Redactor([long, 'h'.repeat(15_000)]).redact(text)
    for (const size of [997, 20_000, 65_536]) {
      expect(await streamed(new Redactor([long, 'h'.repeat(15_000)]), inChunks(text, size))).toBe(whole)
    }
    expect(r.redact(`x ${long} y`)).toBe(`x ${R} y`)
  })

  it('for secrets back to back, far from the end of the stream', async () => {
    const key = 'sk-ant-api03-BackToBack-0123456789abcdefghij'
    const r = new Redactor([key])
    const text = `${key}${key}|${key}${'.'.repeat(25_000)}`
    const want = `${R}${R}|${R}${'.'.repeat(25_000)}`
    expect(r.redact(text)).toBe(want)
    for (const size of [64, 4096, 30_000]) expect(await streamed(r, inChunks(text, size))).toBe(want)
    const s = r.step(text, false)
    expect(s.out + r.step(s.rest, true).out).toBe(want)
  })

  it('holds back a bearer token that may go on in the next chunk', async () => {
    const r = new Redactor()
    expect(await streamed(r, ['Authorization: Bearer abcdefghijklmnop', 'qrstuvwxyz secret-tail end'])).toBe(
      'Authorization: Bearer [REDACTED:bearer] secret-tail end'
    )
    const pad = '#'.repeat(30_000)
    expect(await streamed(r, [`${pad}Bearer abcdefghijklmnop`, `qrstuvwxyz${pad}`])).toBe(`${pad}Bearer [REDACTED:bearer]${pad}`)
  })
})

describe('markers, kinds and parsed values', () => {
  const r = new Redactor(['run-secret-0123'])
  it('redacts every occurrence and names each kind', () => {
    const text = 'run-secret-0123 ghp_abcdefghijklmnopqrstuvwxyz0123456789 AKIAIOSFODNN7EXAMPLE run-secret-0123 bearer   abcdefghijklmnopq'
    expect(r.redact(text)).toBe(`${R} [REDACTED:github-token] [REDACTED:aws-access-key] ${R} bearer   [REDACTED:bearer]`)
    expect(r.kindsIn(text)).toEqual(['secret', 'github-token', 'aws-access-key', 'bearer'])
    expect(r.kindsIn('nothing here')).toEqual([])
  })

  it('redacts strings and keys deep in a parsed value and leaves other values as they are', () => {
    const value = { 'run-secret-0123': [1, null, true, 'x run-secret-0123', { n: 2.5, s: 'Bearer abcdefghijklmnopq' }], plain: false, none: null }
    expect(r.redactDeep(value)).toEqual({ [R]: [1, null, true, `x ${R}`, { n: 2.5, s: 'Bearer [REDACTED:bearer]' }], plain: false, none: null })
    expect(r.redactDeep(null)).toBeNull()
    expect(r.redactDeep(7)).toBe(7)
    expect(r.redactDeep(undefined)).toBeUndefined()
  })
})

describe('which characters have escaped forms (printable ASCII only, 0x20 to 0x7e)', () => {
  it('a space and a tilde, the two ends of printable ASCII, are caught escaped', () => {
    const r = new Redactor(['open sesame~4242'])
    expect(r.redact('a open%20sesame~4242 b')).toBe(`a ${R} b`)
    expect(r.redact('a open sesame%7e4242 b')).toBe(`a ${R} b`)
    expect(r.redact('a open\\x20sesame\\u007E4242 b')).toBe(`a ${R} b`)
  })

  it('a character outside printable ASCII is matched only as itself: its code in hex is ordinary text', () => {
    // ä is 0xe4 and a tab 0x09: "e4" and "09" written where they stand are not the secret
    const r = new Redactor(['pässwörd-4242', 'tab\there-4242'])
    expect(r.redact('x pässwörd-4242 y')).toBe(`x ${R} y`)
    expect(r.redact('x pe4sswf6rd-4242 y')).toBe('x pe4sswf6rd-4242 y')
    expect(r.redact('x tab09here-4242 y')).toBe('x tab09here-4242 y')
    expect(r.redact('x tab\there-4242 y')).toBe(`x ${R} y`)
  })

  it("JSON's \\/ stands for a slash, and for no other character", () => {
    const r = new Redactor(['path/to/secret-4242', 'abcdefgh-4242'])
    expect(r.redact('"path\\/to\\/secret-4242"')).toBe(`"${R}"`)
    expect(r.redact('abc\\/efgh-4242')).toBe('abc\\/efgh-4242')
  })
})

describe('the constructor and the markers', () => {
  it('with no secrets, only the shapes are redacted', () => {
    expect(new Redactor().redact('Stryker was here, and so was this text')).toBe('Stryker was here, and so was this text')
  })

  it('a secret that has a shorter secret at its start is redacted whole (longest first)', () => {
    for (const secrets of [
      ['password1234', 'password1234-and-the-rest'],
      ['password1234-and-the-rest', 'password1234']
    ]) {
      expect(new Redactor(secrets).redact('x password1234-and-the-rest y')).toBe(`x ${R} y`)
    }
  })

  it('keeps the word Bearer only for a bearer header, not for a secret of the run that starts with it', () => {
    expect(new Redactor(['Bearer run-secret-4242']).redact('auth: Bearer run-secret-4242')).toBe(`auth: ${R}`)
    expect(new Redactor().redact('authorization: Bearer abcdefghijklmnopqrstuvwxyz')).toBe('authorization: Bearer [REDACTED:bearer]')
  })
})
