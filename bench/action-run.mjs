// One run of the built action (main + post, docker backend, default relay wiring) on a scripted
// 2-turn task (Write, then a final text), timed from outside, for the benchmarks.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { GUEST_IMAGE, RELAY_IMAGE } from '../test/harness/paths.mjs'
import { runAction } from '../test/harness/run-action.mjs'

export const KEY = 'sk-ant-bench-key'
export const scenario = ws => ({ turns: [{ tool_use: { name: 'Write', input: { file_path: path.join(ws, 'a.txt'), content: 'a\n' } } }, { text: 'done' }] })
export const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
export const fmt = ms => `${(ms / 1000).toFixed(2)} s`

/** The inputs of a bench run: the scripted task on the docker backend, against the doubles at these URLs. */
export const benchInputs = (apiUrl, registryUrl, ws) => ({
  prompt: 'go',
  'anthropic-api-key': KEY,
  'anthropic-base-url': apiUrl,
  'npm-registry': registryUrl,
  backend: 'docker',
  image: GUEST_IMAGE,
  'relay-image': RELAY_IMAGE,
  workspace: ws
})

/** Runs the harness scripts that make sure docker, the images and the claude package are there. */
export function harness(root) {
  for (const s of ['dockerd.sh', 'guest-image.sh', 'relay-image.sh', 'claude-package.sh'])
    execFileSync('bash', [path.join(root, 'test', 'harness', s)], { stdio: 'inherit' })
}

/** Fresh workspaces (owned by the agent's uid) and action runs under `work`. */
export function actionRunner(work, registryUrl) {
  let n = 0
  const workspace = () => {
    const ws = path.join(work, `ws-${++n}`)
    fs.mkdirSync(ws)
    execFileSync('chown', ['1001:1001', ws])
    return ws
  }
  /**
   * Wall time in ms; each phase's ms pushed into `phases` (from phases.json); `dist`: another build; `ws`: a workspace of the caller's;
   * `inputs` and `env`: more inputs and runner environment for the run.
   */
  const run = async ({ toolCache, phases, dist, log, ws = workspace(), inputs = {}, env = {} }) => {
    const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
    const t0 = performance.now()
    const r = await runAction({
      inputs: { ...benchInputs(api.url, registryUrl, ws), ...inputs },
      runnerTemp: path.join(work, `rt-${n}`),
      toolCache,
      dist,
      env
    })
    const ms = performance.now() - t0
    await api.close()
    if (r.outputs.conclusion !== 'success') throw new Error(`bottle run failed: ${r.main.stdout}`)
    const file = path.join(r.outputs['transcript-dir'] ?? '', 'phases.json')
    if (phases && fs.existsSync(file)) for (const p of JSON.parse(fs.readFileSync(file, 'utf8')).phases) (phases[p.phase] ??= []).push(p.ms)
    log?.(r.main.stdout)
    return ms
  }
  return { workspace, run }
}
