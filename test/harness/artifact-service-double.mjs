// A loopback double of GitHub's artifact results service as @actions/artifact v2+ speaks it
// (twirp JSON + Azure-blob-style signed upload), after the header comment of Gitea's
// routers/api/actions/artifactsv4.go and the client in @actions/artifact:
//   POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact
//        {workflow_run_backend_id, workflow_job_run_backend_id, name, version, mime_type?, expires_at?}
//        → {ok, signed_upload_url}
//   PUT  <signed_upload_url>&comp=block&blockid=<b64>   (body: one block)        → 201
//   PUT  <signed_upload_url>&comp=blocklist             (<BlockList><Latest>…)   → 201
//   POST …/FinalizeArtifact {…ids, name, size: "<int64>", hash: "sha256:<hex>"} → {ok, artifact_id}
// Like the real service it verifies the bearer runtime token (a JWT: its HS256 signature with
// the key this module holds, as the runner's tokens are signed by the service's; its expiry;
// and its scope Actions.Results:<run>:<job> against the ids in the request), refuses a second
// artifact of the same name in a run, checks the signature of upload URLs, and checks size and
// hash on finalize. Errors are twirp JSON {code, msg}. `failures` injects HTTP statuses into the
// next CreateArtifact calls; `refuseFinalize` answers FinalizeArtifact {ok: false}.
// Every request is recorded with the status it got.
// Not modelled: the real service's key and token issuer (tokens here come from
// makeRuntimeToken), List/Get/Delete/Download of artifacts, retention and expiry, storage
// quotas and size limits, Azure's other blob operations and SAS fields (only sig is checked),
// and rate limits.
import crypto from 'node:crypto'
import http from 'node:http'

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'

/** The key runtime tokens are signed with (the real service's is its own; this double's is per process). */
const TOKEN_KEY = crypto.randomBytes(32)

/** @param {Record<string, unknown>} claims @param {Buffer} key */
function signedJwt(claims, key) {
  const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url')
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
  return `${unsigned}.${crypto.createHmac('sha256', key).update(unsigned).digest('base64url')}`
}

/** A runtime token like the runner's: a signed JWT whose scp carries the run and job backend ids. */
export function makeRuntimeToken(runId = 'run-1', jobId = 'job-1', { expiresIn = 3600, scp = `Actions.GenericRead:x Actions.Results:${runId}:${jobId}` } = {}) {
  return signedJwt({ scp, exp: Math.floor(Date.now() / 1000) + expiresIn }, TOKEN_KEY)
}

/** The same claims signed with some other key: what a forger (or another service) would hold. */
export function forgeRuntimeToken(runId = 'run-1', jobId = 'job-1') {
  return signedJwt({ scp: `Actions.GenericRead:x Actions.Results:${runId}:${jobId}`, exp: Math.floor(Date.now() / 1000) + 3600 }, crypto.randomBytes(32))
}

/** The token's claims when its signature is this module's and it has not expired; else undefined. */
function verifiedClaims(token) {
  const [header, payload, sig] = token.split('.')
  if (!header || !payload || !sig) return undefined
  const want = crypto.createHmac('sha256', TOKEN_KEY).update(`${header}.${payload}`).digest()
  const got = Buffer.from(sig, 'base64url')
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return undefined
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'HS256') return undefined
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined
  return claims
}

