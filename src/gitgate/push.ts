import crypto from 'node:crypto'
import fs from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { judgeContent, type ContentRules, type ContentVerdict } from './content-rules.js'
import type { RecordDecision } from './decisions.js'
import type { GateLimits } from './limits.js'
import type { GateRepo, PushObjects } from './push-objects.js'
import { judgePush, REFUSED_WITH_ANOTHER } from './push-judge.js'
import type { PushPolicy } from '../config/git-policy.js'
import type { UpdateVerdict } from './push-policy.js'
import {
  parseReceivePack,
  parseReportStatus,
  ReceivePackParseError,
  rejectionResponse,
  usesSideBand,
  ZERO_OID,
  type ReceivePackRequest
} from './receive-pack.js'
import { CREDENTIAL_REFUSED, refuse, type UpstreamRelay } from './relay.js'
import { bodyEncoding, BodyRefusedError, drainRequest, spoolBody, type SpooledBody } from './spool.js'

/** What a push needs from the gate. */
export interface PushContext {
  relay: UpstreamRelay
  policy: PushPolicy
  /** the gate's copy of the upstream, where each push's objects are indexed and judged */
  repo: GateRepo
  content: ContentRules
  limits: GateLimits
  /** host-only dir for request bodies while they are judged */
  bodiesDir: string
  /** refs the upstream accepted, appended in push order */
  pushed: string[]
}

/** Answers a push in git's report format: `! [remote rejected] <ref> (<reason>)` for every ref. */
function reportRefusal(res: http.ServerResponse, request: ReceivePackRequest, reasons: string[]): void {
  const own = [...new Set(reasons.filter(r => r !== REFUSED_WITH_ANOTHER))]
  res.writeHead(200, { 'content-type': 'application/x-git-receive-pack-result', 'cache-control': 'no-cache' })
  res.end(rejectionResponse(request, reasons, `bot-bottle git gate refused this push:\n${own.join('\n')}`))
}

/**
 * One `git-receive-pack` POST: the body goes to disk (within the limits), its commands are
 * judged, and only a push whose every update passed is sent on, from that file, exactly as
 * judged. Every ref's fate goes to git.jsonl.
 */
export async function handlePush(ctx: PushContext, req: http.IncomingMessage, res: http.ServerResponse, target: string, record: RecordDecision): Promise<void> {
  const blocked = (reason: string, bytes_up: number) => record({ service: 'receive-pack', decision: 'blocked', reason, bytes_up, bytes_down: 0 })
  if (!bodyEncoding(req)) {
    req.resume()
    blocked(`unsupported Content-Encoding '${String(req.headers['content-encoding']).slice(0, 40)}'`, 0)
    return refuse(res, 415, 'send the push as gzip or uncompressed, as git does')
  }
  const file = path.join(ctx.bodiesDir, `push-${crypto.randomBytes(8).toString('hex')}`)
  try {
    let body: SpooledBody
    try {
      body = await spoolBody(req, file, ctx.limits)
    } catch (err) {
      if (!(err instanceof BodyRefusedError)) throw err
      drainRequest(req)
      return refuseBody(res, err, record)
    }
    let request: ReceivePackRequest
    try {
      request = parseReceivePack(body.head, body.size)
    } catch (err) {
      if (!(err instanceof ReceivePackParseError)) throw err
      blocked(err.message, body.size)
      return refuse(res, 400, err.message)
    }
    // the pushed objects, indexed beside the upstream's (only a push of deletes sends none)
    const pack = () => fs.createReadStream(file, { start: request.packOffset })
    let received: Promise<PushObjects> | undefined
    const objects = () => (received ??= ctx.repo.receive(pack, request.updates))
    try {
      const verdicts = await judgePush(request, ctx.policy, async updates => {
        const o = await objects()
        return Promise.all(updates.map(u => o.isAncestor(u.old, u.new)))
      })
      const sendsObjects = request.updates.some(u => !ZERO_OID.test(u.new))
      const content = sendsObjects && verdicts.every(v => v.allowed) ? await checkContent(ctx, await objects(), request) : undefined
      const reasons = refusals(verdicts, content)
      if (reasons) {
        for (const [i, u] of request.updates.entries())
          record({
            service: 'receive-pack',
            decision: 'blocked',
            reason: reasons[i]!,
            ref: u.ref,
            old: u.old,
            new: u.new,
            bytes_up: body.size,
            bytes_down: 0,
            ...scanFields(content, i)
          })
        return reportRefusal(res, request, reasons)
      }
      await sendOn(
        ctx,
        req,
        res,
        target,
        body,
        request,
        verdicts.map(v => (v.allowed ? v.rule : '')),
        record,
        content
      )
    } finally {
      if (received) (await received.catch(() => undefined))?.dispose()
    }
  } finally {
    fs.rmSync(file, { force: true })
  }
}

