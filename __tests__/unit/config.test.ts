import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '../../src/config/config.js'
import { INPUT_NAMES, readInputs, type RawInputs, type RunnerEnv } from '../../src/config/inputs.js'
import { InputError } from '../../src/util/errors.js'
import { BOOLEAN_SPELLINGS, INPUT_DEFAULTS } from '../../src/config/fields.js'
import { parseSetupConfig } from '../../src/config/setup-config.js'
import { parsePostConfig } from '../../src/config/post-config.js'
import { parse as parseYaml } from 'yaml'

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-config-'))
fs.writeFileSync(path.join(ws, 'task.md'), 'Task from a file')
fs.writeFileSync(path.join(ws, 'sys.md'), 'System from a file')
const runner: RunnerEnv = { workspace: ws, runnerTemp: '/tmp/rt', toolCache: '/tmp/tc', runId: '99', runAttempt: '2', job: 'j', action: 'a' }
const SECRET = 'sk-ant-secret-value-123'

function raw(over: Partial<RawInputs> = {}): RawInputs {
  const r = readInputs(() => '')
  return { ...r, prompt: 'do it', 'anthropic-api-key': SECRET, ...over }
}

function errorOf(over: Partial<RawInputs>, env: RunnerEnv = runner): InputError {
  try {
    parseConfig(raw(over), env)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return err as InputError
  }
  throw new Error('expected an InputError')
}

describe('parseConfig defaults', () => {
  it('fills every default documented in action.yml', () => {
    const c = parseConfig(raw(), runner)
    expect(c).toMatchObject({
      prompt: 'do it',
      appendSystemPrompt: '',
      skills: [],
      credential: { kind: 'api-key', value: SECRET },
      anthropicBaseUrl: 'https://api.anthropic.com',
      claudeArgs: [],
      claudeVersion: '2.1.332',
      npmRegistry: 'https://registry.npmjs.org',
      backend: 'auto',
      image: 'buildpack-deps:bookworm-scm',
      dockerWiring: 'auto',
      relayImage: 'node:24-alpine',
      workspace: ws,
      cpus: 2,
      memory: '4g',
      env: {},
      timeoutMinutes: 30,
      runner: { runnerTemp: '/tmp/rt', toolCache: '/tmp/tc', runId: '99', runAttempt: '2' }
    })
    expect(c.model).toBeUndefined()
    expect(c.maxTurns).toBeUndefined()
  })

  it('matches action.yml: every input is read and every default agrees', () => {
    const yml = fs.readFileSync(path.join(__dirname_(), '..', '..', 'action.yml'), 'utf8')
    const declared = [...yml.matchAll(/^ {2}([a-z-]+):\n {4}description:/gm)].map(m => m[1])
    const inputsBlock = yml.slice(yml.indexOf('inputs:'), yml.indexOf('outputs:'))
    const inputNames = [...inputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map(m => m[1])
    expect(inputNames.sort()).toEqual([...INPUT_NAMES].sort())
    expect(declared.length).toBeGreaterThan(INPUT_NAMES.length)
    // every default action.yml documents is the one the code applies (config/fields.ts), and no other
    const action = parseYaml(yml) as { inputs: Record<string, { default: string }> }
    const documented = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, spec]) => spec.default !== '')
        .map(([name, spec]) => [name, spec.default])
    )
    expect(documented).toEqual(INPUT_DEFAULTS)
  })

  it('reads prompt-file and append-system-prompt-file relative to the workspace', () => {
    const c = parseConfig(raw({ prompt: '', 'prompt-file': 'task.md', 'append-system-prompt-file': 'sys.md' }), runner)
    expect(c.prompt).toBe('Task from a file')
    expect(c.appendSystemPrompt).toBe('System from a file')
  })

  it('takes an OAuth token instead of a key', () => {
    const c = parseConfig(raw({ 'anthropic-api-key': '', 'claude-code-oauth-token': 'sk-ant-oat01-xyz' }), runner)
    expect(c.credential).toEqual({ kind: 'oauth-token', value: 'sk-ant-oat01-xyz' })
  })

  it('parses the rest', () => {
    const c = parseConfig(
      raw({
        model: 'claude-sonnet-4-5',
        'max-turns': '7',
        'claude-args': `--allowedTools "Bash(git *)" --add-dir '/tmp/x y'`,
        'claude-version': 'latest',
        'npm-registry': 'https://npm.example.test/',
        backend: 'docker',
        image: 'ghcr.io/acme/agent:1.2@sha256:abc',
        cpus: '1.5',
        memory: '512M',
        env: 'FOO=bar\n# comment\n\nEMPTY=\nWITH_EQ=a=b',
        'timeout-minutes': '0.5',
        skills: 'skills/a\n/abs/b\n',
        'anthropic-base-url': 'http://127.0.0.1:9999/'
      }),
      runner
    )
    expect(c.model).toBe('claude-sonnet-4-5')
    expect(c.maxTurns).toBe(7)
    expect(c.claudeArgs).toEqual(['--allowedTools', 'Bash(git *)', '--add-dir', '/tmp/x y'])
    expect(c.claudeVersion).toBe('latest')
    expect(c.npmRegistry).toBe('https://npm.example.test')
    expect(c.image).toBe('ghcr.io/acme/agent:1.2@sha256:abc')
    expect(c.cpus).toBe(1.5)
    expect(c.memory).toBe('512m')
    expect(c.env).toEqual({ FOO: 'bar', EMPTY: '', WITH_EQ: 'a=b' })
    expect(c.timeoutMinutes).toBe(0.5)
    expect(c.skills).toEqual([path.join(ws, 'skills/a'), '/abs/b'])
    expect(c.anthropicBaseUrl).toBe('http://127.0.0.1:9999')
  })
})

