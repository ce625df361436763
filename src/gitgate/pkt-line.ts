/**
 * Git's pkt-line framing (gitprotocol-common): four hex digits of length (including
 * themselves), then the payload; `0000` is a flush. Side-band packets carry a band byte first.
 */
export const FLUSH = Buffer.from('0000')

export function pktLine(payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload
  if (data.length > 65516) throw new Error('pkt-line payload too long')
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, '0')), data])
}

export type Pkt = { kind: 'data'; payload: Buffer } | { kind: 'flush' } | { kind: 'delim' } | { kind: 'end' }

/** Reads pkt-lines from `buf` starting at `offset`; `next` is where reading stopped. */
export function readPkt(buf: Buffer, offset: number): { pkt: Pkt; next: number } | undefined {
  if (offset + 4 > buf.length) return undefined
  const head = buf.toString('latin1', offset, offset + 4)
  if (!/^[0-9a-f]{4}$/i.test(head)) throw new Error(`malformed pkt-line length '${head}'`)
  const len = parseInt(head, 16)
  if (len === 0) return { pkt: { kind: 'flush' }, next: offset + 4 }
  if (len === 1) return { pkt: { kind: 'delim' }, next: offset + 4 }
  if (len === 2) return { pkt: { kind: 'end' }, next: offset + 4 }
  if (len < 4 || offset + len > buf.length) throw new Error('truncated pkt-line')
  return { pkt: { kind: 'data', payload: buf.subarray(offset + 4, offset + len) }, next: offset + len }
}

/** Every pkt-line in `buf` (stops at the end of the data, or at the first non-pkt byte sequence). */
export function readAllPkts(buf: Buffer): Pkt[] {
  const pkts: Pkt[] = []
  let offset = 0
  for (;;) {
    const r = readPkt(buf, offset)
    if (!r) return pkts
    pkts.push(r.pkt)
    offset = r.next
  }
}

/** Joins side-band band-1 data of a response (band 2 is progress, band 3 a fatal error). */
export function demuxSideBand(buf: Buffer): { data: Buffer; progress: string; error: string } {
  const data: Buffer[] = []
  let progress = ''
  let error = ''
  for (const p of readAllPkts(buf)) {
    if (p.kind !== 'data' || p.payload.length === 0) continue
    const band = p.payload[0]
    const body = p.payload.subarray(1)
    if (band === 1) data.push(body)
    else if (band === 2) progress += body.toString('utf8')
    else if (band === 3) error += body.toString('utf8')
  }
  return { data: Buffer.concat(data), progress, error }
}
