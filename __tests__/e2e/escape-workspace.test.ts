/**
 * Issue 24's escape suite on the docker backend: the bottle works on its own copy of the
 * workspace and everything comes back through the workspace door (workspace-attacks.ts plants
 * and judges). A second case: the credential files a runner leaves in the workspace
 * (google-github-actions/auth's gha-creds-*.json, any file holding one of the run's secrets)
 * never enter the bottle, each skipped with one warning, and stay on the runner.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { readZip } from '../../test/harness/zip.mjs'
import { changeRecords, ESCAPE_INPUTS, escapeExpected, escapeTurns, judgeEscape, recordedToolResults, setUpScene } from '../workspace-attacks.js'
import { artifactService, e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-escapeWorkspace-0123456789abcdef'
const TOKEN = 'ghs_escapeWorkspaceCheckoutTokenWWWWWWWW8'
const GH_TOKEN = 'ghs_escapeWorkspaceInputTokenIIIIIIIIIIII9'

describe('the workspace door (docker)', () => {
  const suite = e2eSuite('e2e-escape-workspace')
  const repo = seededCheckoutForSuite(suite, TOKEN)
  const artifacts = artifactService()

  it('nothing the agent plants runs on the runner, .git is untouched, the legitimate work comes back, every refusal is named', async () => {
    const dir = path.join(suite.dir, 'escape')
    const ws = path.join(dir, 'workspace')
    await repo.double!.checkout(ws)
    fs.chmodSync(suite.dir, 0o755)
    const scene = setUpScene(dir, ws)
    const api = await startAnthropicDouble({ turns: escapeTurns(scene) }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), ...ESCAPE_INPUTS, 'artifact-name': 'escape-workspace' },
        runnerTemp: path.join(dir, 'rt'),
        toolCache: suite.toolCache,
        env: artifacts.runnerEnv()
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      const art = artifacts.service.artifacts().get('escape-workspace')
      const uploaded = art ? [...readZip(art.zip).keys()] : undefined
      const verdict = judgeEscape(scene, { ...r, log }, api, repo.double!.url, uploaded)
      expect(verdict).toEqual(escapeExpected(scene))
      expect(log.includes(TOKEN) || log.includes(KEY)).toBe(false)
    } finally {
      await api.close()
    }
  }, 900_000)

  it('gha-creds-*.json and files holding a run secret never enter the bottle: one warning each, and they stay on the runner', async () => {
    const ws = path.join(suite.dir, 'creds', 'workspace')
    await repo.double!.checkout(ws)
    const planted: Record<string, string> = {
      'gha-creds-4f1e2d3c9b8a7f60.json': '{"type":"external_account","credential_source":{"url":"https://runner/oidc?token=CANARY-oidc-request"}}\n',
      'notes/api-key.txt': `the key is ${KEY}\n`,
      'notes/gh-token.txt': `token: ${GH_TOKEN}\n`,
      'notes/checkout-token.txt': `checkout: ${TOKEN}\n`,
      // large enough for the stage (a hard link the guest copies from): vetted there the same way
      'notes/big.log': `${'x'.repeat(16_384)} ${KEY}\n`
    }
    const control = { 'notes/plain.txt': 'nothing secret here\n' }
    for (const [f, body] of Object.entries({ ...planted, ...control })) {
      fs.mkdirSync(path.dirname(path.join(ws, f)), { recursive: true })
      fs.writeFileSync(path.join(ws, f), body)
    }
    fs.chownSync(path.join(ws, 'notes'), 1001, 1001)
    for (const f of Object.keys({ ...planted, ...control })) fs.chownSync(path.join(ws, f), 1001, 1001)
    // what the runner's repository holds but none of its refs reach: a stash and a blob written and dropped
    const hostGit = (args: string[], input?: string) =>
      execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8', input }).trim()
    fs.writeFileSync(path.join(ws, 'stash-me.env'), 'CANARY-stashed-credential\n')
    hostGit(['stash', 'push', '-q', '--include-untracked', '--', 'stash-me.env'])
    const unreached = {
      stash: hostGit(['rev-parse', 'refs/stash']),
      stashedFile: hostGit(['rev-parse', 'refs/stash^3:stash-me.env']),
      dropped: hostGit(['hash-object', '-w', '--stdin'], 'CANARY-dropped-credential\n')
    }
    const head = hostGit(['rev-parse', 'HEAD'])
    const probe = Object.entries(unreached).map(
      ([k, oid]) => `git cat-file -p ${oid} >/dev/null 2>&1 && echo "OBJECT-${k}-PRESENT" || echo "OBJECT-${k}-ABSENT"`
    )
    const look = [
      `cd ${ws}`,
      'ls -a . notes',
      ...Object.keys({ ...planted, ...control }).map(f => `echo "== ${f}"; cat ${f}`),
      ...probe,
      'git log --format=LOG-%H -1',
      // a store with objects nothing reaches is not borrowed: the bottle got a pack of what its refs reach
      'test -e /opt/bot-bottle/git-objects && echo STORE-BORROWED || echo STORE-NOT-BORROWED'
    ].join('; ')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: look, description: 'look' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY), 'github-token': GH_TOKEN },
        runnerTemp: path.join(suite.dir, 'creds', 'rt'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      const warnings = log.split('\n').filter(l => l.startsWith('::warning::'))
      // what claude's tool showed, as the run's record keeps it
      const shown = recordedToolResults(r.outputs['transcript-dir']!).join('\n')
      const all = { ...planted, ...control }
      expect({
        code: r.main.code,
        conclusion: r.outputs['conclusion'],
        // one warning naming each file left out, none for the control file
        warnings: Object.fromEntries(Object.keys(all).map(f => [f, warnings.filter(w => w.includes(f)).length])),
        // not in the bottle: cat found nothing; the control file was there
        notInBottle: Object.fromEntries(Object.keys(all).map(f => [f, shown.includes(`cat: ${f}: No such file or directory`)])),
        controlShown: shown.includes('nothing secret here'),
        oidcCanaryShown: shown.includes('CANARY-oidc-request') || shown.includes('external_account'),
        // none of the runner's unreached objects is in the bottle's repository, which still has its history
        unreached: Object.fromEntries(Object.keys(unreached).map(k => [k, shown.includes(`OBJECT-${k}-ABSENT`) && !shown.includes(`OBJECT-${k}-PRESENT`)])),
        canaryShown: /CANARY-(stashed|dropped)/.test(shown),
        history: shown.includes(`LOG-${head}`),
        borrowed: shown.includes('STORE-BORROWED'),
        // the runner's files are where they were: the door did not take their absence for deletions
        changedOnRunner: Object.entries(all)
          .filter(([f, body]) => !fs.existsSync(path.join(ws, f)) || fs.readFileSync(path.join(ws, f), 'utf8') !== body)
          .map(([f]) => f),
        deletions: changeRecords(r.outputs['transcript-dir']!).filter(c => c.change === 'deleted'),
        secretsInLog: [KEY, TOKEN, GH_TOKEN].filter(s => log.includes(s))
      }).toEqual({
        code: 0,
        conclusion: 'success',
        warnings: { ...Object.fromEntries(Object.keys(planted).map(f => [f, 1])), 'notes/plain.txt': 0 },
        notInBottle: { ...Object.fromEntries(Object.keys(planted).map(f => [f, true])), 'notes/plain.txt': false },
        controlShown: true,
        oidcCanaryShown: false,
        unreached: { stash: true, stashedFile: true, dropped: true },
        canaryShown: false,
        history: true,
        borrowed: false,
        changedOnRunner: [],
        deletions: [],
        secretsInLog: []
      })
    } finally {
      await api.close()
    }
  }, 600_000)

  it('a credential file git tracks stops the run before claude starts, naming it (its blob would reach the agent through git)', async () => {
    const ws = path.join(suite.dir, 'tracked', 'workspace')
    await repo.double!.checkout(ws)
    fs.writeFileSync(path.join(ws, 'gha-creds-aaaabbbbccccdddd.json'), '{"credential_source":{"url":"https://runner/oidc?token=CANARY-tracked"}}\n')
    execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', 'add', '-A']) // an earlier step's `git add -A`
    const api = await startAnthropicDouble({ turns: [{ text: 'never' }] }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, ws, KEY) },
        runnerTemp: path.join(suite.dir, 'tracked', 'rt'),
        toolCache: suite.toolCache
      })
      const errors = r.main.stdout.split('\n').filter(l => l.startsWith('::error'))
      expect({ code: r.main.code, errors: errors.length, conversation: api.conversation().length }).toEqual({ code: 1, errors: 1, conversation: 0 })
      expect(errors[0]).toMatch(/workspace: gha-creds-aaaabbbbccccdddd\.json is kept out of the bottle .*but git tracks it/)
    } finally {
      await api.close()
    }
  }, 600_000)
})