describe('parseConfig providers', () => {
  it('bedrock: region from the input or the runner, upstream the regional runtime endpoint, Bedrock model ids', () => {
    const c = parseConfig(raw({ provider: 'bedrock', 'anthropic-api-key': '', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }), {
      ...runner,
      awsRegion: 'eu-west-1'
    })
    expect(c.credential).toEqual({ kind: 'bedrock', region: 'eu-west-1' })
    expect(c.anthropicBaseUrl).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com')
    expect(c.model).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
    expect(
      parseConfig(raw({ provider: 'bedrock', 'anthropic-api-key': '', 'aws-region': 'us-east-2' }), { ...runner, awsRegion: 'eu-west-1' }).credential
    ).toEqual({ kind: 'bedrock', region: 'us-east-2' })
  })

  it('vertex: project from the input or the runner, region global by default, Vertex model ids, a private endpoint kept', () => {
    const c = parseConfig(raw({ provider: 'vertex', 'anthropic-api-key': '', model: 'claude-sonnet-4-5@20250929' }), { ...runner, googleProject: 'from-env-1' })
    expect(c.credential).toEqual({ kind: 'vertex', project: 'from-env-1', region: 'global' })
    expect(c.anthropicBaseUrl).toBe('https://aiplatform.googleapis.com')
    expect(c.model).toBe('claude-sonnet-4-5@20250929')
    const r = parseConfig(
      raw({
        provider: 'vertex',
        'anthropic-api-key': '',
        'vertex-project': 'my-proj-1',
        'vertex-region': 'us-east5',
        'anthropic-base-url': 'https://vertex.internal.example'
      }),
      runner
    )
    expect([r.credential, r.anthropicBaseUrl]).toEqual([{ kind: 'vertex', project: 'my-proj-1', region: 'us-east5' }, 'https://vertex.internal.example'])
  })
})

