/**
 * The server name (SNI) of a TLS ClientHello, read from the first bytes a client sends
 * through a CONNECT tunnel, so the egress proxy can refuse a tunnel whose TLS names a host
 * other than the one it was allowed for (domain fronting). Only what is needed is parsed:
 * handshake records → ClientHello → server_name extension → first host_name.
 */

/** The most the proxy buffers while it waits for a whole ClientHello. */
export const MAX_CLIENT_HELLO = 32 * 1024

export type ClientHello =
  | { state: 'incomplete' } // read more bytes
  | { state: 'not-tls' }
  | { state: 'too-large' }
  | { state: 'hello'; sni?: string }

/** Parses as much of `buf` (the tunnel's first bytes) as is needed. */
export function readClientHello(buf: Buffer): ClientHello {
  // the handshake message may span several records: join their payloads
  const parts: Buffer[] = []
  let offset = 0
  let joined = 0
  for (;;) {
    if (buf.length < offset + 5) return more(buf)
    if (buf[offset] !== 0x16 || buf[offset + 1] !== 0x03) return { state: 'not-tls' }
    const len = buf.readUInt16BE(offset + 3)
    if (buf.length < offset + 5 + len) return more(buf)
    parts.push(buf.subarray(offset + 5, offset + 5 + len))
    joined += len
    offset += 5 + len
    if (joined >= 4) {
      const hs = Buffer.concat(parts)
      if (hs[0] !== 0x01) return { state: 'not-tls' } // not a ClientHello
      const bodyLen = hs.readUIntBE(1, 3)
      if (bodyLen > MAX_CLIENT_HELLO) return { state: 'too-large' }
      if (hs.length >= 4 + bodyLen) return helloSni(hs.subarray(4, 4 + bodyLen))
    }
  }
}

function more(buf: Buffer): ClientHello {
  return buf.length >= MAX_CLIENT_HELLO + 5 * 8 ? { state: 'too-large' } : { state: 'incomplete' }
}

function helloSni(body: Buffer): ClientHello {
  try {
    let p = 2 + 32 // client_version, random
    p += 1 + body.readUInt8(p) // session_id
    p += 2 + body.readUInt16BE(p) // cipher_suites
    p += 1 + body.readUInt8(p) // compression_methods
    if (p === body.length) return { state: 'hello' } // no extensions
    const end = p + 2 + body.readUInt16BE(p)
    for (p += 2; p + 4 <= end; ) {
      const type = body.readUInt16BE(p)
      const len = body.readUInt16BE(p + 2)
      if (type === 0) return { state: 'hello', sni: firstHostName(body.subarray(p + 4, p + 4 + len)) }
      p += 4 + len
    }
    return { state: 'hello' }
  } catch {
    return { state: 'not-tls' } // a length pointed past the message
  }
}

function firstHostName(ext: Buffer): string | undefined {
  const end = 2 + ext.readUInt16BE(0)
  for (let p = 2; p + 3 <= end; ) {
    const type = ext.readUInt8(p)
    const len = ext.readUInt16BE(p + 1)
    if (type === 0) return ext.subarray(p + 3, p + 3 + len).toString('latin1')
    p += 3 + len
  }
  return undefined
}
