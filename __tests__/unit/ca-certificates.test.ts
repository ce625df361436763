import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseCaCertificates } from '../../src/config/ca-certificates.js'
import { makeTestCa } from '../../test/harness/test-ca.mjs'

describe('ca-certificates input', () => {
  const ca = makeTestCa()
  afterAll(() => fs.rmSync(ca.dir, { recursive: true, force: true }))

  it('takes inline PEM (several certificates) and files relative to the workspace', () => {
    expect(parseCaCertificates('', '/')).toEqual([])
    expect(parseCaCertificates(`${ca.ca}\n${ca.cert}`, '/')).toHaveLength(2)
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-ws-'))
    fs.writeFileSync(path.join(ws, 'corp.pem'), ca.ca)
    expect(parseCaCertificates(`corp.pem\n${ca.caFile}\n`, ws)).toEqual([`${ca.ca.trim()}\n`, `${ca.ca.trim()}\n`])
  })

  it('refuses what is not a certificate with one error naming the input and the fix', () => {
    const broken = ca.ca.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA')
    expect(() => parseCaCertificates(broken, '/')).toThrow(
      /^Input 'ca-certificates': certificate 1 of the inline value is not valid PEM .*Give PEM certificates/
    )
    expect(() => parseCaCertificates('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', '/')).toThrow(
      "Input 'ca-certificates': the inline value holds no PEM certificate"
    )
    expect(() => parseCaCertificates('missing.pem', '/nonexistent')).toThrow("Input 'ca-certificates': cannot read '/nonexistent/missing.pem' (ENOENT)")
    expect(() => parseCaCertificates(ca.caFile.replace('ca.pem', 'ca.key'), '/')).toThrow(/holds no PEM certificate/)
  })
})
