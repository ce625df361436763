/**
 * The git gate in a real bottle: the agent's `origin` points at the gate; it fetches and pushes
 * with no credential of its own; the gate adds the checkout's token upstream, pushes only to
 * `git-push` refs, refuses main, force pushes and deletes, and the record says so.
 * The upstream is real `git http-backend` on loopback, wanting the token like GitHub.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-gitgate-e2e-0123456789'
const TOKEN = 'ghs_gitGateE2eTokenDDDDDDDDDDDDDDDDDDDDD4'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

describe('git gate in a bottle', () => {
  const suite = e2eSuite('e2e-gitgate')
  const repo = seededCheckoutForSuite(suite, TOKEN)

  it('fetches and pushes through the gate with no token in the bottle; only git-push refs move', async () => {
    const out = (name: string, cmd: string) => `${cmd} > ${name}.txt 2>&1; echo "exit=$?" >> ${name}.txt`
    const cmd = [
      'git config user.email agent@bottle; git config user.name agent',
      'echo fix > fix.txt && git add fix.txt && git commit -qm fix',
      out('push-ok', 'git push origin HEAD:refs/heads/bot-bottle/fix'),
      out('push-main', 'git push origin HEAD:main'),
      out('push-force', 'git push --force origin HEAD~1:refs/heads/bot-bottle/fix'),
      out('push-delete', 'git push origin :refs/heads/bot-bottle/fix'),
      out('fetch', 'git fetch origin'),
      'git remote -v > remote.txt; cat .git/config > config.txt',
      'true'
    ].join('; ')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: cmd, description: 'push' } } }, { text: 'pushed' }] },
      { expectedKey: KEY }
    )
    const mainBefore = repo.double!.git('acme/widgets.git', 'rev-parse', 'main')
    const runnerGit = (...a: string[]) => execFileSync('git', ['-c', 'safe.directory=*', '-C', repo.ws, ...a], { encoding: 'utf8' }).trim()
    const headBefore = runnerGit('rev-parse', 'HEAD')
    const configBefore = fs.readFileSync(path.join(repo.ws, '.git', 'config'), 'utf8')
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, repo.ws, KEY), 'git-push': 'bot-bottle/**' },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      const read = (f: string) => fs.readFileSync(path.join(repo.ws, f), 'utf8')
      expect(read('push-ok.txt')).toContain('exit=0')
      expect(read('push-main.txt')).toMatch(/refs\/heads\/main is not in git-push \(refs\/heads\/bot-bottle\/\*\*\)[\s\S]*exit=1/)
      expect(read('push-force.txt')).toMatch(/not a fast-forward[\s\S]*exit=1/)
      expect(read('push-delete.txt')).toMatch(/deleting refs\/heads\/bot-bottle\/fix is not allowed[\s\S]*exit=1/)
      expect(read('fetch.txt')).toBe('exit=0\n')
      expect(read('remote.txt')).toMatch(/^origin\thttp:\/\/bot-bottle-gateway:\d+\/[0-9a-f]{32}\/acme\/widgets\.git \(push\)$/m) // the per-run secret, then the repo
      for (const f of ['remote.txt', 'config.txt', 'push-ok.txt', 'push-main.txt']) expect(read(f)).not.toContain(BASIC)
      // the gate's per-run secret is the bottle's to use, and stays out of every record
      const secret = /bot-bottle-gateway:\d+\/([0-9a-f]{32})\//.exec(read('remote.txt'))![1]!
      expect(log).not.toContain(secret)
      expect(JSON.stringify(r.outputs)).not.toContain(secret)

      // the upstream: only the allowed branch moved, to the agent's commit on top of the checkout's HEAD
      // (the commit left the bottle only through the gate: the runner's HEAD did not move)
      expect(runnerGit('rev-parse', 'HEAD')).toBe(headBefore)
      const upstream = (...a: string[]) => repo.double!.git('acme/widgets.git', ...a)
      const fix = upstream('rev-parse', 'bot-bottle/fix')
      expect(fix).not.toBe(headBefore)
      expect(upstream('log', '-1', '--format=%P|%s|%an <%ae>', fix)).toBe(`${headBefore}|fix|agent <agent@bottle>`)
      expect(upstream('diff-tree', '--no-commit-id', '--name-status', '-r', fix)).toBe('A\tfix.txt')
      expect(upstream('show', `${fix}:fix.txt`)).toBe('fix')
      expect(upstream('rev-parse', 'main')).toBe(mainBefore)
      // the file itself came back to the runner's workspace through the workspace door, uncommitted
      expect(read('fix.txt')).toBe('fix\n')
      expect(runnerGit('status', '--porcelain', '--', 'fix.txt')).toBe('?? fix.txt')
      expect(r.outputs['pushed-refs']).toBe('refs/heads/bot-bottle/fix')

      const decisions = fs
        .readFileSync(path.join(r.outputs['transcript-dir']!, 'git.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
      expect(decisions.filter(d => d.ref).map(d => [d.ref, d.decision])).toEqual([
        ['refs/heads/bot-bottle/fix', 'pushed'],
        ['refs/heads/main', 'blocked'],
        ['refs/heads/bot-bottle/fix', 'blocked'],
        ['refs/heads/bot-bottle/fix', 'blocked']
      ])
      expect(log).toMatch(
        /Git gate listening on [\d.]+:\d+ for http:\/\/127\.0\.0\.1:\d+\/acme\/widgets\.git \(credential: checkout extraheader; push: refs\/heads\/bot-bottle\/\*\*, fast-forward only; protected paths: \.github\/workflows\/\*\*; secrets scanned; up to 100 MiB a push\)/
      )
      expect(log).toContain('pushed refs/heads/bot-bottle/fix; 3 refused')

      // the record: job summary and report
      expect(r.summary).toContain('| pushed refs | refs/heads/bot-bottle/fix |')
      const report = fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'artifact', 'report.html'), 'utf8')
      expect(report).toContain('refs/heads/main is not in git-push')
      expect(report).not.toContain(BASIC)

      // the runner's config was never touched: byte for byte as the checkout left it, origin and token included
      expect(fs.readFileSync(path.join(repo.ws, '.git', 'config'), 'utf8')).toBe(configBefore)
      const get = (key: string) => execFileSync('git', ['config', '--file', path.join(repo.ws, '.git', 'config'), key], { encoding: 'utf8' }).trim()
      expect(get('remote.origin.url')).toBe(`${repo.double!.url}/acme/widgets.git`)
      expect(get(`http.${repo.double!.url}/.extraheader`)).toBe(`AUTHORIZATION: basic ${BASIC}`)
      expect(fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'git.jsonl'), 'utf8')).not.toContain(BASIC)
      expect(fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'git.jsonl'), 'utf8')).not.toContain(secret)
    } finally {
      await api.close()
    }
  })
})
