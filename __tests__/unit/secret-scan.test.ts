/**
 * The git gate's secret scanner on its own: a token split between two 1 MiB scan blocks or
 * across lines (each glue a language uses) is found, memory stays one block plus the overlap,
 * and `git cat-file --batch` is read object by object — with a real git, and with a stand-in
 * git for what a real one does rarely (a header cut between reads, garbage, a hang).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { scanObjects, SecretScanner } from '../../src/gitgate/secret-scan.js'
import { Redactor } from '../../src/transcript/redact.js'

const MIB = 1024 * 1024
const OVERLAP = 20_000
const TOKEN = `ghp_${'Sc4nT0ken'.repeat(4)}AB` // a GitHub token shape (38 characters after ghp_), not a real one
const SECRET = 'run-secret-7f3a9c1e5b2d'

/** A redactor that records the length of every text scanned. */
class Recording extends Redactor {
  scanned: number[] = []
  override kindsIn(text: string): string[] {
    this.scanned.push(text.length)
    return super.kindsIn(text)
  }
}

const scanOf = (redactor: Redactor, ...chunks: string[]) => {
  const s = new SecretScanner(redactor)
  for (const c of chunks) s.write(Buffer.from(c))
  return s.end()
}

describe('SecretScanner', () => {
  it('finds a token split between two 1 MiB scan blocks', () => {
    for (const cut of [1, 4, 9, 20, TOKEN.length - 1]) {
      const first = `${'a'.repeat(MIB - cut - 1)} ${TOKEN.slice(0, cut)}`
      expect(first).toHaveLength(MIB)
      const r = new Recording()
      expect(scanOf(r, first, `${TOKEN.slice(cut)} end`)).toEqual(['github-token'])
      expect(r.scanned[0]).toBe(MIB) // the first block was scanned before the token's end arrived
    }
  })

  it('finds the run’s own secret split between blocks, and a token in a block after many', () => {
    const text = `${'b'.repeat(2 * MIB - 5)}${SECRET}${'c'.repeat(MIB)}${TOKEN}`
    const chunks: string[] = []
    for (let i = 0; i < text.length; i += 64 * 1024) chunks.push(text.slice(i, i + 64 * 1024))
    expect(scanOf(new Redactor([SECRET]), ...chunks).sort()).toEqual(['github-token', 'secret'])
    expect(scanOf(new Redactor([SECRET]), 'x'.repeat(100))).toEqual([])
    expect(scanOf(new Redactor([SECRET]))).toEqual([])
  })

  it('finds a small object only at its end, and a token in the last bytes', () => {
    const s = new SecretScanner(new Redactor())
    s.write(Buffer.from(`ok ${TOKEN.slice(0, 10)}`))
    s.write(Buffer.from(TOKEN.slice(10)))
    expect(s.kinds.size).toBe(0)
    expect(s.end()).toEqual(['github-token'])
  })

  it('keeps one block plus the overlap in memory: each scan is at most 1 MiB and 20000 characters', () => {
    const r = new Recording()
    const s = new SecretScanner(r)
    const chunk = Buffer.from('a'.repeat(64 * 1024))
    for (let i = 0; i < 48; i++) s.write(chunk) // 3 MiB
    expect(r.scanned).toEqual([MIB, MIB + OVERLAP, MIB + OVERLAP])
    expect(s.end()).toEqual([])
    expect(r.scanned).toEqual([MIB, MIB + OVERLAP, MIB + OVERLAP, OVERLAP])
  })

  it('scans a block with line breaks once as it is and once joined, one without once', () => {
    const r = new Recording()
    scanOf(r, 'one line, no break')
    expect(r.scanned).toEqual([18])
    const joined = new Recording()
    scanOf(joined, 'two\nlines')
    expect(joined.scanned).toEqual([9, 8])
  })

  const a = TOKEN.slice(0, 16)
  const b = TOKEN.slice(16)
  it.each([
    ['a plain line break', `${a}\n${b}`],
    ['a CRLF', `${a}\r\n${b}`],
    ['an indented continuation', `${a}\n \t  ${b}`],
    ['JavaScript concatenation', `const t = "${a}" +\n    "${b}"`],
    ['concatenation with the + on the next line', `const t = '${a}'\n  + '${b}'`],
    ['the + on the next line, aligned with spaces after it', `const t = '${a}'\n  +   '${b}'`],
    ['backquoted template strings', `const t = \`${a}\` +\n\t\`${b}\``],
    ["Python's adjacent literals", `t = ('${a}'\n     '${b}')`],
    ["PHP's . operator", `$t = "${a}" .\n  "${b}";`],
    ['PHP with the . on the next line', `$t = "${a}"\n  . "${b}";`],
    ["shell's backslash-newline", `export T=${a}\\\n${b}`],
    ['a CRLF after a quote', `"${a}"\r\n"${b}"`]
  ])('finds a token split across lines by %s', (_what, text) => {
    expect(scanOf(new Redactor(), text)).toEqual(['github-token'])
  })

  it('finds the run’s secret in base64 wrapped at 76 columns', () => {
    const secret = 'a-longer-run-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123'
    const b64 = Buffer.from(secret).toString('base64')
    expect(b64.length).toBeGreaterThan(76)
    expect(scanOf(new Redactor([secret]), `${b64.slice(0, 76)}\n${b64.slice(76)}\n`)).toEqual(['secret'])
  })
})

