// Runs the built action the way the runner does: main (node dist/main/index.js) with INPUT_*
// variables and GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then post
// (node dist/post/index.js) with the saved state as STATE_* variables.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** Parses a runner file-command file (`name<<DELIM\nvalue\nDELIM` or `name=value`). */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

/**
 * @param {'main'|'post'} entry
 * @param {NodeJS.ProcessEnv} env
 * @param {{ onSpawn?: (child: import('node:child_process').ChildProcess) => void, timeoutMs?: number, dist?: string }} [opts]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runEntry(entry, env, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(opts.dist ?? path.join(root, 'dist'), entry, 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => {
      stdout += c
    })
    child.stderr.on('data', c => {
      stderr += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000)
    opts.onSpawn?.(child)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * @param {{ inputs: Record<string, string>, runnerTemp: string, toolCache: string, env?: NodeJS.ProcessEnv,
 *           onMainSpawn?: (child: import('node:child_process').ChildProcess) => void, skipPost?: boolean, dist?: string,
 *           mainTimeoutMs?: number }} o
 *        dist: another build of the action to run (benchmarks compare two builds side by side)
 *        mainTimeoutMs: the main step is SIGKILLed after this long (default 300 s), so a test of a hang fails rather than hangs
 */
export async function runAction(o) {
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-runner-files-'))
  const outputFile = path.join(files, 'output')
  const stateFile = path.join(files, 'state')
  const summaryFile = path.join(files, 'summary')
  for (const f of [outputFile, stateFile, summaryFile]) fs.writeFileSync(f, '')
  /** @type {NodeJS.ProcessEnv} */
  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: o.runnerTemp,
    RUNNER_TOOL_CACHE: o.toolCache,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'agent',
    GITHUB_ACTION: 'bottle',
    GITHUB_ACTIONS: 'true',
    ...o.env
  }
  for (const [k, v] of Object.entries(o.inputs)) base[`INPUT_${k.toUpperCase()}`] = v
  const main = await runEntry('main', base, { onSpawn: o.onMainSpawn, dist: o.dist, timeoutMs: o.mainTimeoutMs })
  const state = parseFileCommands(fs.readFileSync(stateFile, 'utf8'))
  /** @type {{ code: number | null, stdout: string, stderr: string }} */
  let post = { code: null, stdout: '', stderr: '' }
  if (!o.skipPost) {
    /** @type {NodeJS.ProcessEnv} */
    const postEnv = { ...base }
    for (const k of Object.keys(postEnv)) if (k.startsWith('INPUT_')) postEnv[k] = base[k]
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v
    post = await runEntry('post', postEnv, { dist: o.dist })
  }
  const outputs = parseFileCommands(fs.readFileSync(outputFile, 'utf8'))
  const summary = fs.readFileSync(summaryFile, 'utf8')
  fs.rmSync(files, { recursive: true, force: true })
  return { main, post, outputs, state, summary }
}
