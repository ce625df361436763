/**
 * The git gate's content rules in a real bottle: the scripted agent pushes, with real git, a
 * workflow file, a planted GitHub-shaped token, the run's own API key and a push over
 * `git-max-push-mb`; each is refused in git's own report, while an ordinary push to an allowed
 * ref lands. The upstream is real `git http-backend` on loopback; the record (git.jsonl, the
 * report, the job summary) says why each was refused and never holds a secret's value.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-gateContentE2e-0123456789abcdefXYZ'
const TOKEN = 'ghs_gateContentE2eTokenHHHHHHHHHHHHHHHHHHH8'
const PLANTED = 'ghp_' + 'E2ePlantedT0kenBBBBBBBBBBBBBBBBBBBBBBBBB' // a GitHub token shape, not a real one

describe('git gate content rules in a bottle', () => {
  const suite = e2eSuite('e2e-gate-content')
  const repo = seededCheckoutForSuite(suite, TOKEN)

  it("refuses a workflow change, a planted token, the run's own key and an oversized push; an ordinary push lands", async () => {
    const out = (name: string, cmd: string) => `${cmd} > ${name}.txt 2>&1; echo "exit=$?" >> ${name}.txt`
    const attempt = (name: string, ref: string, plant: string, files: string) => [
      'git reset -q --hard origin/main',
      plant,
      `git add ${files} && git commit -qm ${name}`,
      out(name, `git push origin HEAD:refs/heads/bot-bottle/${ref}`)
    ]
    const cmd = [
      'git config user.email agent@bottle; git config user.name agent',
      ...attempt('push-workflow', 'wf', "mkdir -p .github/workflows && printf 'on: push\\n' > .github/workflows/agent.yml", '.github'),
      ...attempt('push-token', 'token', `printf 'export GH_TOKEN=%s\\n' '${PLANTED}' > notes.md`, 'notes.md'),
      ...attempt('push-key', 'key', `printf 'ANTHROPIC_API_KEY=%s\\n' '${KEY}' > app.env`, 'app.env'),
      ...attempt('push-big', 'big', 'head -c 3145728 /dev/urandom > big.bin', 'big.bin'),
      ...attempt('push-ok', 'fix', 'echo fix > fix.txt', 'fix.txt'),
      'true'
    ].join('; ')
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: cmd, description: 'push' } } }, { text: 'pushed' }] },
      { expectedKey: KEY }
    )
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, repo.ws, KEY), 'git-push': 'bot-bottle/**', 'git-max-push-mb': '1' },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      const read = (f: string) => fs.readFileSync(path.join(repo.ws, f), 'utf8')
      const commitOf = (f: string) => /commit ([0-9a-f]{12})/.exec(read(f))?.[1]

      // git's own report, in the bottle
      expect(read('push-workflow.txt')).toMatch(
        /! \[remote rejected\] HEAD -> bot-bottle\/wf \(bot-bottle: \.github\/workflows\/agent\.yml is protected \(git-protected-paths: \.github\/workflows\/\*\*\) and commit [0-9a-f]{12} adds it\)[\s\S]*exit=1/
      )
      expect(read('push-token.txt')).toMatch(
        /! \[remote rejected\] HEAD -> bot-bottle\/token \(bot-bottle: notes\.md \(commit [0-9a-f]{12}\) holds a secret \(github-token\); secrets may not be pushed\)[\s\S]*exit=1/
      )
      expect(read('push-key.txt')).toMatch(
        /! \[remote rejected\] HEAD -> bot-bottle\/key \(bot-bottle: app\.env \(commit [0-9a-f]{12}\) holds a secret \(secret\); secrets may not be pushed\)[\s\S]*exit=1/
      )
      expect(read('push-big.txt')).toMatch(
        /! \[remote rejected\] HEAD -> bot-bottle\/big \(bot-bottle: push larger than the gate's limit of 1 MiB \(input git-max-push-mb\); push less at once\)[\s\S]*exit=1/
      )
      expect(read('push-ok.txt')).toContain('exit=0')
      for (const f of ['push-token.txt', 'push-key.txt']) {
        expect(read(f)).not.toContain(PLANTED.slice(4))
        expect(read(f)).not.toContain(KEY.slice(7))
      }

      // the upstream: only the ordinary push landed
      const has = (ref: string) => repo.double!.git('acme/widgets.git', 'for-each-ref', '--format=%(refname)', ref) !== ''
      expect(['wf', 'token', 'key', 'big'].filter(b => has(`refs/heads/bot-bottle/${b}`))).toEqual([])
      expect(has('refs/heads/bot-bottle/fix')).toBe(true)
      expect(r.outputs['pushed-refs']).toBe('refs/heads/bot-bottle/fix')
      expect(log).toMatch(/protected paths: \.github\/workflows\/\*\*; secrets scanned; up to 1 MiB a push\)/)
      expect(log).toContain('pushed refs/heads/bot-bottle/fix; 4 refused')

      // the record: git.jsonl with the findings, the report and the job summary
      const dir = r.outputs['transcript-dir']!
      const gitLog = fs.readFileSync(path.join(dir, 'git.jsonl'), 'utf8')
      const decisions = gitLog
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
      expect(decisions.filter(d => d.ref).map(d => [d.ref, d.decision])).toEqual([
        ['refs/heads/bot-bottle/wf', 'blocked'],
        ['refs/heads/bot-bottle/token', 'blocked'],
        ['refs/heads/bot-bottle/key', 'blocked'],
        ['refs/heads/bot-bottle/big', 'blocked'],
        ['refs/heads/bot-bottle/fix', 'pushed']
      ])
      expect(decisions.find(d => d.ref === 'refs/heads/bot-bottle/wf').findings).toEqual([
        {
          check: 'protected-path',
          where: '.github/workflows/agent.yml',
          rule: '.github/workflows/**',
          commit: expect.stringMatching(new RegExp(`^${commitOf('push-workflow.txt')}`)),
          change: 'adds'
        }
      ])
      expect(decisions.find(d => d.ref === 'refs/heads/bot-bottle/token').findings).toMatchObject([
        { check: 'secret', where: expect.stringContaining('notes.md'), kinds: ['github-token'] }
      ])
      expect(decisions.find(d => d.ref === 'refs/heads/bot-bottle/key').findings).toMatchObject([
        { check: 'secret', where: expect.stringContaining('app.env'), kinds: ['secret'] }
      ])
      const summary = r.summary
      expect(summary).toContain('**Refused pushes** (git gate)')
      expect(summary).toMatch(/refs\/heads\/bot-bottle\/wf: bot-bottle: \.github\/workflows\/agent\.yml is protected/)
      expect(summary).toMatch(/refs\/heads\/bot-bottle\/key: bot-bottle: app\.env \(commit [0-9a-f]{12}\) holds a secret \(secret\)/)
      expect(summary).toContain('push larger than the gate')
      const report = fs.readFileSync(path.join(dir, 'artifact', 'report.html'), 'utf8')
      expect(report).toContain('holds a secret (github-token)')
      expect(report).toContain('is protected (git-protected-paths:')
      for (const text of [gitLog, summary, report, log]) {
        expect(text).not.toContain(PLANTED.slice(4))
        expect(text).not.toContain(KEY.slice(7))
      }
    } finally {
      await api.close()
    }
  })
})
