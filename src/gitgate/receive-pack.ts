import { demuxSideBand, FLUSH, pktLine, readAllPkts, readPkt } from './pkt-line.js'

export const ZERO_OID = /^0+$/

/** One ref update of a push: `old new ref`. */
export interface RefUpdate {
  ref: string
  old: string
  new: string
}

/** A parsed `git-receive-pack` request: the updates, the client's capabilities, where the pack starts. */
export interface ReceivePackRequest {
  updates: RefUpdate[]
  capabilities: string[]
  packOffset: number
}

export class ReceivePackParseError extends Error {}

/**
 * Parses the command list of a receive-pack request (gitprotocol-pack "Reference Update
 * Request"): the first command carries the capabilities after a NUL; a flush ends the list;
 * with `push-options` a second list follows; then the packfile (absent when only deleting).
 */
export function parseReceivePack(body: Buffer): ReceivePackRequest {
  const updates: RefUpdate[] = []
  let capabilities: string[] = []
  let offset = 0
  for (;;) {
    const r = readPkt(body, offset)
    if (!r) {
      if (updates.length === 0 && offset === body.length) return { updates, capabilities, packOffset: offset }
      throw new ReceivePackParseError('the command list does not end with a flush')
    }
    offset = r.next
    if (r.pkt.kind === 'flush') break
    if (r.pkt.kind !== 'data') throw new ReceivePackParseError('unexpected delimiter in the command list')
    let line = r.pkt.payload.toString('utf8').replace(/\n$/, '')
    if (updates.length === 0) {
      if (line.startsWith('push-cert')) throw new ReceivePackParseError('signed pushes (push-cert) are not supported through the git gate')
      const nul = line.indexOf('\0')
      if (nul >= 0) {
        capabilities = line.slice(nul + 1).split(' ').filter(Boolean)
        line = line.slice(0, nul)
      }
    }
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/\S+)$/.exec(line)
    if (!m) throw new ReceivePackParseError(`malformed ref update '${line.slice(0, 200)}'`)
    updates.push({ old: m[1]!, new: m[2]!, ref: m[3]! })
  }
  if (capabilities.includes('push-options')) {
    for (;;) {
      const r = readPkt(body, offset)
      if (!r) throw new ReceivePackParseError('the push-options list does not end with a flush')
      offset = r.next
      if (r.pkt.kind === 'flush') break
    }
  }
  return { updates, capabilities, packOffset: offset }
}

/** The report-status a receive-pack response carries, per ref ('ok' or the reason it failed). */
export function parseReportStatus(response: Buffer, sideBand: boolean): Map<string, string> {
  const report = sideBand ? demuxSideBand(response).data : response
  const status = new Map<string, string>()
  for (const p of readAllPkts(report)) {
    if (p.kind !== 'data') continue
    const line = p.payload.toString('utf8').replace(/\n$/, '')
    const ok = /^ok (\S+)/.exec(line)
    const ng = /^ng (\S+) (.*)$/.exec(line)
    if (ok) status.set(ok[1]!, 'ok')
    else if (ng) status.set(ng[1]!, ng[2]!)
  }
  return status
}

/**
 * A receive-pack result refusing every update, in the framing the client asked for, so
 * `git push` prints each ref as `! [remote rejected] … (reason)` plus our message.
 */
export function rejectionResponse(req: ReceivePackRequest, reasons: Map<string, string>, message: string): Buffer {
  const lines = [pktLine('unpack ok\n')]
  for (const u of req.updates) lines.push(pktLine(`ng ${u.ref} ${reasons.get(u.ref) ?? 'refused because another ref of this push was refused'}\n`))
  lines.push(FLUSH)
  const report = Buffer.concat(lines)
  if (!req.capabilities.includes('side-band-64k') && !req.capabilities.includes('side-band')) {
    return req.capabilities.some(c => c.startsWith('report-status')) ? report : Buffer.alloc(0)
  }
  const max = req.capabilities.includes('side-band-64k') ? 65515 : 999
  const out: Buffer[] = []
  for (const text of message.split('\n').filter(Boolean)) out.push(pktLine(Buffer.concat([Buffer.from([2]), Buffer.from(`${text}\n`)])))
  for (let i = 0; i < report.length; i += max) out.push(pktLine(Buffer.concat([Buffer.from([1]), report.subarray(i, i + max)])))
  out.push(FLUSH)
  return Buffer.concat(out)
}
