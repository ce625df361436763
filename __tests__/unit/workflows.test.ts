/**
 * The workflow files cannot run here, so their logic is kept small and checked as data:
 * they parse, use this action's real inputs and outputs, and gate on the probe.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { INPUT_NAMES } from '../../src/config/inputs.js'

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
  const readmeYaml = [...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => parse(m[1]!))
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
