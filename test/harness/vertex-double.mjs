// Doubles of Google Vertex AI's Anthropic endpoints and of Google's STS token endpoint, on loopback.
//
// Token endpoint (the refresh path): workload identity federation as google-github-actions/auth
// sets it up writes an `external_account` credentials file; google-auth-library reads it and
// exchanges the subject token at its `token_url` (RFC 8693: POST form grant_type
// urn:ietf:params:oauth:grant-type:token-exchange, subject_token, subject_token_type, audience,
// requested_token_type, scope) for `{access_token, issued_token_type, token_type: "Bearer",
// expires_in}`. This double issues a fresh token per exchange, valid `expiresIn` seconds, and
// refuses a wrong subject token with STS's `{"error":"invalid_grant", …}` 400.
//
// Vertex: POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:streamRawPredict
// (SSE, the Messages API's own events) or :rawPredict (JSON), body with
// anthropic_version "vertex-2023-10-16" and no model. The bearer token must be one the token
// double issued and not yet expired, else 401 with Google's error shape
// `{"error":{"code":401,"message":"Request had invalid authentication credentials. …","status":"UNAUTHENTICATED"}}`.
// The conversation is the scripted Anthropic double's behind it.
// Not modelled: service account impersonation, quota errors, regional model availability.
import crypto from 'node:crypto'
import http from 'node:http'
import { closeServer, json, listenLoopback, readBody, startProviderDouble } from './provider-relay.mjs'

const UNAUTHENTICATED = {
  error: {
    code: 401,
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    status: 'UNAUTHENTICATED'
  }
}

/** @param {{ subjectToken: string, expiresIn: number }} opts */
export async function startTokenDouble(opts) {
  /** @type {Map<string, number>} token → expiry (ms) */
  const issued = new Map()
  /** @type {{ grant_type: string | null, audience: string | null, scope: string | null }[]} */
  const exchanges = []
  const server = http.createServer(async (req, res) => {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'))
    exchanges.push({ grant_type: form.get('grant_type'), audience: form.get('audience'), scope: form.get('scope') })
    if (req.method !== 'POST' || form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return json(res, 400, { error: 'invalid_request', error_description: 'Invalid grant_type' })
    if (form.get('subject_token') !== opts.subjectToken)
      return json(res, 400, { error: 'invalid_grant', error_description: 'The given subject token is invalid.' })
    const token = `ya29.double-${issued.size + 1}-${crypto.randomBytes(24).toString('base64url')}`
    issued.set(token, Date.now() + opts.expiresIn * 1000)
    json(res, 200, {
      access_token: token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: opts.expiresIn
    })
  })
  const url = await listenLoopback(server)
  return {
    tokenUrl: `${url}/v1/token`,
    exchanges,
    issued: () => [...issued.keys()],
    /** @param {string} token */
    valid: token => (issued.get(token) ?? 0) > Date.now(),
    /** the external_account credentials file google-github-actions/auth writes for workload identity federation */
    credentialsFile: (/** @type {string} */ subjectTokenFile) => ({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/github',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${url}/v1/token`,
      credential_source: { file: subjectTokenFile, format: { type: 'text' } }
    }),
    close: () => closeServer(server)
  }
}

/**
 * @param {import('./anthropic-double.mjs').Scenario} scenario
 * @param {{ project: string, region: string, validToken: (token: string) => boolean }} opts
 */
export async function startVertexDouble(scenario, opts) {
  return startProviderDouble(scenario, inner => async (req, res, _raw, rec) => {
    const body = rec.body
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? ''
    if (!opts.validToken(token)) {
      rec.refused = 'UNAUTHENTICATED'
      return json(res, 401, UNAUTHENTICATED, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' })
    }
    const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !m)
      return json(res, 404, { error: { code: 404, message: `The requested URL ${req.url} was not found on this server.`, status: 'NOT_FOUND' } })
    if (m[1] !== opts.project || m[2] !== opts.region)
      return json(res, 403, {
        error: {
          code: 403,
          message: `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${m[1]}/locations/${m[2]}/publishers/anthropic/models/${m[3]}' (or it may not exist).`,
          status: 'PERMISSION_DENIED'
        }
      })
    if (body?.anthropic_version !== 'vertex-2023-10-16')
      return json(res, 400, { error: { code: 400, message: 'anthropic_version: Field required', status: 'INVALID_ARGUMENT' } })
    const answer = await inner.messages(body, m[3], m[4] === 'streamRawPredict' && body.stream === true, req.headers)
    res.writeHead(answer.statusCode ?? 500, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') })
    answer.pipe(res)
  })
}
