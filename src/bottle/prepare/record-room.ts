import fs from 'node:fs'
import path from 'node:path'

/**
 * Room kept for the record on the runner's disk: a file of real blocks written into the state
 * dir before the agent starts, removed by the post step just before it builds the artifact. What
 * the run writes after the agent (claude's config dir copied out, the door's staging) can fill the
 * disk; the record still gets this much.
 */
export const RECORD_ROOM_FILE = '.record-room'
export const RECORD_ROOM_BYTES = 64 * 1024 * 1024

/** Writes the reservation; false when the disk has not even this much (the record's own writes then say so). */
export function reserveRecordRoom(stateDir: string, bytes = RECORD_ROOM_BYTES): boolean {
  const file = path.join(stateDir, RECORD_ROOM_FILE)
  let fd: number | undefined
  try {
    fd = fs.openSync(file, 'w', 0o600)
    const chunk = Buffer.alloc(1024 * 1024)
    for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written))
    return true
  } catch {
    fs.rmSync(file, { force: true })
    return false
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/** Gives the room back (the post step, before it writes the artifact). */
export function releaseRecordRoom(stateDir: string): void {
  fs.rmSync(path.join(stateDir, RECORD_ROOM_FILE), { force: true })
}