describe('scanObjects', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-secret-scan-'))
  const gitDir = path.join(dir, 'repo.git')
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'a',
    GIT_AUTHOR_EMAIL: 'a@example.com',
    GIT_COMMITTER_NAME: 'a',
    GIT_COMMITTER_EMAIL: 'a@example.com'
  }
  const git = (args: string[], input?: string | Buffer) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { env, input })
      .toString()
      .trim()
  const blob = (content: string | Buffer) => git(['hash-object', '-w', '--stdin'], content)
  beforeAll(() => execFileSync('git', ['init', '-q', '--bare', gitDir], { env }))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('reads each object whole, in order, with its type, size and the kinds of secret in it', async () => {
    const withToken = blob(`line\n${TOKEN}\n`)
    const plain = blob('nothing here\n')
    const empty = blob('')
    const big = Buffer.from(`${'z'.repeat(3 * MIB)} ${SECRET} ${'y'.repeat(200_000)}`)
    const large = blob(big)
    const tree = git(['mktree'], `100644 blob ${withToken}\ttoken.txt\n`)
    const commit = git(['commit-tree', tree, '-m', `message with ${TOKEN.slice(0, 12)}\n${TOKEN.slice(12)}`], undefined)
    const oids = [withToken, empty, plain, large, empty, commit, tree]
    const scans = await scanObjects(gitDir, env, oids, new Redactor([SECRET]), 30_000)
    expect(scans.map(s => [s.oid, s.type, s.kinds])).toEqual([
      [withToken, 'blob', ['github-token']],
      [empty, 'blob', []],
      [plain, 'blob', []],
      [large, 'blob', ['secret']],
      [empty, 'blob', []],
      [commit, 'commit', ['github-token']],
      [tree, 'tree', []]
    ])
    expect(scans.map(s => s.size)).toEqual([6 + TOKEN.length, 0, 13, big.length, 0, expect.any(Number), 37]) // a tree entry: `100644 token.txt`, NUL, 20-byte oid
  })

  it('refuses an object git does not have, naming it', async () => {
    const missing = 'f'.repeat(40)
    await expect(scanObjects(gitDir, env, [missing], new Redactor(), 30_000)).rejects.toThrow(`git cat-file: ${missing} missing`)
  })

  it('says git ended early, with its exit code and what it said', async () => {
    const notARepo = path.join(dir, 'nowhere')
    await expect(scanObjects(notARepo, env, ['a'.repeat(40)], new Redactor(), 30_000)).rejects.toThrow(
      /^git cat-file --batch ended early \(exit 128: fatal: .*not a git repository/
    )
  })

  it('fails when git cannot be started', async () => {
    await expect(scanObjects(gitDir, { PATH: path.join(dir, 'no-bin') }, ['a'.repeat(40)], new Redactor(), 30_000)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  describe('with a stand-in git', () => {
    const bin = path.join(dir, 'fake-bin')
    const OID = 'a'.repeat(40)
    const OID2 = 'b'.repeat(64)
    /** A `git` (a shell script) that writes `steps` to stdout or stderr, or pauses (a number: ms), then exits. */
    const fakeGit = (steps: (string | number | { err: string })[], exit = 0) => {
      fs.mkdirSync(bin, { recursive: true })
      const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
      const lines = steps.map((s, i) => {
        if (typeof s === 'number') return `${i === steps.length - 1 ? 'exec ' : ''}sleep ${s / 1000}`
        return typeof s === 'string' ? `printf '%s' ${quote(s)}` : `printf '%s' ${quote(s.err)} >&2`
      })
      fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\n${lines.join('\n')}\nexit ${exit}\n`, { mode: 0o755 })
      return { PATH: `${bin}:${process.env.PATH}` }
    }

    it('reads a header cut between two reads, and objects back to back', async () => {
      const e = fakeGit([`${OID} blo`, 50, `b 4\n${TOKEN.slice(0, 2)}`, 50, `${TOKEN.slice(2, 4)}\n${OID2} tag 0\n\n`])
      const scans = await scanObjects(gitDir, e, [OID, OID2], new Redactor(), 30_000)
      expect(scans).toEqual([
        { oid: OID, type: 'blob', size: 4, kinds: [] },
        { oid: OID2, type: 'tag', size: 0, kinds: [] }
      ])
    })

    it('finds a token cut between two reads of one object', async () => {
      const content = `x ${TOKEN} y`
      const e = fakeGit([`${OID} blob ${content.length}\n${content.slice(0, 10)}`, 50, `${content.slice(10)}\n`])
      expect(await scanObjects(gitDir, e, [OID], new Redactor(), 30_000)).toEqual([{ oid: OID, type: 'blob', size: content.length, kinds: ['github-token'] }])
    })

    it.each([
      [`${'a'.repeat(39)} blob 1\nx\n`, `git cat-file: ${'a'.repeat(39)} blob 1`],
      [`${'a'.repeat(65)} blob 1\nx\n`, `git cat-file: ${'a'.repeat(65)} blob 1`],
      [`${'A'.repeat(40)} blob 1\nx\n`, `git cat-file: ${'A'.repeat(40)} blob 1`],
      [`x${OID} blob 1\nx\n`, `git cat-file: x${OID} blob 1`],
      [`${OID} blob 1x\nx\n`, `git cat-file: ${OID} blob 1x`],
      [`${OID} blob -1\nx\n`, `git cat-file: ${OID} blob -1`],
      [`${OID}  blob 1\nx\n`, `git cat-file: ${OID}  blob 1`],
      [`${OID} bl-ob 1\nx\n`, `git cat-file: ${OID} bl-ob 1`],
      [`${OID} blob 1\nxx\n`, 'git cat-file: '] // content longer than its header said
    ])('refuses a malformed header %j', async (out, message) => {
      await expect(scanObjects(gitDir, fakeGit([out]), [OID, OID], new Redactor(), 30_000)).rejects.toThrow(new Error(message))
    })

    it('cuts a long malformed line to 120 characters in the error', async () => {
      const line = `${OID} ${'x'.repeat(150)}`
      await expect(scanObjects(gitDir, fakeGit([`${line}\n`]), [OID], new Redactor(), 30_000)).rejects.toThrow(new Error(`git cat-file: ${line.slice(0, 120)}`))
    })

    it('refuses a header longer than 200 bytes with no line end, without waiting for more', async () => {
      const started = Date.now()
      await expect(scanObjects(gitDir, fakeGit([`${OID} blob `, 20, '1'.repeat(170), 20_000]), [OID], new Redactor(), 30_000)).rejects.toThrow(
        new Error('git cat-file: malformed header')
      )
      expect(Date.now() - started).toBeLessThan(10_000)
      // exactly 200 bytes of header so far is still a header
      const at200 = `${OID} blob ${'0'.repeat(200 - 47)}1`
      expect(Buffer.byteLength(at200)).toBe(200)
      const e = fakeGit([at200, 50, '\nx\n'])
      expect(await scanObjects(gitDir, e, [OID], new Redactor(), 30_000)).toEqual([{ oid: OID, type: 'blob', size: 1, kinds: [] }])
    })

    it('says git ended early when it stops before the last object or exits non-zero, with the end of what it said', async () => {
      await expect(scanObjects(gitDir, fakeGit([`${OID} blob 1\nx\n`]), [OID, OID2], new Redactor(), 30_000)).rejects.toThrow(
        new Error('git cat-file --batch ended early (exit 0)')
      )
      await expect(scanObjects(gitDir, fakeGit([`${OID} blob 1\nx\n`, { err: '  broken  \n' }], 3), [OID], new Redactor(), 30_000)).rejects.toThrow(
        new Error('git cat-file --batch ended early (exit 3: broken)')
      )
      const said = `${'A'.repeat(1000)}${'B'.repeat(1990)}${'C'.repeat(10)}`
      await expect(scanObjects(gitDir, fakeGit([{ err: said }], 1), [OID], new Redactor(), 30_000)).rejects.toThrow(
        new Error(`git cat-file --batch ended early (exit 1: ${'B'.repeat(200)})`)
      )
    })

    it('kills a git that hangs at its deadline', async () => {
      const started = Date.now()
      await expect(scanObjects(gitDir, fakeGit([`${OID} blob 5\nab`, 60_000]), [OID], new Redactor(), 300)).rejects.toThrow(
        new Error('git cat-file --batch ended early (exit null)')
      )
      expect(Date.now() - started).toBeLessThan(10_000)
    })
  })
})
