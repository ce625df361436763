/**
 * From a real bottle, the agent plants everything that would make a later host-side git command
 * in the workspace run its code (git-attacks.ts), and the checkout (an untrusted pull request)
 * offers a prompt file that is a link to the runner's environment. Afterwards the host runs what
 * actions/checkout's post step and users' own steps run there: nothing fires, the agent's commits
 * stay, .git/config is byte for byte what it was, and no host file was touched.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { commitSubjects, firedDir, plantResults, plantScript, runHostGit, VECTORS } from '../git-attacks.js'
import { e2eSuite, leftovers, makeWorkspace, slugOf, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-escape-git-0123456789abcdef'
const TOKEN = 'ghs_escapeGitCheckoutTokenGGGGGGGGGGGGGG7'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

describe('the workspace .git after an agent had it', () => {
  const suite = e2eSuite('e2e-escape-git')

  it('no host git command runs what the agent planted; its commits stay; config is back byte for byte', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const config = path.join(ws, '.git', 'config')
    execFileSync('git', ['config', '--file', config, 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`])
    execFileSync('git', ['config', '--file', config, 'remote.origin.url', 'https://github.com/acme/widgets.git'])
    execFileSync('chown', ['1001:1001', config])
    const configBefore = fs.readFileSync(config)
    const hooksBefore = fs.readdirSync(path.join(ws, '.git', 'hooks')).sort()
    fs.chmodSync(suite.dir, 0o755)
    const fired = firedDir(suite.dir)
    const hostFile = path.join(suite.dir, 'host-file')
    fs.writeFileSync(hostFile, 'host\n', { mode: 0o644 })

    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: plantScript(ws, fired, hostFile) } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({ inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) }, runnerTemp: path.join(suite.dir, 'rt'), toolCache: suite.toolCache })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      const planted = plantResults(ws)
      expect(Object.keys(planted)).toEqual([...VECTORS])
      // docker's pins stop these outright; the restore undoes the rest
      expect({ hooks: planted['hooks'], gitSymlink: planted['git-symlink'] }).toEqual({ hooks: 'refused', gitSymlink: 'refused' })
      expect(log).toMatch(/::warning::put the workspace's \.git back as it was before the run; undid \d+ change\(s\) the agent made there: .*\.git\/config/)
      expect(leftovers(slugOf(r.outputs['transcript-dir']!))).toEqual([])

      expect(runHostGit(ws, fired)).toEqual([])
      expect(fs.readFileSync(config).equals(configBefore)).toBe(true)
      const st = fs.lstatSync(config)
      expect({ file: st.isFile(), uid: st.uid, gitDir: fs.lstatSync(path.join(ws, '.git')).isDirectory() }).toEqual({ file: true, uid: 1001, gitDir: true })
      expect(fs.readdirSync(path.join(ws, '.git', 'hooks')).sort()).toEqual(hooksBefore)
      for (const f of ['commondir', 'config.worktree', 'info/attributes']) expect(fs.existsSync(path.join(ws, '.git', f))).toBe(false)
      expect(fs.existsSync(path.join(ws, 'sub', '.git'))).toBe(false)
      expect(fs.readFileSync(hostFile, 'utf8')).toBe('host\n')
      expect(fs.statSync(hostFile).uid).toBe(0)
      expect(commitSubjects(ws)).toEqual(expect.arrayContaining(['agent work', 'add sub', 'a later step']))
      expect(visibleLog(r.main.stdout, r.main.stderr, r.post.stdout).includes(TOKEN)).toBe(false)
    } finally {
      await api.close()
    }
  })

  it('a prompt file that links out of the checkout is refused before anything starts', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws-link'), 1001)
    fs.symlinkSync('/proc/self/environ', path.join(ws, 'task.md'))
    const api = await startAnthropicDouble({ turns: [{ text: 'never' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { ...suite.inputs(api, ws, KEY), 'prompt-file': 'task.md' },
        runnerTemp: path.join(suite.dir, 'rt-link'),
        toolCache: suite.toolCache
      })
      const errors = visibleLog(r.main.stdout)
        .split('\n')
        .filter(l => l.startsWith('::error::'))
      expect(errors).toEqual([expect.stringMatching(/^::error::Input 'prompt-file': 'task\.md' leads outside the workspace through a link\. /)])
      expect(api.requests.length).toBe(0)
      expect(visibleLog(r.main.stdout, r.main.stderr, r.post.stdout).includes(KEY)).toBe(false)
    } finally {
      await api.close()
    }
  })
})
