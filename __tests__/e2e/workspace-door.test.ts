/**
 * The bottle works on its own copy of the workspace and its changes come back through the
 * workspace door, from a real bottle: the agent (real claude, scripted model) edits, adds,
 * deletes and makes a file executable, commits in its own repository, and reads what it was
 * given; the runner's workspace then has exactly those changes, its .git is byte for byte what
 * it was, and `patch` mode writes nothing but a patch that `git apply` takes.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-wsdoor-0123456789abcdefghij'

/** Every file under .git with its sha256: what "byte for byte" is compared with. */
function gitListing(ws: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name)
      if (d.isDirectory()) walk(p)
      else out.push(`${path.relative(ws, p)} ${d.isFile() ? crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex') : 'other'}`)
    }
  }
  walk(path.join(ws, '.git'))
  return out.sort()
}

const AGENT = [
  'set -e',
  'echo changed >> README.md',
  'mkdir -p src && printf "new\\n" > src/added.txt',
  'rm old.txt',
  'chmod +x run.sh',
  'git log --oneline > /tmp/log.txt',
  'git -c user.name=a -c user.email=a@b commit -qam "agent commit"',
  'echo "origin=$(git remote get-url origin 2>/dev/null || echo none)"',
  'echo "untracked=$(cat build/out.txt)"',
  'echo "creds=$(ls gha-creds-1.json 2>&1 | head -1)"'
].join('\n')

describe('the workspace door', () => {
  const suite = e2eSuite('e2e-workspace-door')

  function workspace(name: string): string {
    const ws = makeWorkspace(path.join(suite.dir, name), 1001)
    fs.writeFileSync(path.join(ws, 'old.txt'), 'old\n')
    fs.writeFileSync(path.join(ws, 'run.sh'), '#!/bin/sh\necho hi\n')
    execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', '-c', 'user.name=t', '-c', 'user.email=t@e', 'add', '.'])
    execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'files'])
    fs.mkdirSync(path.join(ws, 'build'))
    fs.writeFileSync(path.join(ws, 'build', 'out.txt'), 'from-an-earlier-step\n') // untracked: the copy has it
    fs.writeFileSync(path.join(ws, 'gha-creds-1.json'), '{"token":"x"}\n')
    execFileSync('chown', ['-R', '1001:1001', ws])
    return ws
  }

  async function run(ws: string, inputs: Record<string, string> = {}) {
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input: { command: AGENT } } }, { text: 'done' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), ...inputs },
        runnerTemp: path.join(suite.dir, `rt-${path.basename(path.dirname(ws))}`),
        toolCache: suite.toolCache
      })
      const toolResult = JSON.stringify(api.conversation())
      return { r, log: visibleLog(r.main.stdout, r.main.stderr), toolResult }
    } finally {
      await api.close()
    }
  }

  it('apply: the agent edits, adds, deletes and chmods on its copy; exactly that comes back; .git untouched', async () => {
    const ws = workspace('apply')
    const gitBefore = gitListing(ws)
    const { r, log, toolResult } = await run(ws)
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })
    expect(toolResult).toContain('untracked=from-an-earlier-step')
    expect(toolResult).toMatch(/creds=ls: cannot access/)
    expect(toolResult).toContain('origin=none') // no http origin in this checkout: the bottle's repository has no remote at all
    expect(log).toMatch(/::warning::workspace: gha-creds-1\.json is a credential file/)
    expect(log).toMatch(/workspace door: 5 change\(s\) written to the workspace, 0 refused/)
    expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# e2e\nchanged\n')
    expect(fs.readFileSync(path.join(ws, 'src', 'added.txt'), 'utf8')).toBe('new\n')
    expect(fs.existsSync(path.join(ws, 'old.txt'))).toBe(false)
    expect(fs.statSync(path.join(ws, 'run.sh')).mode & 0o777).toBe(0o755)
    expect(fs.statSync(path.join(ws, 'src', 'added.txt')).mode & 0o777).toBe(0o644)
    expect(fs.statSync(path.join(ws, 'src', 'added.txt')).uid).toBe(1001)
    expect(fs.readFileSync(path.join(ws, 'gha-creds-1.json'), 'utf8')).toBe('{"token":"x"}\n')
    expect(gitListing(ws)).toEqual(gitBefore)
    const lines = fs
      .readFileSync(path.join(r.outputs['transcript-dir']!, 'workspace-changes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    expect(lines.map(l => `${l.path} ${l.change} ${l.verdict}`).sort()).toEqual([
      'README.md modified applied',
      'old.txt deleted applied',
      'run.sh modified applied',
      'src added applied',
      'src/added.txt added applied'
    ])
    expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])
  }, 240_000)

  it("patch: nothing is written; the patch applies to the runner's tree with git apply", async () => {
    const ws = workspace('patch')
    const before = execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', 'status', '--porcelain'], { encoding: 'utf8' })
    const { r } = await run(ws, { 'workspace-changes': 'patch' })
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 0, conclusion: 'success' })
    expect(execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', 'status', '--porcelain'], { encoding: 'utf8' })).toBe(before)
    const patch = r.outputs['workspace-patch']!
    expect(patch).toBe(path.join(r.outputs['transcript-dir']!, 'workspace.patch'))
    execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', 'apply', patch])
    expect(fs.readFileSync(path.join(ws, 'src', 'added.txt'), 'utf8')).toBe('new\n')
    expect(fs.existsSync(path.join(ws, 'old.txt'))).toBe(false)
    expect(fs.statSync(path.join(ws, 'run.sh')).mode & 0o100).toBe(0o100)
  }, 240_000)
})
