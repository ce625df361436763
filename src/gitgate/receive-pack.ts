import { demuxSideBand, FLUSH, pktLine, readAllPkts, readPkt, type Pkt } from './pkt-line.js'

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
  /** why the whole push is refused although its commands could be read (reported on every ref) */
  refusal?: string
  packOffset: number
}

export class ReceivePackParseError extends Error {}

const OID = '[0-9a-f]{40}|[0-9a-f]{64}'
const COMMAND = new RegExp(`^(${OID}) (${OID}) (.+)$`, 's')
const SHALLOW = new RegExp(`^shallow (${OID})$`)

/** The next pkt-line of the command list; `head` may be the first part of a longer body of `total` bytes. */
function nextPkt(head: Buffer, offset: number, total: number): { pkt: Pkt; next: number } | undefined {
  try {
    const r = readPkt(head, offset)
    if (r || head.length === total) return r
  } catch (err) {
    if (head.length === total || !/truncated/.test((err as Error).message)) throw new ReceivePackParseError((err as Error).message)
  }
  throw new ReceivePackParseError(`the command list is longer than the gate reads (${head.length} bytes)`)
}

/**
 * Reads the command list of a receive-pack request as git's receive-pack does
 * (builtin/receive-pack.c read_head_info/queue_command; gitprotocol-pack "Reference Update
 * Request"): `shallow <oid>` lines are skipped; a packet loses one trailing LF; a command is
 * `old SP new SP name`, the name running up to the first NUL; after the NUL come capabilities.
 * Git would read capabilities after a NUL on any line, and cut that line's ref name there: real
 * git sends them on the first command only, so a NUL in a later command refuses the push.
 * A flush ends the list; with `push-options` a second list follows; then the pack (absent when
 * only deleting). `head` is the start of the body, `total` its full length.
 */
export function parseReceivePack(head: Buffer, total = head.length): ReceivePackRequest {
  const updates: RefUpdate[] = []
  let capabilities: string[] = []
  let refusal: string | undefined
  let offset = 0
  for (;;) {
    const r = nextPkt(head, offset, total)
    if (!r) {
      if (updates.length === 0 && offset === total) return { updates, capabilities, packOffset: offset }
      throw new ReceivePackParseError('the command list does not end with a flush')
    }
    offset = r.next
    if (r.pkt.kind === 'flush') break
    if (r.pkt.kind !== 'data') throw new ReceivePackParseError('unexpected delimiter in the command list')
    // latin1: one character per byte, so the name judged is byte for byte the name git reads
    const text = r.pkt.payload.toString('latin1').replace(/\n$/, '')
    if (text.startsWith('shallow ')) {
      if (!SHALLOW.test(text)) throw new ReceivePackParseError(`malformed shallow line '${text.slice(0, 200)}'`)
      continue
    }
    const nul = text.indexOf('\0')
    const line = nul >= 0 ? text.slice(0, nul) : text
    if (nul >= 0 && updates.length === 0)
      capabilities = text
        .slice(nul + 1)
        .split('\0')[0]!
        .split(' ')
        .filter(Boolean)
    else if (nul >= 0) refusal ??= 'bot-bottle: a command after the first carries a NUL (capabilities belong on the first command only)'
    if (line === 'push-cert') throw new ReceivePackParseError('signed pushes (push-cert) are not supported through the git gate')
    const m = COMMAND.exec(line)
    if (!m) throw new ReceivePackParseError(`malformed ref update '${line.slice(0, 200)}'`)
    updates.push({ old: m[1]!, new: m[2]!, ref: m[3]! })
  }
  if (capabilities.includes('push-options')) {
    for (;;) {
      const r = nextPkt(head, offset, total)
      if (!r) throw new ReceivePackParseError('the push-options list does not end with a flush')
      offset = r.next
      if (r.pkt.kind === 'flush') break
    }
  }
  return { updates, capabilities, refusal, packOffset: offset }
}

/** Whether receive-pack answers this request in side-band (it honours side-band-64k only). */
export function usesSideBand(req: ReceivePackRequest): boolean {
  return req.capabilities.includes('side-band-64k')
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
 * A receive-pack result refusing every update (`reasons` by update index), in the framing the
 * client asked for, so `git push` prints each ref as `! [remote rejected] … (reason)` plus our message.
 */
export function rejectionResponse(req: ReceivePackRequest, reasons: readonly string[], message: string): Buffer {
  const lines = [pktLine('unpack ok\n')]
  // the name as the client sent it (latin1 = its bytes), cut so the line fits one packet
  for (const [i, u] of req.updates.entries()) lines.push(pktLine(Buffer.from(`ng ${u.ref.slice(0, 4096)} ${reasons[i]}\n`, 'latin1')))
  lines.push(FLUSH)
  const report = Buffer.concat(lines)
  if (!usesSideBand(req)) return req.capabilities.some(c => c.startsWith('report-status')) ? report : Buffer.alloc(0)
  const max = 65515
  const out: Buffer[] = []
  for (const text of message.split('\n').filter(Boolean)) out.push(pktLine(Buffer.concat([Buffer.from([2]), Buffer.from(`${text}\n`)])))
  for (let i = 0; i < report.length; i += max) out.push(pktLine(Buffer.concat([Buffer.from([1]), report.subarray(i, i + max)])))
  out.push(FLUSH)
  return Buffer.concat(out)
}
