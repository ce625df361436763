/**
 * The workflow files cannot run here, so their logic is kept small and checked as data:
 * they parse, use this action's real inputs and outputs, and gate on the probe.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { INPUT_NAMES } from '../../src/config/inputs.js'
import { docsText } from './doc-pages.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

const load = (f: string) => parse(fs.readFileSync(path.join(root, f), 'utf8'))

describe('action.yml', () => {
  const action = load('action.yml')
  it('declares node24 with main and post bundles that exist', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js' })
    expect(fs.existsSync(path.join(root, action.runs.main))).toBe(true)
    expect(fs.existsSync(path.join(root, action.runs.post))).toBe(true)
  })
  it('documents every input the code reads, each with a description and a string default', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
    for (const [name, spec] of Object.entries(action.inputs as Record<string, { description?: string; default?: unknown }>)) {
      expect({ name, description: typeof spec.description, default: typeof spec.default }).toEqual({ name, description: 'string', default: 'string' })
    }
  })
})

describe('.github/workflows/smolvm-gate.yml', () => {
  const wf = load('.github/workflows/smolvm-gate.yml')
  const action = load('action.yml')
  it('probes with setup-only on self-hosted Apple Silicon and ubuntu-latest', () => {
    expect(wf.jobs.probe.strategy.matrix.runner).toEqual([['self-hosted', 'macOS', 'ARM64'], 'ubuntu-latest'])
    const step = wf.jobs.probe.steps.find((s: { id?: string }) => s.id === 'bottle')
    expect(step.uses).toBe('./')
    expect(step.with['setup-only']).toBe(true)
    for (const input of Object.keys(step.with)) expect(Object.keys(action.inputs)).toContain(input)
    expect(wf.jobs.probe.outputs.backend).toBe('${{ steps.bottle.outputs.backend }}')
  })
  it('gates the integration job on backend == smolvm, using only real outputs', () => {
    expect(wf.jobs.integration.needs).toBe('probe')
    expect(wf.jobs.integration.if).toBe("needs.probe.outputs.backend == 'smolvm'")
    const text = fs.readFileSync(path.join(root, '.github/workflows/smolvm-gate.yml'), 'utf8')
    for (const m of text.matchAll(/steps\.bottle\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1])
  })
})

describe('.github/workflows/smolvm-real.yml', () => {
  const wf = load('.github/workflows/smolvm-real.yml')
  const action = load('action.yml')
  it('runs only on a self-hosted Apple Silicon runner, and only when the repository says one exists', () => {
    expect(wf.jobs['real-vm']['runs-on']).toEqual(['self-hosted', 'macOS', 'ARM64'])
    expect(wf.jobs['real-vm'].if).toBe("vars.SMOLVM_MACOS_RUNNER == 'true'")
  })
  it('drives the action with its real inputs and reads only its real outputs', () => {
    const steps = wf.jobs['real-vm'].steps as { uses?: string; with?: Record<string, unknown> }[]
    for (const step of steps.filter(s => s.uses === './')) for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input)
    expect(steps.filter(s => s.uses === './').map(s => s.with?.['backend'])).toEqual(['smolvm', 'smolvm'])
    const text = fs.readFileSync(path.join(root, '.github/workflows/smolvm-real.yml'), 'utf8')
    for (const m of text.matchAll(/steps\.(?:probe|bottle)\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1])
  })
})

describe('.github/workflows/ci.yml', () => {
  it('runs the same test command as .ci/run', () => {
    const wf = load('.github/workflows/ci.yml')
    const runs = wf.jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean)
    expect(runs).toEqual(['npm ci', 'sudo -E env "PATH=$PATH" npm test'])
    expect(fs.readFileSync(path.join(root, '.ci/run'), 'utf8')).toContain('npm ci && npm test')
  })
})

/**
 * The agent writes `result` (and names the refs in `pushed-refs`): a `${{ }}` of it inside `run:`
 * becomes shell code on the runner. Neither our workflows nor the README's examples may do it.
 */
describe('workflows and README examples use agent-controlled outputs safely', () => {
  const AGENT_TEXT = /\$\{\{[^}]*\.outputs\.(result|pushed-refs|structured-output)\b[^}]*\}\}/
  type Step = { run?: string }
  const runsOf = (doc: unknown): string[] => {
    const out: string[] = []
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object') {
        const step = v as Step
        if (typeof step.run === 'string') out.push(step.run)
        Object.values(v).forEach(walk)
      }
    }
    walk(doc)
    return out
  }
  const readmeYaml = [...docsText().matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => parse(m[1]!))
  const workflows = fs.readdirSync(path.join(root, '.github/workflows')).map(f => load(`.github/workflows/${f}`))

  it('finds the shell steps it checks (README usage included)', () => {
    expect(readmeYaml.length).toBeGreaterThanOrEqual(2)
    expect(runsOf(readmeYaml).some(r => r.includes('"$RESULT"'))).toBe(true)
  })
  it('never interpolates result, pushed-refs or structured-output into run:', () => {
    const bad = [...runsOf(workflows), ...runsOf(readmeYaml)].filter(r => AGENT_TEXT.test(r))
    expect(bad).toEqual([])
  })
  it('the check itself catches the unsafe form', () => {
    expect(runsOf(parse('steps:\n  - run: echo "${{ steps.bottle.outputs.result }}"\n')).filter(r => AGENT_TEXT.test(r))).toHaveLength(1)
  })
  it('action.yml tells users result is agent-controlled and how to pass it', () => {
    expect(load('action.yml').outputs.result.description).toMatch(/Agent-controlled.*env:.*never as `\$\{\{ \}\}` inside `run:`/)
  })
})