/** @param {{ failures?: number[], refuseFinalize?: boolean }} [opts] */
export async function startArtifactServiceDouble(opts = {}) {
  const key = crypto.randomBytes(16)
  const failures = [...(opts.failures ?? [])]
  /** @type {Map<string, { id: number, name: string, runId: string, finalized: boolean, blocks: Map<string, Buffer>, blob?: Buffer, size?: number, expiresAt?: string, mimeType?: string }>} */
  const byId = new Map()
  /** @type {{ method: string, path: string, status?: number }[]} */
  const requests = []
  let nextId = 1
  let base = ''
  const sign = id => crypto.createHmac('sha256', key).update(String(id)).digest('hex')

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', base)
      const entry = { method: req.method ?? '', path: url.pathname + url.search }
      requests.push(entry)
      const writeHead = res.writeHead.bind(res)
      res.writeHead = (status, ...rest) => {
        entry.status = status
        return writeHead(status, ...rest)
      }
      try {
        if (req.method === 'POST' && url.pathname.startsWith(SERVICE)) return twirp(url.pathname.slice(SERVICE.length), req, body, res)
        if (req.method === 'PUT' && url.pathname.startsWith('/upload/')) return upload(url, req, body, res)
        twirpError(res, 404, 'bad_route', `no handler for ${req.method} ${url.pathname}`)
      } catch (err) {
        twirpError(res, 500, 'internal', String(err))
      }
    })
  })

  function scope(req) {
    const auth = String(req.headers.authorization ?? '')
    const m = /^Bearer (.+)$/.exec(auth)
    if (!m) return undefined
    try {
      const payload = verifiedClaims(m[1])
      if (!payload) return undefined
      const s = String(payload.scp ?? '')
        .split(' ')
        .find(p => p.startsWith('Actions.Results:'))
      if (!s) return undefined
      const [, runId, jobId] = s.split(':')
      return { runId, jobId }
    } catch {
      return undefined
    }
  }

  function twirp(method, req, body, res) {
    const ids = scope(req)
    if (!ids) return twirpError(res, 401, 'unauthenticated', 'invalid or missing runtime token')
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return twirpError(res, 415, 'malformed', 'unexpected content type')
    const msg = JSON.parse(body.toString('utf8') || '{}')
    if (msg.workflow_run_backend_id !== ids.runId || msg.workflow_job_run_backend_id !== ids.jobId) {
      return twirpError(res, 403, 'permission_denied', 'token is not scoped to this workflow run and job')
    }
    if (method === 'CreateArtifact') {
      const failure = failures.shift()
      if (failure) return twirpError(res, failure, failure >= 500 ? 'unavailable' : 'invalid_argument', `injected failure ${failure}`)
      if (!msg.name) return twirpError(res, 400, 'invalid_argument', 'name is required')
      if ([...byId.values()].some(a => a.runId === ids.runId && a.name === msg.name)) {
        return twirpError(res, 409, 'already_exists', `an artifact with the name ${msg.name} already exists on this workflow run`)
      }
      const id = nextId++
      byId.set(String(id), { id, name: msg.name, runId: ids.runId, finalized: false, blocks: new Map(), expiresAt: msg.expires_at, mimeType: msg.mime_type })
      return json(res, 200, {
        ok: true,
        signed_upload_url: `${base}/upload/${id}?sig=${sign(id)}&se=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}&sp=cw`
      })
    }
    if (method === 'FinalizeArtifact') {
      if (opts.refuseFinalize) return json(res, 200, { ok: false, artifact_id: '0' })
      const a = [...byId.values()].find(x => x.runId === ids.runId && x.name === msg.name && !x.finalized)
      if (!a?.blob) return twirpError(res, 404, 'not_found', `no uploaded artifact named ${msg.name}`)
      if (String(a.blob.length) !== String(msg.size))
        return twirpError(res, 400, 'invalid_argument', `size ${msg.size} does not match uploaded ${a.blob.length}`)
      const hash = `sha256:${crypto.createHash('sha256').update(a.blob).digest('hex')}`
      if (msg.hash !== undefined && msg.hash !== hash) return twirpError(res, 400, 'invalid_argument', `hash ${msg.hash} does not match ${hash}`)
      a.finalized = true
      return json(res, 200, { ok: true, artifact_id: String(a.id) })
    }
    return twirpError(res, 404, 'bad_route', `unknown method ${method}`)
  }

  function upload(url, _req, body, res) {
    const id = url.pathname.split('/')[2] ?? ''
    const a = byId.get(id)
    const sig = url.searchParams.get('sig') ?? ''
    if (!a || sig.length !== 64 || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(sign(id)))) {
      return blobError(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.')
    }
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid')
      if (!blockId) return blobError(res, 400, 'InvalidQueryParameterValue', 'blockid is required')
      a.blocks.set(blockId, body)
      return created(res)
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map(m => m[1])
      const missing = ids.find(b => !a.blocks.has(b))
      if (missing) return blobError(res, 400, 'InvalidBlockList', `block ${missing} was not uploaded`)
      a.blob = Buffer.concat(ids.map(b => a.blocks.get(b)))
      return created(res)
    }
    if (!comp) {
      a.blob = body // Put Blob in one request
      return created(res)
    }
    return blobError(res, 400, 'InvalidQueryParameterValue', `comp=${comp} is not supported`)
  }

  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`
  return {
    url: `${base}/`,
    requests,
    /** finalized artifacts by name: the uploaded zip and what CreateArtifact said */
    artifacts: () =>
      new Map(
        [...byId.values()]
          .filter(a => a.finalized)
          .map(a => [a.name, { id: a.id, zip: /** @type {Buffer} */ (a.blob), expiresAt: a.expiresAt, mimeType: a.mimeType }])
      ),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections?.()
        server.close(() => resolve(undefined))
      })
  }
}

function json(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(obj))
}

function twirpError(res, status, code, msg) {
  json(res, status, { code, msg })
}

function created(res) {
  res.writeHead(201, { 'x-ms-request-id': crypto.randomUUID(), 'x-ms-version': '2024-11-04', 'x-ms-request-server-encrypted': 'true', 'content-length': '0' })
  res.end()
}

function blobError(res, status, code, message) {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code })
  res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`)
}
