import type { Credential } from '../../config/config.js'
import { anthropicProvider } from './anthropic.js'
import type { ModelProvider } from './provider.js'

/**
 * The provider the credential names, forwarding to `upstream`, admitting requests that carry `placeholder`.
 * Bedrock's and Vertex's SDKs are loaded only for their runs: they are most of the main step's bundle.
 */
export async function modelProvider(credential: Credential, upstream: string, placeholder: string): Promise<ModelProvider> {
  switch (credential.kind) {
    case 'bedrock':
      return (await import('./bedrock.js')).bedrockProvider({ upstream, region: credential.region, placeholder })
    case 'vertex':
      return (await import('./vertex.js')).vertexProvider({ upstream, project: credential.project, region: credential.region, placeholder })
    default:
      return anthropicProvider(upstream, credential, placeholder)
  }
}
