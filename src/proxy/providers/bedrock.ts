import type http from 'node:http'
import { Sha256 } from '@aws-crypto/sha256-js'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { loggedPath } from '../model-routes.js'
import { decoderFor, foldUsageEvent, usageTap, type CountedUsage } from '../usage-tap.js'
import { eventStreamReader } from './event-stream.js'
import { behindPlaceholder } from './placeholder.js'
import { refusal, type ModelProvider, type UsageTap } from './provider.js'

/**
 * What claude's Bedrock mode sends (claude 2.1.332, CLAUDE_CODE_USE_BEDROCK=1 with
 * CLAUDE_CODE_SKIP_BEDROCK_AUTH=1, recorded against a loopback server; see
 * shared/reference/claude-provider-modes.md):
 *   GET  /inference-profiles?type=SYSTEM_DEFINED           (control plane: refused, claude goes on)
 *   POST /model/<model id>/invoke-with-response-stream     (the conversation, event stream answer)
 *   POST /model/<model id>/invoke                          (model probes, max_tokens 1, JSON answer)
 * The model id is sent raw (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`); an ARN arrives
 * percent-encoded, so `%3A` and `%2F` are decoded in that segment only.
 */
const RUNTIME = /^\/model\/([A-Za-z0-9._:%-]{1,400})\/(invoke|invoke-with-response-stream)$/
const MODEL_ID = /^[A-Za-z0-9._:/-]{1,256}$/
/**
 * Anthropic's models as Bedrock names them: the foundation model id, or a system cross-region
 * inference profile (`us.`, `eu.`, `apac.`, `global.`, `us-gov.` …), as claude's Bedrock mode
 * sends them; other publishers' models (billed in other shapes the caps cannot read) are refused.
 */
const ANTHROPIC_MODEL = /^(?:[a-z]{2,6}(?:-[a-z]{2,4})?\.)?anthropic\.claude-[a-z0-9.:-]{1,200}$/
/** An ARN of one of those, in the configured region (application inference profiles can point at any model). */
const MODEL_ARN = /^arn:aws(?:-[a-z]+)*:bedrock:([a-z0-9-]+):(?:\d{12})?:(?:foundation-model|inference-profile)\/(.+)$/

/** Why the guest may not invoke `id` with the runner's credentials, or undefined when it may. */
function notAnthropicHere(id: string, region: string): string | undefined {
  const arn = MODEL_ARN.exec(id)
  if (arn && arn[1] !== region) return `model ARN in region ${arn[1]}, not aws-region '${region}'`
  if (!ANTHROPIC_MODEL.test(arn ? arn[2]! : id))
    return `model '${id.slice(0, 120)}' is not an Anthropic model id or inference profile (only those are forwarded: the caps read their answers)`
  return undefined
}

export interface BedrockOptions {
  upstream: string
  region: string
  placeholder: string
  /** the runner's AWS credentials; default: the AWS SDK's standard chain (env, web identity, shared files, SSO, container/instance metadata) */
  credentials?: AwsCredentialIdentityProvider
}

function modelId(segment: string): string | undefined {
  if (/%(?!3A|2F)/i.test(segment)) return undefined
  const id = segment.replace(/%3A/gi, ':').replace(/%2F/gi, '/')
  return MODEL_ID.test(id) && !id.split('/').includes('..') ? id : undefined
}

/** The event stream's chunk events carry base64 Messages streaming events: count their usage. */
function eventStreamUsageTap(contentEncoding: string): UsageTap {
  const counted: CountedUsage = {}
  const read = eventStreamReader(({ headers, payload }) => {
    if (headers[':message-type'] !== 'event' || headers[':event-type'] !== 'chunk') return
    const bytes = (JSON.parse(payload.toString('utf8')) as { bytes?: unknown }).bytes
    if (typeof bytes === 'string') foldUsageEvent(counted, JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')))
  })
  const decoder = decoderFor(contentEncoding)
  decoder.on('data', read)
  const done = new Promise<void>(resolve => decoder.on('end', resolve).on('error', () => resolve()))
  return {
    write: chunk => void decoder.write(chunk),
    result: async () => {
      decoder.end()
      await done
      return counted
    }
  }
}

/**
 * Amazon Bedrock: the guest runs claude in its Bedrock mode, unsigned, against the proxy; the
 * proxy signs each forwarded request with SigV4 (service `bedrock`, the configured region) using
 * the runner's AWS credentials, which never enter the bottle.
 */
export function bedrockProvider(opts: BedrockOptions): ModelProvider {
  const upstream = new URL(opts.upstream)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const signer = new SignatureV4({ service: 'bedrock', region: opts.region, credentials: opts.credentials ?? defaultProvider(), sha256: Sha256 })
  return {
    name: 'bedrock',
    upstream,
    judge: (method, target) =>
      behindPlaceholder(target, opts.placeholder, rest => {
        const path = loggedPath(rest)
        const m = RUNTIME.exec(rest)
        const id = m ? modelId(m[1]!) : undefined
        const notHere = id === undefined ? undefined : notAnthropicHere(id, opts.region)
        if (!m || !id || method !== 'POST' || notHere) {
          const reason =
            notHere ??
            (rest.startsWith('/inference-profiles')
              ? 'the Bedrock control plane is not forwarded'
              : `${method.slice(0, 20)} ${path} is not a Bedrock runtime request Claude Code makes`)
          return refusal(
            403,
            path,
            reason,
            `bot-bottle model proxy: refused ${method.slice(0, 20)} ${path}: ${reason}. ` +
              'Only InvokeModel and InvokeModelWithResponseStream of Anthropic models are forwarded.'
          )
        }
        return { ok: true, path: `/model/${id}/${m[2]}`, upstreamPath: `${basePath}/model/${encodeURIComponent(id)}/${m[2]}`, model: id }
      }),
    async authorize({ method, path, headers, body }) {
      const strings: Record<string, string> = {}
      // none of the guest's AWS headers: x-amz-content-sha256 would leave the body unsigned, others pick a dearer tier or a guardrail
      for (const [k, v] of Object.entries(headers)) if (v !== undefined && !/^x-amzn?-/i.test(k)) strings[k] = Array.isArray(v) ? v.join(', ') : String(v)
      const signed = await signer.sign({
        method,
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port ? Number(upstream.port) : undefined,
        path,
        query: {},
        headers: strings,
        body
      })
      return signed.headers as http.OutgoingHttpHeaders
    },
    usageTap: (contentType, contentEncoding) =>
      /vnd\.amazon\.eventstream/i.test(contentType) ? eventStreamUsageTap(contentEncoding) : usageTap(contentType, contentEncoding)
  }
}