describe('.github/workflows/release.yml', () => {
  const wf = load('.github/workflows/release.yml')
  const text = fs.readFileSync(path.join(root, '.github/workflows/release.yml'), 'utf8')
  it('runs on a published release or a vMAJOR.MINOR.PATCH tag, with no permissions but what each job asks', () => {
    expect(wf.on).toEqual({ release: { types: ['published'] }, push: { tags: ['v*.*.*'] } })
    expect(wf.permissions).toEqual({})
    expect(wf.jobs.check.permissions).toEqual({ contents: 'read' })
    expect(wf.jobs['move-major-tag'].permissions).toEqual({ contents: 'write' })
  })
  it('checks the tagged commit: its CHANGELOG section, npm ci, build, dist/ fresh, unit tests, in that order', () => {
    const steps = wf.jobs.check.steps as { uses?: string; run?: string; with?: Record<string, unknown> }[]
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/)
    expect(steps[0]!.with?.['ref']).toBe('${{ github.event.release.tag_name || github.ref }}')
    const runs = steps.map(s => s.run).filter((r): r is string => !!r)
    expect(runs[0]).toContain('CHANGELOG.md')
    // the check itself, on this repository's CHANGELOG: a version with a section passes, one without fails naming it
    const changelog = (tag: string) => spawnSync('bash', ['-e', '-c', runs[0]!], { cwd: root, env: { PATH: process.env['PATH'], TAG: tag }, encoding: 'utf8' })
    expect(changelog('v0.1.0').status).toBe(0)
    const missing = changelog('v9.9.9')
    expect({ code: missing.status, out: missing.stdout }).toEqual({ code: 1, out: expect.stringContaining("no '## [9.9.9]' section") })
    expect(runs[1]).toBe('npm ci')
    expect(runs[2]).toBe('npm run build')
    expect(runs[3]).toMatch(/git status --porcelain -- dist/)
    expect(runs[4]).toBe('npm run test:unit')
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts['test:unit']).toMatch(/--selectProjects unit/)
  })
  it('moves the major tag only after the checks pass, the tag passed as data (env), never as ${{ }} in run:', () => {
    expect(wf.jobs['move-major-tag'].needs).toBe('check')
    const steps = wf.jobs['move-major-tag'].steps as { run?: string; env?: Record<string, string> }[]
    const move = steps.find(s => s.run?.includes('move-major-tag.sh'))!
    expect(move.run).toBe('bash scripts/move-major-tag.sh "$TAG"')
    expect(move.env?.['TAG']).toBe('${{ github.event.release.tag_name || github.ref_name }}')
    const runs = Object.values(wf.jobs as Record<string, { steps: { run?: string }[] }>).flatMap(j => j.steps.map(s => s.run ?? ''))
    expect(runs.filter(r => r.includes('${{'))).toEqual([])
    expect(text).toContain('persist-credentials: false') // the checks run without a token in .git/config
  })
})

describe('scripts/move-major-tag.sh on a real repository', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-release-'))
  const origin = path.join(dir, 'origin.git')
  const work = path.join(dir, 'work')
  beforeAll(() => {
    git(dir, 'init', '-q', '--bare', origin)
    git(dir, 'init', '-q', '-b', 'main', work)
    git(work, 'remote', 'add', 'origin', origin)
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const commit = (msg: string) => {
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '--allow-empty', '-m', msg)
    return git(work, 'rev-parse', 'HEAD')
  }
  const release = (tag: string) => {
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'tag', '-a', tag, '-m', tag)
    git(work, 'push', '-q', 'origin', 'main', `refs/tags/${tag}`)
    return execFileSync('bash', [path.join(root, 'scripts', 'move-major-tag.sh'), tag], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    })
  }
  const v1AtOrigin = () => git(origin, 'rev-parse', '--verify', '-q', 'refs/tags/v1^{commit}')

  it('points v1 at v1.0.0, then moves it to v1.1.0; a pre-release leaves it where it is', () => {
    const first = commit('one')
    release('v1.0.0')
    expect(v1AtOrigin()).toBe(first)
    const second = commit('two')
    expect(release('v1.1.0')).toContain(`v1 -> v1.1.0 (${second})`)
    expect(v1AtOrigin()).toBe(second)
    commit('three')
    expect(release('v1.2.0-rc.1')).toContain('not a vMAJOR.MINOR.PATCH release')
    expect(v1AtOrigin()).toBe(second)
  })
})

