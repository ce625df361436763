// A double of Amazon Bedrock Runtime for claude's Bedrock mode, on loopback.
//
// Authentication: every request must carry an AWS Signature Version 4 that this double recomputes
// itself with node:crypto, following AWS's documented algorithm ("Create a signed AWS API
// request": canonical request with each path segment URI-encoded again (non-S3 services),
// sorted query, lowercase trimmed signed headers, hex SHA-256 of the payload; string to sign
// AWS4-HMAC-SHA256 / date / scope / hash; key derived by HMAC chain date → region → service →
// aws4_request). It does not share a line of code with @smithy/signature-v4, so a proxy that signs
// wrongly is refused. Refusals take the shapes Bedrock answers with (403, JSON `{"message"}`,
// `x-amzn-ErrorType`), as seen in AWS SDK issue reports:
//   no Authorization → MissingAuthenticationTokenException "Missing Authentication Token"
//   unknown access key / session token → UnrecognizedClientException "The security token included in the request is invalid."
//   scope region/service other than this double's → InvalidSignatureException "Credential should be scoped to …"
//   x-amz-date more than 5 minutes old → InvalidSignatureException "Signature expired: X is now earlier than Y (Z - 5 min.)"
//   signature mismatch → InvalidSignatureException "The request signature we calculated does not match …"
//
// Answers: POST /model/{modelId}/invoke-with-response-stream → application/vnd.amazon.eventstream
// messages (prelude: total length, headers length, CRC32; headers :event-type chunk, :content-type
// application/json, :message-type event; payload {"bytes": base64 of one Messages streaming event,
// "p": padding}; message CRC32), as Bedrock's InvokeModelWithResponseStream and @smithy/eventstream-codec
// encode them; POST /model/{modelId}/invoke → the Messages JSON. The conversation itself is the
// scripted Anthropic double's (test/harness/anthropic-double.mjs) behind it.
// Not modelled: the control plane (inference profiles), guardrails, model access per account,
// throttling exceptions inside the stream, invocation metrics, chunked-payload signing.
import crypto from 'node:crypto'
import http from 'node:http'
import zlib from 'node:zlib'
import { eachSseData, json, startProviderDouble } from './provider-relay.mjs'

