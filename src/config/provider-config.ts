import { InputError } from '../util/errors.js'
import { awsRegion, choiceField, field, gcpProjectId, inputField, vertexRegion } from './fields.js'
import type { RawInputs, RunnerEnv } from './inputs.js'

/** Where claude's model requests go, and what the host-side proxy authenticates them with. */
export type ProviderName = 'anthropic' | 'bedrock' | 'vertex'

/** The cloud providers: the runner's own cloud credentials sign, so no key input is given. */
export type CloudAccess = { kind: 'bedrock'; region: string } | { kind: 'vertex'; project: string; region: string }

/** The default upstream of each provider (the `anthropic-base-url` input overrides it, e.g. a VPC endpoint). */
export function defaultUpstream(access: CloudAccess): string {
  if (access.kind === 'bedrock') return `https://bedrock-runtime.${access.region}.amazonaws.com`
  return access.region === 'global' ? 'https://aiplatform.googleapis.com' : `https://${access.region}-aiplatform.googleapis.com`
}

/** Reads `provider` (default anthropic). */
export function parseProviderName(raw: RawInputs): ProviderName {
  return choiceField(raw, 'provider', ['anthropic', 'bedrock', 'vertex'])
}

/**
 * The region and project of a cloud provider, from the inputs or, as the OIDC actions leave them,
 * the runner's environment (AWS_REGION from aws-actions/configure-aws-credentials,
 * GOOGLE_CLOUD_PROJECT from google-github-actions/auth). An Anthropic key or token is refused
 * beside a cloud provider: it would never be used, and a user who sets both meant something else.
 */
export function parseCloudAccess(name: Exclude<ProviderName, 'anthropic'>, raw: RawInputs, runner: RunnerEnv): CloudAccess {
  for (const key of ['anthropic-api-key', 'claude-code-oauth-token'] as const) {
    if (raw[key])
      throw new InputError(
        key,
        `set with provider '${name}'`,
        `Remove it: with provider '${name}' the runner's ${name === 'bedrock' ? 'AWS' : 'Google Cloud'} credentials are used`
      )
  }
  if (name === 'bedrock') {
    const region = raw['aws-region'] || runner.awsRegion || ''
    if (!region)
      throw new InputError(
        'aws-region',
        'not set and the runner has no AWS_REGION',
        'Set `aws-region` (e.g. us-east-1), or `aws-region` of aws-actions/configure-aws-credentials before this step'
      )
    return { kind: 'bedrock', region: field('aws-region', awsRegion, region, 'an AWS region such as us-east-1') }
  }
  const project = raw['vertex-project'] || runner.googleProject || ''
  if (!project)
    throw new InputError(
      'vertex-project',
      'not set and the runner has no GOOGLE_CLOUD_PROJECT',
      'Set `vertex-project` to the Google Cloud project with Claude enabled in Vertex AI'
    )
  return {
    kind: 'vertex',
    project: field('vertex-project', gcpProjectId, project, 'a Google Cloud project id such as my-project-123'),
    region: inputField(raw, 'vertex-region', vertexRegion, "a Vertex AI location such as us-east5, europe-west1 or 'global'")
  }
}