describe('parseConfig errors: one line naming the input, the value and what is accepted', () => {
  const cases: [string, Partial<RawInputs>, RegExp][] = [
    ['prompt', { prompt: '' }, /Input 'prompt': neither 'prompt' nor 'prompt-file' is set/],
    ['prompt', { 'prompt-file': 'task.md' }, /Input 'prompt': set together with 'prompt-file'/],
    ['prompt', { prompt: '   ' }, /Input 'prompt': is empty/],
    ['prompt-file', { prompt: '', 'prompt-file': 'missing.md' }, /Input 'prompt-file': cannot read '.*missing\.md' \(ENOENT\)/],
    ['append-system-prompt', { 'append-system-prompt': 'a', 'append-system-prompt-file': 'sys.md' }, /at most one/],
    ['append-system-prompt-file', { 'append-system-prompt-file': 'nope.md' }, /Input 'append-system-prompt-file': cannot read/],
    ['anthropic-api-key', { 'anthropic-api-key': '' }, /neither 'anthropic-api-key' nor 'claude-code-oauth-token'/],
    ['anthropic-api-key', { 'claude-code-oauth-token': 'tok' }, /set together with 'claude-code-oauth-token'/],
    ['anthropic-api-key', { 'anthropic-api-key': 'has space' }, /Input 'anthropic-api-key': invalid value\. Expected one line/],
    ['anthropic-base-url', { 'anthropic-base-url': 'ftp://x' }, /Input 'anthropic-base-url': invalid value \(got 'ftp:\/\/x'\)\. Expected an http\(s\) URL/],
    ['provider', { provider: 'azure' }, /Input 'provider': invalid value \(got 'azure'\)\. Expected one of 'anthropic', 'bedrock', 'vertex'/],
    [
      'anthropic-api-key',
      { provider: 'bedrock', 'aws-region': 'us-east-1' },
      /Input 'anthropic-api-key': set with provider 'bedrock'\. Remove it: with provider 'bedrock' the runner's AWS credentials are used/
    ],
    ['aws-region', { provider: 'bedrock', 'anthropic-api-key': '' }, /Input 'aws-region': not set and the runner has no AWS_REGION/],
    [
      'aws-region',
      { provider: 'bedrock', 'anthropic-api-key': '', 'aws-region': 'us east' },
      /Input 'aws-region': invalid value \(got 'us east'\)\. Expected an AWS region/
    ],
    ['vertex-project', { provider: 'vertex', 'anthropic-api-key': '' }, /Input 'vertex-project': not set and the runner has no GOOGLE_CLOUD_PROJECT/],
    [
      'vertex-region',
      { provider: 'vertex', 'anthropic-api-key': '', 'vertex-project': 'my-proj-1', 'vertex-region': 'mars' },
      /Input 'vertex-region': invalid value \(got 'mars'\)/
    ],
    ['model', { model: 'bad model' }, /Input 'model': invalid value \(got 'bad model'\)/],
    ['max-turns', { 'max-turns': 'abc' }, /Input 'max-turns': invalid value \(got 'abc'\)\. Expected a whole number/],
    ['max-turns', { 'max-turns': '0' }, /Input 'max-turns'/],
    ['claude-args', { 'claude-args': '--output-format json' }, /Input 'claude-args': '--output-format' is set by the action/],
    ['claude-args', { 'claude-args': '--model=opus' }, /'--model' is set by the action.*`model` input/],
    ['claude-args', { 'claude-args': '-p hi' }, /'-p' is set by the action/],
    ['claude-args', { 'claude-args': '--x "open' }, /Input 'claude-args': cannot be split into words \(unterminated double quote\)/],
    ['claude-version', { 'claude-version': 'v2' }, /Input 'claude-version': invalid value \(got 'v2'\)\. Expected an exact version/],
    ['npm-registry', { 'npm-registry': 'not a url' }, /Input 'npm-registry'/],
    ['backend', { backend: 'podman' }, /Input 'backend': invalid value \(got 'podman'\)\. Expected one of 'auto', 'docker', 'smolvm'/],
    ['image', { image: 'bad image' }, /Input 'image': invalid value \(got 'bad image'\)/],
    ['docker-wiring', { 'docker-wiring': 'host' }, /Input 'docker-wiring': invalid value \(got 'host'\)\. Expected one of 'auto', 'gateway', 'relay'/],
    ['relay-image', { 'relay-image': 'a b' }, /Input 'relay-image': invalid value/],
    ['workspace', { workspace: '/does/not/exist' }, /Input 'workspace': '\/does\/not\/exist' is not a directory/],
    ['cpus', { cpus: '-1' }, /Input 'cpus': invalid value \(got '-1'\)/],
    ['cpus', { cpus: '0' }, /Input 'cpus'/],
    ['memory', { memory: 'lots' }, /Input 'memory': invalid value \(got 'lots'\)\. Expected a size such as 4g/],
    ['env', { env: 'NOEQUALS' }, /Input 'env': line 'NOEQUALS' has no '='/],
    ['env', { env: '1BAD=x' }, /Input 'env': '1BAD' is not a valid variable name/],
    ['env', { env: 'ANTHROPIC_API_KEY=x' }, /Input 'env': 'ANTHROPIC_API_KEY' is set by the bottle/],
    ['env', { env: 'HOME=/root' }, /'HOME' is set by the bottle/],
    ['egress', { egress: 'closed' }, /Input 'egress': invalid value \(got 'closed'\)/],
    ['allowed-hosts', { 'allowed-hosts': 'http://x.com/' }, /Input 'allowed-hosts'/],
    ['allowed-host-presets', { 'allowed-host-presets': 'cargo' }, /Input 'allowed-host-presets': unknown preset 'cargo'/],
    ['env', { env: 'HTTPS_PROXY=http://elsewhere' }, /'HTTPS_PROXY' is set by the bottle/],
    ['timeout-minutes', { 'timeout-minutes': 'soon' }, /Input 'timeout-minutes': invalid value \(got 'soon'\)/],
    [
      'smolvm-image-cache-mb',
      { 'smolvm-image-cache-mb': '10GiB' },
      /Input 'smolvm-image-cache-mb': invalid value \(got '10GiB'\)\. Expected a whole number of MiB/
    ],
    ['smolvm-image-cache-mb', { 'smolvm-image-cache-mb': '0' }, /Input 'smolvm-image-cache-mb'/]
  ]
  it.each(cases)('%s: %j', (input, over, pattern) => {
    const err = errorOf(over)
    expect(err.input).toBe(input)
    expect(err.message).toMatch(pattern)
    expect(err.message).not.toContain('\n')
    expect(err.message).not.toContain(SECRET)
  })

  it('never echoes a secret value, even when it is the bad one', () => {
    const err = errorOf({ 'anthropic-api-key': 'sk-ant-with space' })
    expect(err.message).not.toContain('sk-ant-with')
    const err2 = errorOf({ 'anthropic-api-key': '', 'claude-code-oauth-token': 'oat bad' })
    expect(err2.message).not.toContain('oat bad')
  })

  it('needs a workspace and RUNNER_TEMP', () => {
    expect(errorOf({}, { ...runner, workspace: undefined }).message).toMatch(/Input 'workspace': not set and GITHUB_WORKSPACE is empty/)
    expect(errorOf({}, { ...runner, runnerTemp: undefined }).message).toMatch(/RUNNER_TEMP/)
  })
})

