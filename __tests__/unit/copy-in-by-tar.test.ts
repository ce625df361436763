/**
 * copyInByTar: the host's tar packs what goes into the guest. It must run with
 * COPYFILE_DISABLE=1 (macOS tar otherwise adds `._name` AppleDouble files for extended
 * attributes), and its stream must reach the guest's untar whole. A `tar` first on PATH records
 * its environment, then runs the real one.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { copyInByTar } from '../../src/backend/copy-in.js'
import type { Backend } from '../../src/backend/types.js'

let dir: string
const savedPath = process.env['PATH']
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-copyin-'))
})
afterEach(() => {
  process.env['PATH'] = savedPath
  fs.rmSync(dir, { recursive: true, force: true })
})

it('runs the host tar with COPYFILE_DISABLE=1 and hands its whole stream to the guest', async () => {
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim()
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  const seen = path.join(dir, 'seen-env')
  fs.writeFileSync(path.join(bin, 'tar'), `#!/bin/sh\necho "COPYFILE_DISABLE=\${COPYFILE_DISABLE:-unset}" > ${seen}\nexec ${realTar} "$@"\n`, { mode: 0o755 })
  process.env['PATH'] = `${bin}:${savedPath}`
  const src = path.join(dir, 'skill')
  fs.mkdirSync(src)
  fs.writeFileSync(path.join(src, 'SKILL.md'), 'a skill\n')

  const out = path.join(dir, 'guest')
  fs.mkdirSync(out)
  let argv: readonly string[] = []
  const exec: Backend['exec'] = async (_name, a, opts) => {
    argv = a
    // the guest's side, played by the real tar on this machine
    const chunks: Buffer[] = []
    for await (const c of opts!.input as NodeJS.ReadableStream) chunks.push(Buffer.from(c as Buffer))
    execFileSync(realTar, ['-x', '-f', '-', '-C', out], { input: Buffer.concat(chunks) })
    return { code: 0, stdout: '', stderr: '' }
  }
  await copyInByTar(exec, 'bottle', src, '/home/bottle/.claude/skills')
  expect(fs.readFileSync(seen, 'utf8')).toBe('COPYFILE_DISABLE=1\n')
  expect(fs.readFileSync(path.join(out, 'skill', 'SKILL.md'), 'utf8')).toBe('a skill\n')
  expect(argv).toEqual(['sh', '-c', 'mkdir -p "$1" && tar -x -o -f - -C "$1"', 'sh', '/home/bottle/.claude/skills'])
})
