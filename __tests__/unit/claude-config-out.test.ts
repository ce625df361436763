/**
 * claude's config dir copied out of the bottle: a tar in the bottle that fails (busybox's has no
 * --format=pax; GNU tar exits 2 on a directory it cannot read) is said in the log, never a silent
 * loss of the run's record.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { copyClaudeConfigOut } from '../../src/bottle/collect/claude-config-out.js'
import type { Backend } from '../../src/backend/types.js'
import type { Guest } from '../../src/bottle/launch/guest.js'
import type { StreamedProcess } from '../../src/util/process.js'
import { RecordingBackend } from './recording-backend.js'

class TarFails extends RecordingBackend {
  override execRaw(...args: Partial<Parameters<Backend['execRaw']>>): StreamedProcess {
    const onStderr = args[4]
    onStderr?.(Buffer.from("tar: unrecognized option '--format=pax'\n"))
    return { exited: Promise.resolve({ code: 1, signal: null }), kill: () => undefined, pid: undefined }
  }
}

describe("claude's config dir out of the bottle", () => {
  it('a tar that exits non-zero is one warning in the log', async () => {
    const hostDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cfg-')), 'claude-config')
    const guest = { backend: new TarFails(), name: 'bottle', plan: { guestUser: { uid: 1001, gid: 1001 } } } as unknown as Guest
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      await copyClaudeConfigOut(guest, hostDir)
    } finally {
      spy.mockRestore()
    }
    expect(
      written
        .join('')
        .split('\n')
        .filter(l => l.startsWith('::warning::'))
    ).toEqual(["::warning::claude's config dir came out of the bottle incomplete (tar in the bottle exited 1): the record may lack claude's sessions"])
    expect(fs.readdirSync(hostDir)).toEqual([])
  })
})
