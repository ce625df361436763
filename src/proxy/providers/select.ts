import type { Credential } from '../../config/config.js'
import { anthropicProvider } from './anthropic.js'
import { bedrockProvider } from './bedrock.js'
import type { ModelProvider } from './provider.js'
import { vertexProvider } from './vertex.js'

/** The provider the credential names, forwarding to `upstream`, admitting requests that carry `placeholder`. */
export function modelProvider(credential: Credential, upstream: string, placeholder: string): ModelProvider {
  switch (credential.kind) {
    case 'bedrock':
      return bedrockProvider({ upstream, region: credential.region, placeholder })
    case 'vertex':
      return vertexProvider({ upstream, project: credential.project, region: credential.region, placeholder })
    default:
      return anthropicProvider(upstream, credential, placeholder)
  }
}
