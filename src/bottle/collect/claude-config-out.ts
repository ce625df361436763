import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { execInto } from '../../backend/exec-into.js'
import { TarReader } from '../../util/tar/tar-reader.js'
import type { Guest } from '../launch/guest.js'
import { GUEST_HOME } from '../prepare/plan.js'

/**
 * claude's config dir (its session files) lives in the bottle; after the run it comes out as a
 * tar stream read as hostile data into a host-only dir: only regular files and directories, plain
 * relative names under `.claude/`, bounded in bytes and files, each file created anew (never
 * through a link). No host directory is ever writable from inside.
 */

const MAX_BYTES = 512 * 1024 * 1024
const MAX_FILES = 20_000

// biome-ignore lint/suspicious/noControlCharactersInRegex: names with control characters are not kept
const BAD_NAME = /[\x00-\x1f\x7f]/

export async function copyClaudeConfigOut(guest: Guest, hostDir: string): Promise<void> {
  fs.mkdirSync(hostDir, { recursive: true, mode: 0o700 })
  let files = 0
  let bytes = 0
  let fd: number | undefined
  const skipped: string[] = []
  const reader = new TarReader({
    entry: e => {
      const rel = e.name.replace(/\/+$/, '')
      const parts = rel.split('/')
      if (parts[0] !== '.claude' || parts.some(p => p === '' || p === '.' || p === '..') || BAD_NAME.test(rel)) return void skipped.push(rel)
      const target = path.join(hostDir, ...parts.slice(1))
      if (e.type === 'dir') return void fs.mkdirSync(target, { recursive: true, mode: 0o700 })
      if (e.type !== 'file') return void skipped.push(rel)
      if (files >= MAX_FILES || bytes + e.size > MAX_BYTES) return void skipped.push(`${rel} (over the record's cap)`)
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
      fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600)
      files++
      bytes += e.size
    },
    data: chunk => {
      if (fd !== undefined) fs.writeSync(fd, chunk)
    },
    entryEnd: () => {
      if (fd !== undefined) fs.closeSync(fd)
      fd = undefined
    }
  })
  const { code, broken } = await execInto(
    guest.backend,
    guest.name,
    ['tar', '-c', '-f', '-', '--format=pax', '-C', GUEST_HOME, '.claude'],
    { user: guest.plan.guestUser, timeoutMs: 5 * 60_000 },
    chunk => reader.push(chunk)
  )
  if (fd !== undefined) fs.closeSync(fd)
  if (broken) core.warning(`claude's config dir came out of the bottle incomplete (${broken})`)
  // a tar that could not read some of it, or that cannot write pax at all (busybox): never a silent loss of the record
  else if (code !== 0)
    core.warning(`claude's config dir came out of the bottle incomplete (tar in the bottle exited ${code}): the record may lack claude's sessions`)
  if (skipped.length)
    core.info(`claude's config dir: left out ${skipped.length} entries (links, special files or over the cap), e.g. ${skipped.slice(0, 3).join(', ')}`)
}
