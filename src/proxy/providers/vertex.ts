import type http from 'node:http'
import { GoogleAuth } from 'google-auth-library'
import { loggedPath, splitTarget } from '../model-routes.js'
import { usageTap } from '../usage-tap.js'
import { behindPlaceholder } from './placeholder.js'
import { refusal, type ModelProvider } from './provider.js'

/**
 * What claude's Vertex mode sends (claude 2.1.332, CLAUDE_CODE_USE_VERTEX=1 with
 * CLAUDE_CODE_SKIP_VERTEX_AUTH=1, recorded against a loopback server; see
 * shared/reference/claude-provider-modes.md):
 *   POST /v1/projects/<project>/locations/<region>/publishers/anthropic/models/<model>:streamRawPredict
 *   POST …/models/<model>:rawPredict                          (model probes, max_tokens 1)
 * Model ids as Vertex names them (`claude-opus-4-5@20251101`). The answers are the Messages API's
 * own (SSE for streamRawPredict, JSON for rawPredict), so the usage is read as from Anthropic.
 * Only the configured project and region are forwarded: the runner's Google credentials may
 * reach other projects, the bottle may not.
 */
const RUNTIME = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([A-Za-z0-9._@-]{1,128}):(rawPredict|streamRawPredict)$/

/** Google's cloud-platform scope, which Vertex AI's predict calls require. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

/**
 * The guest's headers without those Google's front end acts on: `x-goog-user-project` bills
 * another project the runner's identity may use, other `x-goog-*` steer the call, and the
 * method overrides turn the POST into another verb.
 */
function withoutGuestGoogleHeaders(headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !/^x-goog-|^x-http-method|^x-method-override$/i.test(k)))
}

export interface VertexOptions {
  upstream: string
  project: string
  region: string
  placeholder: string
  /** default: Google's application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, the metadata server) */
  auth?: GoogleAuth
}

/**
 * Google Vertex AI: the guest runs claude in its Vertex mode without credentials; the proxy adds
 * an OAuth access token from the runner's application default credentials (the file
 * google-github-actions/auth writes, or workload identity). google-auth-library caches the token
 * and refreshes it before it expires.
 */
export function vertexProvider(opts: VertexOptions): ModelProvider {
  const upstream = new URL(opts.upstream)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  // the project given up front: else the library looks it up (Cloud Resource Manager, gcloud) on the first token
  const auth = opts.auth ?? new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId: opts.project })
  return {
    name: 'vertex',
    upstream,
    judge: (method, target) =>
      behindPlaceholder(target, opts.placeholder, rest => {
        const split = splitTarget(rest)
        const path = loggedPath(rest)
        const m = 'reason' in split || split.query ? undefined : RUNTIME.exec(split.path)
        const reason =
          'reason' in split
            ? split.reason
            : !m || method !== 'POST'
              ? `${method.slice(0, 20)} ${path} is not a Vertex AI request Claude Code makes`
              : m[1] !== opts.project || m[2] !== opts.region
                ? `project or region other than vertex-project '${opts.project}' / vertex-region '${opts.region}'`
                : undefined
        if (reason || !m)
          return refusal(
            403,
            path,
            reason ?? 'refused',
            `bot-bottle model proxy: refused ${method.slice(0, 20)} ${path}: ${reason}. ` +
              'Only rawPredict and streamRawPredict of Anthropic models in the configured project and region are forwarded.'
          )
        return { ok: true, path, upstreamPath: basePath + path, model: m[3] }
      }),
    async authorize({ headers }) {
      const token = (await auth.getAccessToken()) ?? ''
      if (!token) throw new Error('Google application default credentials gave no access token')
      return { ...withoutGuestGoogleHeaders(headers), authorization: `Bearer ${token}` }
    },
    usageTap
  }
}
