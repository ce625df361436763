import type { Credential } from '../../config/config.js'

/**
 * The variables that point claude in the guest at the model proxy, per provider. For Bedrock and
 * Vertex, claude runs in its own cloud mode with the "skip auth" switch, so it sends unsigned
 * requests and needs no cloud credential; the placeholder is the base URL's first path segment
 * (those modes send no credential header). Names as the real binary reads them (claude 2.1.332,
 * observed: shared/reference/claude-provider-modes.md).
 */
export function providerEnvironment(credential: Credential, proxyUrl: string, placeholder: string): Record<string, string> {
  switch (credential.kind) {
    case 'bedrock':
      return {
        CLAUDE_CODE_USE_BEDROCK: '1',
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1',
        ANTHROPIC_BEDROCK_BASE_URL: `${proxyUrl}/${placeholder}`,
        AWS_REGION: credential.region // claude picks the inference profile prefix (us., eu., …) from it
      }
    case 'vertex':
      return {
        CLAUDE_CODE_USE_VERTEX: '1',
        CLAUDE_CODE_SKIP_VERTEX_AUTH: '1',
        ANTHROPIC_VERTEX_BASE_URL: `${proxyUrl}/${placeholder}/v1`,
        ANTHROPIC_VERTEX_PROJECT_ID: credential.project,
        CLOUD_ML_REGION: credential.region
      }
    default:
      return { ANTHROPIC_BASE_URL: proxyUrl, [credential.kind === 'api-key' ? 'ANTHROPIC_API_KEY' : 'CLAUDE_CODE_OAUTH_TOKEN']: placeholder }
  }
}