function __dirname_(): string {
  return path.dirname(new URL(import.meta.url).pathname)
}

describe('one set of boolean spellings for every boolean input, in every mode', () => {
  const accepted = [...BOOLEAN_SPELLINGS.true.map(v => [v, true] as const), ...BOOLEAN_SPELLINGS.false.map(v => [v, false] as const), ['', undefined] as const]
  const refused = ['yes', 'tRUE', ' true', '1', 'on']
  const readers: Record<string, (v: string) => boolean> = {
    'job-summary (run)': v => parseConfig(raw({ 'job-summary': v }), runner).artifact.jobSummary,
    'job-summary (post)': v => parsePostConfig(raw({ 'job-summary': v }), runner, {}).artifact.jobSummary,
    'git-allow-force': v => parseConfig(raw({ 'git-allow-force': v }), runner).git.push.allowForce,
    'require-backend (setup-only)': v => parseSetupConfig(raw({ 'setup-only': 'true', 'require-backend': v }), runner).requireBackend
  }
  const defaults: Record<string, boolean> = {
    'job-summary (run)': true,
    'job-summary (post)': true,
    'git-allow-force': false,
    'require-backend (setup-only)': false
  }
  it.each(Object.keys(readers))('%s accepts the documented spellings and refuses the rest, naming the input', name => {
    for (const [text, want] of accepted) expect(readers[name]!(text)).toBe(want ?? defaults[name])
    for (const text of refused)
      expect(() => readers[name]!(text)).toThrow(new RegExp(`^Input '${name.split(' ')[0]}': invalid value \\(got '${text}'\\)\\. Expected 'true' or 'false'`))
  })
})

