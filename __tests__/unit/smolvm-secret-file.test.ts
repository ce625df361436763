/**
 * What smolvm's --secret-file would change or refuse (secrets.rs:40, 88-104, 417): the backend
 * refuses such a value before smolvm sees it, naming the variable and never the value.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { testSpec } from './recording-backend.js'
import { SmolvmBackend, secretFileProblem } from '../../src/backend/smolvm/smolvm-backend.js'

describe("the guest environment through smolvm's --secret-file", () => {
  it.each([
    ['a trailing newline', 'value\n', "ends in a line break, which smolvm's --secret-file would drop"],
    ['a trailing carriage return', 'value\r', "ends in a line break, which smolvm's --secret-file would drop"],
    ['1 MiB and one byte', 'x'.repeat(1024 * 1024 + 1), "is over 1 MiB, the most smolvm's --secret-file takes"],
    ['a lone high surrogate', 'a\uD800b', "is not valid Unicode, which smolvm's --secret-file cannot carry"],
    ['a lone low surrogate', '\uDC00', "is not valid Unicode, which smolvm's --secret-file cannot carry"]
  ])('refuses %s', (_what, value, why) => {
    expect(secretFileProblem(value)).toBe(why)
  })

  it.each([
    ['a plain value', 'http://100.96.0.1:41001'],
    ['a newline inside', 'line one\nline two'],
    ['exactly 1 MiB', 'x'.repeat(1024 * 1024)],
    ['an astral character (a surrogate pair)', 'key-\u{1F511}'],
    ['the empty string', '']
  ])('passes %s', (_what, value) => {
    expect(secretFileProblem(value)).toBeUndefined()
  })

  it('create fails with the variable named, the value never, before smolvm runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-secret-file-'))
    const calls: string[] = []
    const backend = new SmolvmBackend('/nonexistent/smolvm', '/nonexistent/docker', dir)
    // checked before the image is fetched or saved: nothing runs, no docker, no smolvm
    Object.assign(backend, { run: async (args: string[]) => (calls.push(args.join(' ')), { code: 0, stdout: '', stderr: '' }) })
    const err = await backend.create(testSpec('bb-x', dir, { env: { OK: 'fine', TOKENISH: 'sk-value-with-newline\n' } })).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toContain("smolvm: the guest environment variable TOKENISH ends in a line break, which smolvm's --secret-file would drop")
    expect((err as Error).message).not.toContain('sk-value-with-newline')
    expect(calls.filter(c => c.startsWith('machine create'))).toEqual([])
  })
})