const sha256 = (/** @type {string | Buffer} */ d) => crypto.createHash('sha256').update(d).digest('hex')
const hmac = (/** @type {crypto.BinaryLike} */ k, /** @type {string} */ d) => crypto.createHmac('sha256', k).update(d).digest()
/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ as %XX (upper case). */
const uriEncode = (/** @type {string} */ s) =>
  Array.from(Buffer.from(s, 'utf8'))
    .map(b => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')

/** `20240101T000000Z` → Date */
function amzDate(/** @type {string} */ s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined
}
const fmt = (/** @type {Date} */ d) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/**
 * Verifies a request's SigV4 the way AWS does; returns undefined when it is good, else the refusal.
 * @param {http.IncomingMessage} req @param {Buffer} body
 * @param {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string, region: string, service: string, now: () => Date }} keys
 */
export function verifySigV4(req, body, keys) {
  const deny = (/** @type {string} */ type, /** @type {string} */ message) => ({ type, message })
  const auth = String(req.headers.authorization ?? '')
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth)
  if (!m) return deny('MissingAuthenticationTokenException', 'Missing Authentication Token')
  const [, akid, date, region, service, signedList, signature] = m
  if (akid !== keys.accessKeyId) return deny('UnrecognizedClientException', 'The security token included in the request is invalid.')
  if (keys.sessionToken !== undefined && req.headers['x-amz-security-token'] !== keys.sessionToken)
    return deny('UnrecognizedClientException', 'The security token included in the request is invalid.')
  if (region !== keys.region) return deny('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `)
  if (service !== keys.service) return deny('InvalidSignatureException', `Credential should be scoped to correct service: '${keys.service}'. `)
  const stamp = String(req.headers['x-amz-date'] ?? '')
  const signedAt = amzDate(stamp)
  if (!signedAt || stamp.slice(0, 8) !== date)
    return deny(
      'IncompleteSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${stamp.slice(0, 8)}', from '${stamp}'.`
    )
  const now = keys.now()
  const earliest = new Date(now.getTime() - 5 * 60_000)
  if (signedAt < earliest) return deny('InvalidSignatureException', `Signature expired: ${stamp} is now earlier than ${fmt(earliest)} (${fmt(now)} - 5 min.)`)
  if (signedAt.getTime() > now.getTime() + 5 * 60_000)
    return deny(
      'InvalidSignatureException',
      `Signature not yet current: ${stamp} is still later than ${fmt(new Date(now.getTime() + 5 * 60_000))} (${fmt(now)} + 5 min.)`
    )
  const signed = signedList.split(';')
  if (!signed.includes('host')) return deny('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
  const url = new URL(req.url ?? '/', 'http://x')
  const rawPath = (req.url ?? '/').split('?')[0]
  const canonicalUri = rawPath.split('/').map(uriEncode).join('/')
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalHeaders = signed
    .map(
      h =>
        `${h}:${String(req.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`
    )
    .join('')
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256(body))
  if (req.headers['x-amz-content-sha256'] && req.headers['x-amz-content-sha256'] !== sha256(body))
    return deny('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.')
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256(canonicalRequest)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, date), region), service), 'aws4_request')
  const expected = crypto.createHmac('sha256', key).update(stringToSign).digest('hex')
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return deny(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
    )
  }
  return undefined
}

/** One event stream message with string headers. @param {Record<string, string>} headers @param {Buffer} payload */
export function encodeEventStreamMessage(headers, payload) {
  const hs = Buffer.concat(
    Object.entries(headers).map(([k, v]) => {
      const name = Buffer.from(k)
      const value = Buffer.from(v)
      const len = Buffer.alloc(2)
      len.writeUInt16BE(value.length)
      return Buffer.concat([Buffer.from([name.length]), name, Buffer.from([7]), len, value])
    })
  )
  const total = 12 + hs.length + payload.length + 4
  const prelude = Buffer.alloc(8)
  prelude.writeUInt32BE(total, 0)
  prelude.writeUInt32BE(hs.length, 4)
  const preludeCrc = Buffer.alloc(4)
  preludeCrc.writeUInt32BE(zlib.crc32(prelude))
  const body = Buffer.concat([prelude, preludeCrc, hs, payload])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(zlib.crc32(body))
  return Buffer.concat([body, crc])
}

/**
 * @param {import('./anthropic-double.mjs').Scenario} scenario
 * @param {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string, region: string, now?: () => Date }} keys
 */
export async function startBedrockDouble(scenario, keys) {
  return startProviderDouble(scenario, inner => async (req, res, raw, rec) => {
    const body = rec.body
    const refused = verifySigV4(req, raw, { ...keys, service: 'bedrock', now: keys.now ?? (() => new Date()) })
    if (refused) {
      rec.refused = refused.type
      return json(
        res,
        403,
        { message: refused.message },
        { 'x-amzn-errortype': `${refused.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`, 'x-amzn-requestid': crypto.randomUUID() }
      )
    }
    const m = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !m)
      return json(res, 404, { message: `Unknown operation ${req.method} ${req.url}` }, { 'x-amzn-errortype': 'UnknownOperationException' })
    const model = decodeURIComponent(m[1])
    const stream = m[2] === 'invoke-with-response-stream'
    if (body?.anthropic_version !== 'bedrock-2023-05-31')
      return json(
        res,
        400,
        { message: 'Malformed input request: #: required key [anthropic_version] not found' },
        { 'x-amzn-errortype': 'ValidationException' }
      )
    const answer = await inner.messages(body, model, stream, req.headers)
    if (!stream || answer.statusCode !== 200) {
      res.writeHead(answer.statusCode ?? 500, { 'content-type': 'application/json', 'x-amzn-requestid': crypto.randomUUID() })
      return answer.pipe(res)
    }
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': crypto.randomUUID(),
      'x-amzn-bedrock-content-type': 'application/json'
    })
    await eachSseData(answer, data => {
      const payload = Buffer.from(
        JSON.stringify({
          bytes: Buffer.from(data).toString('base64'),
          p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.slice(0, (data.length % 40) + 1)
        })
      )
      res.write(encodeEventStreamMessage({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' }, payload))
    })
    res.end()
  })
}