describe("setup-only and post share the run's section parsers", () => {
  it('smolvm inputs are checked the same way in a run and in setup-only', () => {
    for (const over of [{ 'smolvm-version': '1.9' }, { 'smolvm-download-url': 'ftp://mirror.example/smolvm' }]) {
      let runError = ''
      let setupError = ''
      try {
        parseConfig(raw(over), runner)
      } catch (err) {
        runError = (err as Error).message
      }
      try {
        parseSetupConfig(raw(over), runner)
      } catch (err) {
        setupError = (err as Error).message
      }
      expect(runError).toMatch(/^Input 'smolvm-(version|download-url)': invalid value/)
      expect(setupError).toBe(runError)
    }
    expect(parseSetupConfig(raw(), runner).smolvm).toEqual(parseConfig(raw(), runner).smolvm)
    expect(parseConfig(raw(), runner).smolvm.imageCacheBytes).toBe(10240 * 1024 * 1024)
    expect(parseConfig(raw({ 'smolvm-image-cache-mb': '512' }), runner).smolvm.imageCacheBytes).toBe(512 * 1024 * 1024)
  })
  it('the post step reads the same artifact settings as the run, and the secret inputs', () => {
    const over = {
      'upload-transcripts': 'on-failure',
      'artifact-name': 'rec',
      'retention-days': '3',
      'job-summary': 'false',
      'github-token': 'ghs_posttoken123'
    }
    const post = parsePostConfig(raw(over), runner, {})
    expect(post.artifact).toEqual(parseConfig(raw(over), runner).artifact)
    expect(post.secrets).toEqual([SECRET, 'ghs_posttoken123'])
    expect(post.workspace).toBe(ws)
  })
  it("the post step redacts the runner's cloud credentials, as the main step does", () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz0post0EXAMPLE', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEpostSessionToken0123456789' }
    expect(parsePostConfig(raw(), runner, env).secrets).toEqual([SECRET, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN])
  })
})

describe('untrusted-input inputs', () => {
  it('agent-config-from-base defaults to forks and takes always and never; allowed-non-write-users is off by default', () => {
    expect(parseConfig(raw(), runner).trigger).toMatchObject({ agentConfigFromBase: 'forks', allowedNonWriteUsers: [] })
    expect(parseConfig(raw({ 'agent-config-from-base': 'never', 'allowed-non-write-users': 'octocat, mona\n*' }), runner).trigger).toMatchObject({
      agentConfigFromBase: 'never',
      allowedNonWriteUsers: ['octocat', 'mona', '*']
    })
  })

  it('a value outside them is one error naming the input', () => {
    expect(errorOf({ 'agent-config-from-base': 'sometimes' }).message).toMatch(/^Input 'agent-config-from-base': /)
    expect(errorOf({ 'allowed-non-write-users': 'evil[bot]' }).message).toBe(
      `Input 'allowed-non-write-users': "evil[bot]" is not a GitHub login. Name people by their login, e.g. 'octocat', or '*'`
    )
  })
})

describe('GitHub gate inputs', () => {
  it('defaults: the trigger pull request or issue read, nothing written, applied on success, no progress comment', () => {
    const g = parseConfig(raw(), runner).github
    expect([...g.tools]).toEqual(['get_pull_request', 'get_issue'])
    expect(g).toMatchObject({ readScope: 'trigger', labels: [], pullRequestBases: [], progressComment: false })
    expect([...g.applyOn]).toEqual(['success'])
  })

  it('takes read, write tools, labels, bases, apply-on lists and always, none', () => {
    const g = parseConfig(
      raw({
        'github-tools': 'read, create_review\nadd_labels',
        'github-labels': 'bug, needs review',
        'github-pull-request-bases': 'main, release/1.x',
        'github-apply-on': 'success, max-turns'
      }),
      runner
    ).github
    expect([...g.tools]).toEqual(['get_pull_request', 'get_issue', 'get_check_runs', 'get_job_log', 'get_file', 'create_review', 'add_labels'])
    expect(g).toMatchObject({ labels: ['bug', 'needs review'], pullRequestBases: ['main', 'release/1.x'] })
    expect([...g.applyOn]).toEqual(['success', 'max-turns'])
    expect(parseConfig(raw({ 'github-tools': 'none' }), runner).github.tools.size).toBe(0)
    expect(parseConfig(raw({ 'github-apply-on': 'always' }), runner).github.applyOn.has('cancelled')).toBe(true)
  })

  it('a value outside them is one error naming the input and what it takes', () => {
    expect(errorOf({ 'github-tools': 'get_pull_request, merge_pull_request' }).message).toMatch(
      /^Input 'github-tools': "merge_pull_request" is not a GitHub gate tool\. Name tools from: get_pull_request, .*'none'$/
    )
    expect(errorOf({ 'github-apply-on': 'sucess' }).message).toMatch(/^Input 'github-apply-on': "sucess" is not a conclusion\. Name conclusions from: success/)
    expect(errorOf({ 'github-read-scope': 'org' }).message).toMatch(/^Input 'github-read-scope': /)
    expect(errorOf({ 'github-pull-request-bases': 'main..evil' }).message).toMatch(/^Input 'github-pull-request-bases': "main\.\.evil" is not a branch name/)
    expect(errorOf({ 'progress-comment': 'yes' }).message).toMatch(/^Input 'progress-comment': /)
  })
})