describe('.github/dependabot.yml', () => {
  it('updates npm and github-actions weekly, grouped', () => {
    const d = load('.github/dependabot.yml')
    expect(d.version).toBe(2)
    type Update = { 'package-ecosystem': string; directory: string; schedule: { interval: string }; groups?: Record<string, unknown> }
    const byEcosystem = Object.fromEntries((d.updates as Update[]).map(u => [u['package-ecosystem'], u]))
    expect(Object.keys(byEcosystem).sort()).toEqual(['github-actions', 'npm'])
    for (const u of Object.values(byEcosystem)) {
      expect(u.directory).toBe('/')
      expect(u.schedule.interval).toBe('weekly')
      expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0)
    }
  })
})

describe('README usage examples for the three jobs', () => {
  const action = load('action.yml')
  type Step = { id?: string; uses?: string; with?: Record<string, unknown>; run?: string }
  type Job = { 'runs-on': unknown; needs?: string; if?: string; steps: Step[]; outputs?: Record<string, string> }
  type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> }
  const examples = [...docsText().matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map(m => parse(m[1]!) as Workflow)
    .filter(w => w && typeof w === 'object' && 'jobs' in w && 'on' in w)
  const bottleSteps = (w: Workflow) => Object.values(w.jobs).flatMap(j => j.steps.filter(s => s.uses === 'owner/bot-bottle@v1'))
  const find = (pred: (w: Workflow) => boolean) => examples.filter(pred)

  it('each example uses only real inputs and reads only real outputs', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3)
    for (const w of examples) {
      for (const s of bottleSteps(w)) for (const input of Object.keys(s.with ?? {})) expect(Object.keys(action.inputs)).toContain(input)
      for (const m of JSON.stringify(w).matchAll(/steps\.bottle\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1])
    }
  })
  it('a pull-request review step', () => {
    const [review] = find(w => 'pull_request' in w.on && bottleSteps(w).some(s => typeof s.with?.['prompt'] === 'string'))
    expect(review).toBeDefined()
    expect(bottleSteps(review!)[0]!.with?.['anthropic-api-key']).toBe('${{ secrets.ANTHROPIC_API_KEY }}')
  })
  it('a nightly scheduled agent job', () => {
    const [nightly] = find(w => Array.isArray(w.on['schedule']))
    expect(nightly).toBeDefined()
    const cron = (nightly!.on['schedule'] as { cron: string }[])[0]!.cron
    expect(cron.split(' ')).toHaveLength(5)
    expect(cron.split(' ').slice(2)).toEqual(['*', '*', '*']) // every day
    expect(bottleSteps(nightly!)[0]!.with?.['prompt']).toEqual(expect.any(String))
  })
  it("the fork pull-request recipe: a maintainer's label lets each head in, the head is data, the event text is a file", () => {
    const [fork] = find(w => 'pull_request_target' in w.on)
    expect(fork).toBeDefined()
    expect(fork!.on['pull_request_target']).toEqual({ types: ['labeled', 'synchronize'] })
    const review = Object.values(fork!.jobs).find(j => j.steps.some(s => s.uses === 'owner/bot-bottle@v1'))!
    expect(review.if).toBe("github.event.action == 'labeled' && github.event.label.name == 'agent-review'")
    const checkout = review.steps.find(s => s.uses?.startsWith('actions/checkout'))!
    expect(checkout.with).toEqual({ ref: '${{ github.event.pull_request.head.sha }}', 'persist-credentials': false })
    const bottle = bottleSteps(fork!)[0]!
    expect(bottle.with).toMatchObject({ 'github-token': '${{ github.token }}', 'event-context': true, 'event-text-in-prompt': 'refuse' })
    expect(JSON.stringify(bottle.with)).not.toMatch(/github\.event/) // no event text in the prompt
    // a new head takes the label away again
    const newHead = Object.values(fork!.jobs).find(j => j.if === "github.event.action == 'synchronize'")!
    expect(newHead.steps.map(s => s.run).join('\n')).toContain('--remove-label agent-review')
    expect((fork as unknown as { permissions: Record<string, string> }).permissions).toEqual({ contents: 'read', 'pull-requests': 'write' })
  })
  it('gating integration tests on a self-hosted Darwin runner with setup-only', () => {
    const [gate] = find(w => bottleSteps(w).some(s => s.with?.['setup-only'] === true))
    expect(gate).toBeDefined()
    const [probeName, probe] = Object.entries(gate!.jobs).find(([, j]) => j.steps.some(s => s.with?.['setup-only'] === true))!
    expect(probe['runs-on']).toEqual(expect.arrayContaining(['self-hosted', 'macOS']))
    expect(probe.outputs?.['backend']).toBe('${{ steps.bottle.outputs.backend }}')
    const gated = Object.values(gate!.jobs).find(j => j.needs === probeName)!
    expect(gated.if).toBe(`needs.${probeName}.outputs.backend == 'smolvm'`)
    expect(gated['runs-on']).toEqual(probe['runs-on'])
  })
})
