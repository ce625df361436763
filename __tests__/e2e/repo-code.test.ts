/**
 * Nothing from the repository runs on the runner (issue 28, item 4). A checkout as an untrusted
 * pull request could bring it: `.gitattributes` naming the LFS and diff filters, an `.lfsconfig`,
 * a `.gitmodules` pointing at a repository whose hooks would fire, `package.json` lifecycle
 * scripts, a `Makefile`, husky hooks. The runner is set up as GitHub's are (git-lfs's filters in
 * the global git config) — with every handler a canary. The agent edits, commits and pushes
 * through the git gate, and the door applies its change; before, during and after, no canary fires.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-repo-code-e2e-0123456789abcdef'
const TOKEN = 'ghs_repoCodeE2eTokenRRRRRRRRRRRRRRRRRRRRRRR4'

describe('nothing from the repository runs on the runner', () => {
  const suite = e2eSuite('e2e-repo-code')
  const repo = seededCheckoutForSuite(suite, TOKEN)

  it('LFS and diff filters, submodule hooks, npm scripts, make and husky: no canary fires, before, during or after the run', async () => {
    const ws = repo.ws
    const canaries = path.join(suite.dir, 'canaries')
    fs.mkdirSync(canaries, { mode: 0o777 })
    fs.chmodSync(canaries, 0o777)
    const canary = (name: string) => `sh -c 'touch ${canaries}/${name}; cat'`
    // the runner's global git config, as GitHub's images have it after `git lfs install`, every handler a canary
    const home = path.join(suite.dir, 'runner-home')
    fs.mkdirSync(home)
    fs.writeFileSync(
      path.join(home, '.gitconfig'),
      [
        '[filter "lfs"]',
        `\tsmudge = ${canary('lfs-smudge')}`,
        `\tclean = ${canary('lfs-clean')}`,
        '\trequired = true',
        '[diff "canary"]',
        `\ttextconv = ${canary('diff-textconv')}`,
        '[core]',
        `\tfsmonitor = ${canary('global-fsmonitor')}`,
        `\thooksPath = ${path.join(home, 'hooks')}`
      ].join('\n')
    )
    fs.mkdirSync(path.join(home, 'hooks'))
    for (const hook of ['post-checkout', 'pre-commit', 'post-commit', 'post-merge', 'reference-transaction', 'pre-push'])
      fs.writeFileSync(path.join(home, 'hooks', hook), `#!/bin/sh\ntouch ${canaries}/hook-${hook}\n`, { mode: 0o755 })
    // a repository whose hooks would fire if a submodule were cloned or updated on the runner
    const sub = path.join(suite.dir, 'sub-repo')
    execFileSync('git', ['init', '-q', '-b', 'main', sub])
    execFileSync('git', ['-C', sub, '-c', 'user.name=s', '-c', 'user.email=s@x', 'commit', '-q', '--allow-empty', '-m', 's'])
    // what the pull request brings
    const files: Record<string, string> = {
      '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n*.txt diff=canary\n',
      '.lfsconfig': '[lfs]\n\turl = http://127.0.0.1:9/lfs-canary\n',
      // (an `update = !command` line the git gate's fsck would refuse to carry upstream, as GitHub's would)
      '.gitmodules': `[submodule "vendor"]\n\tpath = vendor\n\turl = ${sub}\n`,
      'package.json': JSON.stringify({
        name: 'x',
        scripts: Object.fromEntries(['preinstall', 'install', 'postinstall', 'prepare', 'test'].map(s => [s, `touch ${canaries}/npm-${s}`]))
      }),
      Makefile: `all:\n\ttouch ${canaries}/make\n`,
      '.husky/pre-commit': `touch ${canaries}/husky\n`,
      'data.bin': 'version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 4\n',
      'notes.txt': 'notes\n'
    }
    for (const [f, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(ws, f)), { recursive: true })
      fs.writeFileSync(path.join(ws, f), body)
    }
    const g = (...a: string[]) =>
      execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', '-c', 'user.name=p', '-c', 'user.email=p@x', '-c', 'core.hooksPath=/dev/null', ...a], {
        env: { ...process.env, HOME: '/nonexistent' }
      })
    g('add', '-A')
    g('commit', '-qm', 'the pull request')
    execFileSync('chown', ['-R', '1001:1001', ws])

    const edit =
      'echo more >> notes.txt && git -c user.name=a -c user.email=a@x commit -qam edit && git push -q origin HEAD:refs/heads/bot-bottle/edit; echo pushed=$?'
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: edit, description: 'edit' } } }, { text: 'Done.' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'git-push': 'bot-bottle/**' },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache,
        env: { HOME: home }
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      const toolSaid = JSON.stringify(api.requests.at(-1)?.body).match(/pushed=\d/g)
      expect({ code: r.main.code, log, toolSaid }).toMatchObject({ code: 0, toolSaid: ['pushed=0'] })
      // the run did what makes host-side git and the door work: a push through the gate, a change applied
      expect(r.outputs['pushed-refs']).toBe('refs/heads/bot-bottle/edit')
      expect(fs.readFileSync(path.join(ws, 'notes.txt'), 'utf8')).toBe('notes\nmore\n')
      expect(fs.readdirSync(canaries)).toEqual([])
    } finally {
      await api.close()
    }
  }, 900_000)
})
