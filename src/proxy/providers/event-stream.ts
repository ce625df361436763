/**
 * A reader of the AWS event stream encoding (application/vnd.amazon.eventstream), as Bedrock's
 * InvokeModelWithResponseStream answers: each message is a 4-byte total length, a 4-byte headers
 * length, a prelude CRC32, the headers (name length, name, value type, value), the payload and a
 * message CRC32, all big-endian (AWS's "Event stream encoding" documentation, and
 * @smithy/eventstream-codec). Only read from a copy, for usage: CRCs are not checked here, the
 * client checks them on the bytes it gets.
 */

export interface EventStreamMessage {
  headers: Record<string, string>
  payload: Buffer
}

/** Fixed-size values by type id (0/1 bool: none; 2 byte; 3 short; 4 int; 5 long; 8 timestamp; 9 uuid). */
const FIXED: Readonly<Record<number, number>> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 }
const BYTES = 6
const STRING = 7

/** Decodes one message's headers; string values only (the others are skipped). */
function decodeHeaders(buf: Buffer): Record<string, string> | undefined {
  const headers: Record<string, string> = {}
  let i = 0
  while (i < buf.length) {
    const nameLen = buf.readUInt8(i)
    const name = buf.toString('utf8', i + 1, i + 1 + nameLen)
    i += 1 + nameLen
    const type = buf.readUInt8(i++)
    if (type === BYTES || type === STRING) {
      const len = buf.readUInt16BE(i)
      if (type === STRING) headers[name] = buf.toString('utf8', i + 2, i + 2 + len)
      i += 2 + len
    } else if (type in FIXED) i += FIXED[type]!
    else return undefined
  }
  return i === buf.length ? headers : undefined
}

/**
 * Splits a byte stream into event stream messages as chunks arrive. A message declaring more than
 * `maxMessage` bytes (Bedrock's are a few KiB) or a malformed one stops the reader: it then reads
 * nothing more.
 */
export function eventStreamReader(onMessage: (m: EventStreamMessage) => void, maxMessage = 1024 * 1024): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0)
  let broken = false
  return chunk => {
    if (broken) return
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
    while (pending.length >= 12) {
      const total = pending.readUInt32BE(0)
      const headersLen = pending.readUInt32BE(4)
      if (total < 16 + headersLen || total > maxMessage) {
        broken = true
        pending = Buffer.alloc(0)
        return
      }
      if (pending.length < total) return
      try {
        const headers = decodeHeaders(pending.subarray(12, 12 + headersLen))
        if (!headers) throw new Error('bad headers')
        onMessage({ headers, payload: pending.subarray(12 + headersLen, total - 4) })
      } catch {
        broken = true
        pending = Buffer.alloc(0)
        return
      }
      pending = pending.subarray(total)
    }
  }
}