/** The content rules' verdict; a check that could not run refuses the push (it is never waved through). */
async function checkContent(ctx: PushContext, objects: PushObjects, request: ReceivePackRequest): Promise<ContentVerdict> {
  try {
    return await judgeContent(objects, request.updates, ctx.content, ctx.limits)
  } catch (err) {
    const reason = `bot-bottle: the gate could not check the pushed objects (${(err as Error).message.slice(0, 300)})`
    return { reasons: request.updates.map(() => reason), findings: request.updates.map(() => []), scannedBytes: 0, ms: 0 }
  }
}

/** Per update, why the push is refused (every update gets a reason), or undefined when it may go on. */
function refusals(verdicts: readonly UpdateVerdict[], content: ContentVerdict | undefined): string[] | undefined {
  if (verdicts.some(v => !v.allowed)) return verdicts.map(v => (v.allowed ? REFUSED_WITH_ANOTHER : v.reason))
  if (!content?.reasons.some(r => r !== undefined)) return undefined
  return content.reasons.map(r => r ?? REFUSED_WITH_ANOTHER)
}

/** The content check's record for update `i` in git.jsonl. */
function scanFields(content: ContentVerdict | undefined, i: number) {
  if (!content) return {}
  const findings = content.findings[i]!
  return { ...(findings.length ? { findings } : {}), scanned_bytes: content.scannedBytes, scan_ms: content.ms }
}

/** A body over a limit: refused on every ref it names (each in git.jsonl), or as a whole when its commands did not arrive. */
function refuseBody(res: http.ServerResponse, err: BodyRefusedError, record: RecordDecision): void {
  let request: ReceivePackRequest | undefined
  try {
    request = parseReceivePack(err.head, Math.max(err.size, err.head.length + 1))
  } catch {
    request = undefined
  }
  const blocked = { service: 'receive-pack', decision: 'blocked', reason: err.message, bytes_up: err.size, bytes_down: 0 } as const
  if (!request?.updates.length) {
    record(blocked)
    refuse(res, 413, err.message)
    return
  }
  for (const u of request.updates) record({ ...blocked, ref: u.ref, old: u.old, new: u.new })
  reportRefusal(
    res,
    request,
    request.updates.map(() => err.message)
  )
}

/** Sends a judged push to the upstream from its file, relays the answer, and records each ref's fate. */
function sendOn(
  ctx: PushContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: string,
  body: SpooledBody,
  request: ReceivePackRequest,
  rules: string[],
  record: RecordDecision,
  content: ContentVerdict | undefined
): Promise<void> {
  const { updates } = request
  return new Promise<void>(resolve => {
    const ureq = ctx.relay.request(
      req,
      target,
      ures => {
        const chunks: Buffer[] = []
        ures.on('data', (c: Buffer) => chunks.push(c))
        ures.on('error', () => resolve())
        ures.on('end', () => {
          const reply = Buffer.concat(chunks)
          const status = ctx.relay.relayHead(res, ures)
          res.end(ures.statusCode === 401 ? `bot-bottle git gate: ${CREDENTIAL_REFUSED} may push to this repository\n` : reply)
          const report = ures.statusCode === 200 ? parseReportStatus(reply, usesSideBand(request)) : new Map<string, string>()
          updates.forEach((u, i) => {
            const verdict = report.get(u.ref) ?? `upstream answered HTTP ${ures.statusCode}`
            if (verdict === 'ok') ctx.pushed.push(u.ref)
            record({
              service: 'receive-pack',
              decision: verdict === 'ok' ? 'pushed' : 'rejected-upstream',
              reason: verdict === 'ok' ? rules[i]! : verdict,
              ref: u.ref,
              old: u.old,
              new: u.new,
              status,
              bytes_up: body.size,
              bytes_down: reply.length,
              ...scanFields(content, i)
            })
          })
          if (updates.length === 0)
            record({ service: 'receive-pack', decision: 'allowed', reason: 'no ref updates', status, bytes_up: body.size, bytes_down: reply.length })
          resolve()
        })
      },
      { 'content-encoding': undefined, 'accept-encoding': 'identity', 'content-length': body.size }
    )
    ureq.on('error', err => {
      for (const u of updates)
        record({
          service: 'receive-pack',
          decision: 'rejected-upstream',
          reason: `upstream unreachable (${err.message})`,
          ref: u.ref,
          old: u.old,
          new: u.new,
          bytes_up: body.size,
          bytes_down: 0
        })
      ctx.relay.unreachable(res, err)
      resolve()
    })
    fs.createReadStream(body.file).pipe(ureq)
  })
}
