import type { Credential } from '../../config/config.js'
import { judgeModelRequest } from '../model-routes.js'
import { usageTap } from '../usage-tap.js'
import { isPlaceholder } from './placeholder.js'
import { refusal, type ModelProvider } from './provider.js'

type AnthropicCredential = Extract<Credential, { kind: 'api-key' | 'oauth-token' }>

/**
 * The Anthropic API (or a compatible gateway): the guest sends the placeholder where the real
 * credential goes (`x-api-key`, or `authorization: Bearer` for an OAuth token); the proxy puts the
 * real one there.
 */
export function anthropicProvider(upstreamUrl: string, credential: AnthropicCredential, placeholder: string): ModelProvider {
  const upstream = new URL(upstreamUrl)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  return {
    name: 'anthropic',
    upstream,
    judge(method, target, headers) {
      const sent = credential.kind === 'api-key' ? headers['x-api-key'] : String(headers['authorization'] ?? '').replace(/^Bearer\s+/i, '')
      const route = judgeModelRequest(method, target)
      if (!isPlaceholder(typeof sent === 'string' ? sent : '', placeholder)) {
        return refusal(401, route.path, 'no bottle credential', 'bot-bottle model proxy: request does not carry the bottle credential')
      }
      if (!route.ok) {
        return refusal(
          403,
          route.path,
          route.reason,
          `bot-bottle model proxy: refused ${method.slice(0, 20)} ${route.path}: ${route.reason}. ` +
            'Only the Messages API requests Claude Code makes are forwarded.'
        )
      }
      return { ok: true, path: route.path, upstreamPath: basePath + route.path + (route.query ? `?${route.query}` : '') }
    },
    async authorize({ headers }) {
      return credential.kind === 'api-key' ? { ...headers, 'x-api-key': credential.value } : { ...headers, authorization: `Bearer ${credential.value}` }
    },
    usageTap
  }
}
