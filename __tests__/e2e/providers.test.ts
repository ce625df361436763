/**
 * The real claude in a real bottle through Amazon Bedrock and Google Vertex AI (doubles that
 * authenticate as the services do, see test/harness/bedrock-double.mjs and vertex-double.mjs):
 * the runner holds the cloud credentials (AWS keys in its environment as
 * aws-actions/configure-aws-credentials leaves them; an external_account ADC file as
 * google-github-actions/auth writes it), the bottle runs claude in its Bedrock/Vertex mode against
 * the model proxy and must find no trace of them. A refused signature or token ends the run with
 * one line naming the provider setting.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startBedrockDouble } from '../../test/harness/bedrock-double.mjs'
import { startTokenDouble, startVertexDouble } from '../../test/harness/vertex-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, grepFiles, makeWorkspace, visibleLog } from './helpers.js'

const AWS = {
  accessKeyId: 'ASIAE2EPROVIDERS1234',
  secretAccessKey: 'e2eSecret/Providers+0123456789abcdefghijk',
  sessionToken: 'IQoJb3JpZ2luX2VjE2eSessionTokenProviders0123456789abcdef'
}
const SUBJECT = 'eyJhbGciOiJSUzI1NiJ9.e2e-github-oidc-subject-token.sig'
/** a needle written so its whole value never appears in the command the agent runs */
const split = (s: string) => `"${s.slice(0, 9)}""${s.slice(9)}"`
/** The agent's search for cloud credentials: the runner's values, and the shapes of AWS and Google credentials anywhere. */
function secretSearch(needles: string[]): string {
  return `printf '%s\\n' ${needles.map(split).join(' ')} > /dev/shm/needles
{ timeout 60 grep -rIlF -f /dev/shm/needles --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / 2>/dev/null; echo "scan exit $?" > scan.txt
  timeout 60 grep -rIlE '(AKIA|ASIA)[A-Z0-9]{16}|ya29[.]|aws_secret_access_[k]ey|"type": *"(external_account|service_account)"' --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir="$PWD" / 2>/dev/null
  for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do grep -lF -f /dev/shm/needles "$f" 2>/dev/null; done
  env | grep -E '^(AWS_(ACCESS|SECRET|SESSION|PROFILE|WEB_IDENTITY|ROLE)|GOOGLE_(APPLICATION|GHA)|CLOUDSDK_AUTH)'; } > found.txt
env | grep -E '^(CLAUDE_CODE_USE|CLAUDE_CODE_SKIP|ANTHROPIC_(BEDROCK|VERTEX)|AWS_REGION|CLOUD_ML)' | sed 's#/bot-bottle-placeholder-[0-9a-f]*#/PLACEHOLDER#' | sort > provider-env.txt
echo written > agent.txt`
}

