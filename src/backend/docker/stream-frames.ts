import type { Hijacked } from './engine-client.js'

/**
 * The engine's multiplexed stream (exec and attach without a TTY): frames of an 8-byte header
 * — stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, the payload size as a big-endian
 * uint32 — then the payload. Frames arrive split across chunks in any way; this reassembles
 * them and never holds more than one frame's header and the bytes of the current chunk.
 */
export class StreamFrames {
  private header = Buffer.alloc(0)
  /** bytes of the current frame's payload still to come, and where they go */
  private left = 0
  private target: 1 | 2 = 1

  constructor(
    private readonly onStdout: (chunk: Buffer) => void,
    private readonly onStderr: (chunk: Buffer) => void
  ) {}

  push(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - at)
        const part = chunk.subarray(at, at + take)
        if (this.target === 2) this.onStderr(part)
        else this.onStdout(part)
        this.left -= take
        at += take
        continue
      }
      const need = 8 - this.header.length
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + need)])
      at += Math.min(need, chunk.length - at)
      if (this.header.length < 8) return
      // stdin (0) never comes back from the engine; anything but 2 is treated as output
      this.target = this.header[0] === 2 ? 2 : 1
      this.left = this.header.readUInt32BE(4)
      this.header = Buffer.alloc(0)
    }
  }
}

/** Reads an upgraded connection's frames (the bytes that came with the upgrade first) until it closes; a cut ends it too. */
export function readFramesUntilClosed({ socket, head }: Hijacked, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): Promise<void> {
  const frames = new StreamFrames(onStdout, onStderr)
  if (head.length) frames.push(head)
  return new Promise<void>(resolve => {
    socket.on('data', (c: Buffer) => frames.push(c))
    socket.on('error', () => undefined) // a cut connection ends in 'close' too
    socket.once('close', () => resolve())
  })
}
