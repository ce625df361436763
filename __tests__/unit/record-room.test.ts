/** The record's room on the runner's disk: real blocks kept before the agent starts, given back by the post step. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RECORD_ROOM_FILE, releaseRecordRoom, reserveRecordRoom } from '../../src/bottle/prepare/record-room.js'
import { RECORD_FILES } from '../../src/transcript/record-files.js'

describe('record room', () => {
  it('writes real blocks (not a sparse file), is never part of the record, and is given back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-room-'))
    expect(reserveRecordRoom(dir, 4 * 1024 * 1024)).toBe(true)
    const st = fs.statSync(path.join(dir, RECORD_ROOM_FILE))
    expect(st.size).toBe(4 * 1024 * 1024)
    expect(st.blocks * 512).toBeGreaterThanOrEqual(4 * 1024 * 1024)
    expect(st.mode & 0o777).toBe(0o600)
    expect(RECORD_FILES as readonly string[]).not.toContain(RECORD_ROOM_FILE)
    releaseRecordRoom(dir)
    expect(fs.existsSync(path.join(dir, RECORD_ROOM_FILE))).toBe(false)
    releaseRecordRoom(dir) // twice: nothing to do
  })
  it('says so, and leaves nothing half-written, when the disk has no room', () => {
    expect(reserveRecordRoom('/proc/self', 1024)).toBe(false)
  })
})