describe('claude through Bedrock and Vertex AI', () => {
  const suite = e2eSuite('e2e-providers')
  const modelLog = (tdir: string) =>
    fs
      .readFileSync(path.join(tdir, 'model.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as { path: string; status: number; decision: string; model?: string; usage?: Record<string, number> })
  const baseInputs = (upstream: string, ws: string, extra: Record<string, string>) => {
    const { 'anthropic-api-key': _key, ...rest } = suite.inputs({ url: upstream }, ws, '')
    return { prompt: 'p', ...rest, ...extra }
  }
  const turns = (needles: string[]) => [
    { tool_use: { name: 'Bash', input: { command: secretSearch(needles), description: 'look for cloud credentials' } } },
    { text: 'Cloud task done.' }
  ]

  it('bedrock: a scripted task runs through a SigV4-checking Bedrock, and the bottle holds no AWS credential', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'bedrock'), 1001)
    const bedrock = await startBedrockDouble({ turns: turns([AWS.accessKeyId, AWS.secretAccessKey, AWS.sessionToken]) }, { ...AWS, region: 'us-east-1' })
    try {
      const r = await runAction({
        inputs: baseInputs(bedrock.url, ws, { provider: 'bedrock', 'aws-region': 'us-east-1', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }),
        env: { AWS_ACCESS_KEY_ID: AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey, AWS_SESSION_TOKEN: AWS.sessionToken },
        runnerTemp: path.join(suite.dir, 'rt-bedrock'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      expect(r.outputs).toMatchObject({ conclusion: 'success', result: 'Cloud task done.' })
      expect(log).toMatch(/Model proxy listening on .* \(bedrock, upstream http:\/\/127\.0\.0\.1:\d+;/)
      const read = (f: string) => fs.readFileSync(path.join(ws, f), 'utf8')
      expect(read('agent.txt')).toBe('written\n')
      expect(read('found.txt')).toBe('')
      expect(read('scan.txt')).toMatch(/^scan exit [12]\n$/)
      expect(read('provider-env.txt')).toMatch(
        /^ANTHROPIC_BEDROCK_BASE_URL=http:\/\/[\w.-]+:\d+\/PLACEHOLDER\nAWS_REGION=us-east-1\nCLAUDE_CODE_SKIP_BEDROCK_AUTH=1\nCLAUDE_CODE_USE_BEDROCK=1\n$/
      )
      // every conversation request reached Bedrock signed, and was accepted
      expect(bedrock.conversation().length).toBe(2)
      expect(bedrock.requests.filter(q => q.refused)).toEqual([])
      const forwarded = modelLog(r.outputs['transcript-dir']!).filter(d => d.decision === 'forwarded' && d.path.endsWith('/invoke-with-response-stream'))
      expect(forwarded.length).toBeGreaterThanOrEqual(2)
      expect(forwarded[0]).toMatchObject({
        path: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream',
        status: 200,
        usage: { input_tokens: 100, output_tokens: 20 }
      })
      expect(Number(r.outputs['output-tokens'])).toBeGreaterThan(0)
      for (const s of [AWS.secretAccessKey, AWS.sessionToken]) {
        expect(log.includes(s)).toBe(false)
        expect(grepFiles(r.outputs['transcript-dir']!, s)).toEqual([])
      }
    } finally {
      await bedrock.close()
    }
  })

  it("vertex: a scripted task runs with a token from the runner's ADC file, and the bottle holds no Google credential", async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'vertex'), 1001)
    const creds = path.join(suite.dir, 'gcp')
    fs.mkdirSync(creds, { recursive: true })
    fs.writeFileSync(path.join(creds, 'oidc-token'), SUBJECT)
    const sts = await startTokenDouble({ subjectToken: SUBJECT, expiresIn: 3600 })
    const vertex = await startVertexDouble({ turns: turns([SUBJECT]) }, { project: 'bottle-e2e', region: 'us-east5', validToken: sts.valid })
    fs.writeFileSync(path.join(creds, 'adc.json'), JSON.stringify(sts.credentialsFile(path.join(creds, 'oidc-token'))))
    try {
      const r = await runAction({
        inputs: baseInputs(vertex.url, ws, { provider: 'vertex', 'vertex-region': 'us-east5', model: 'claude-sonnet-4-5@20250929' }),
        env: { GOOGLE_APPLICATION_CREDENTIALS: path.join(creds, 'adc.json'), GOOGLE_CLOUD_PROJECT: 'bottle-e2e' },
        runnerTemp: path.join(suite.dir, 'rt-vertex'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      expect(r.outputs).toMatchObject({ conclusion: 'success', result: 'Cloud task done.' })
      const read = (f: string) => fs.readFileSync(path.join(ws, f), 'utf8')
      expect(read('found.txt')).toBe('')
      expect(read('scan.txt')).toMatch(/^scan exit [12]\n$/)
      expect(read('provider-env.txt')).toMatch(
        /^ANTHROPIC_VERTEX_BASE_URL=http:\/\/[\w.-]+:\d+\/PLACEHOLDER\/v1\nANTHROPIC_VERTEX_PROJECT_ID=bottle-e2e\nCLAUDE_CODE_SKIP_VERTEX_AUTH=1\nCLAUDE_CODE_USE_VERTEX=1\nCLOUD_ML_REGION=us-east5\n$/
      )
      expect(vertex.conversation().length).toBe(2)
      expect(vertex.requests.filter(q => q.refused)).toEqual([])
      expect(sts.issued().length).toBeGreaterThanOrEqual(1) // one token, cached while far from expiry
      const forwarded = modelLog(r.outputs['transcript-dir']!).filter(d => d.decision === 'forwarded' && d.path.endsWith(':streamRawPredict'))
      expect(forwarded[0]).toMatchObject({
        path: '/v1/projects/bottle-e2e/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
        status: 200,
        usage: { input_tokens: 100, output_tokens: 20 }
      })
      for (const t of sts.issued()) expect(grepFiles(r.outputs['transcript-dir']!, t)).toEqual([])
    } finally {
      await vertex.close()
      await sts.close()
    }
  })

  it.each([
    ['bedrock, a wrong secret key', 'bedrock'],
    ['vertex, a token the service takes for expired', 'vertex']
  ])('%s: the run concludes auth-error with one line naming the provider setting', async (_what, provider) => {
    const ws = makeWorkspace(path.join(suite.dir, `refused-${provider}`), 1001)
    const sts = await startTokenDouble({ subjectToken: SUBJECT, expiresIn: 3600 })
    const creds = path.join(suite.dir, `gcp-${provider}`)
    fs.mkdirSync(creds, { recursive: true })
    fs.writeFileSync(path.join(creds, 'oidc-token'), SUBJECT)
    fs.writeFileSync(path.join(creds, 'adc.json'), JSON.stringify(sts.credentialsFile(path.join(creds, 'oidc-token'))))
    const upstream =
      provider === 'bedrock'
        ? await startBedrockDouble(
            { turns: [{ text: 'never' }] },
            { ...AWS, secretAccessKey: 'theRealOne/0123456789abcdefghijklmnopqrstu', region: 'us-east-1' }
          )
        : await startVertexDouble({ turns: [{ text: 'never' }] }, { project: 'bottle-e2e', region: 'global', validToken: () => false })
    try {
      const started = Date.now()
      const r = await runAction({
        inputs: baseInputs(upstream.url, ws, provider === 'bedrock' ? { provider, 'aws-region': 'us-east-1' } : { provider, 'vertex-project': 'bottle-e2e' }),
        env:
          provider === 'bedrock'
            ? { AWS_ACCESS_KEY_ID: AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey, AWS_SESSION_TOKEN: AWS.sessionToken }
            : { GOOGLE_APPLICATION_CREDENTIALS: path.join(creds, 'adc.json') },
        runnerTemp: path.join(suite.dir, `rt-refused-${provider}`),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect(r.outputs['conclusion']).toBe('auth-error')
      const errors = log.split('\n').filter(l => l.startsWith('::error::'))
      expect(errors).toEqual([
        provider === 'bedrock'
          ? expect.stringMatching(
              /^::error::claude run concluded 'auth-error': Input 'provider' \(bedrock, aws-region 'us-east-1'\): no usable AWS credentials on the runner \(the API answered 403: The request signature we calculated does not match/
            )
          : expect.stringMatching(
              /^::error::claude run concluded 'auth-error': Input 'provider' \(vertex, vertex-project 'bottle-e2e'\): no usable Google Cloud credentials on the runner \(the API answered 401: Request had invalid authentication credentials/
            )
      ])
      expect(Date.now() - started).toBeLessThan(120_000) // not claude's minutes of retries
    } finally {
      await upstream.close()
      await sts.close()
    }
  })
})
