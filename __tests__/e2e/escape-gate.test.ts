/**
 * Attacks on the git gate from inside a real bottle, as an agent would make them: real git
 * where git will send the push, and receive-pack requests built by hand (perl, curl) where
 * it will not — one ref named twice to rewrite history past the fast-forward check, a NUL
 * tail on a later command, ref names git calls funny or a shell would run, a gzip bomb, and a
 * request without the run's secret. Afterwards the upstream (real `git http-backend`) holds
 * nothing forbidden, and git.jsonl says why each was refused, without the secret.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-escape-gate-0123456789abcdef'
const TOKEN = 'ghs_escapeGateTokenGGGGGGGGGGGGGGGGGGGGGG7'

// Each attempt leaves `<name>.txt` in the workspace. `req` writes a receive-pack command list
// (pkt-lines; `\0` in an argument becomes a NUL byte), `post` sends a request file to the gate.
const SCRIPT = String.raw`
set -u
git config user.email agent@bottle; git config user.name agent
URL=$(git remote get-url origin); echo "$URL" > url.txt
Z=0000000000000000000000000000000000000000
CAPS='report-status side-band-64k agent=git/2.39.5'
req() { perl -e 'for (@ARGV) { my $l = $_; $l =~ s/\\0/\0/g; $l .= "\n"; printf("%04x%s", length($l) + 4, $l) } print "0000"' "$@"; }
post() { curl -sS --noproxy '*' --max-time 60 -H 'content-type: application/x-git-receive-pack-request' "$@" --data-binary @- "$URL/git-receive-pack"; }
pack() { printf '%s\n' "$@" | git pack-objects --stdout --revs -q; }

# a legitimate push, then one ref named twice: B->X rewrites it, X->Y fast-forwards
echo b > b.txt; git add b.txt; git commit -qm b; B=$(git rev-parse HEAD); echo "$B" > b-sha.txt
git push -q origin HEAD:refs/heads/bot-bottle/dup > push-ok.txt 2>&1; echo "exit=$?" >> push-ok.txt
git reset -q --hard HEAD~1
echo x > x.txt; git add x.txt; git commit -qm x; X=$(git rev-parse HEAD)
echo y > y.txt; git add y.txt; git commit -qm y; Y=$(git rev-parse HEAD)
{ req "$B $X refs/heads/bot-bottle/dup\0$CAPS" "$X $Y refs/heads/bot-bottle/dup"; pack "$Y" "^$B"; } | post > dup.txt 2>&1

# a NUL tail on the second command: judged as release\0-agent (matches *-agent), created as release
{ req "$Z $X refs/heads/bot-bottle/n\0$CAPS" "$Z $X refs/heads/release\0-agent"; pack "$X" "^origin/main"; } | post > nul.txt 2>&1

# ref names: one real git sends, two it would not
git push origin 'HEAD:refs/heads/bot-bottle/$(id)' > name-shell.txt 2>&1; echo "exit=$?" >> name-shell.txt
{ req "$Z $X refs/heads/bot-bottle/a..b\0$CAPS"; pack "$X" "^origin/main"; } | post > name-dots.txt 2>&1
{ req "$Z $X refs/heads/bot-bottle/x@{1}\0$CAPS"; pack "$X" "^origin/main"; } | post > name-at.txt 2>&1

# a gzip bomb: 64 MiB of zeros after a valid command list, about 64 KiB on the wire
{ req "$Z $X refs/heads/bot-bottle/bomb\0$CAPS"; printf PACK; head -c 67108864 /dev/zero; } | gzip -c | post -H 'content-encoding: gzip' > bomb.txt 2>&1

# the gate without the run's secret: the origin URL with its first path segment taken out
NOSECRET=$(echo "$URL" | sed -E 's#^(http://[^/]+)/[^/]+/#\1/#'); echo "$NOSECRET" > nosecret-url.txt
curl -sS --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}\n' "$NOSECRET/info/refs?service=git-upload-pack" > nosecret.txt 2>&1
git ls-remote "$NOSECRET" > nosecret-git.txt 2>&1; echo "exit=$?" >> nosecret-git.txt
true`

describe('attacks on the git gate from the bottle', () => {
  const suite = e2eSuite('e2e-escape-gate')
  const repo = seededCheckoutForSuite(suite, TOKEN)

  it('nothing forbidden reaches the upstream, git shows why, and git.jsonl records it without the secret', async () => {
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Bash', input: { command: SCRIPT, description: 'attack the gate' } } }, { text: 'done' }] },
      { expectedKey: KEY }
    )
    const refsBefore = repo.double!.git('acme/widgets.git', 'for-each-ref', '--format=%(refname)')
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, repo.ws, KEY), 'git-push': 'bot-bottle/**, *-agent' },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      const log = visibleLog(r.main.stdout, r.main.stderr, r.post.stdout)
      expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
      const read = (f: string) => fs.readFileSync(path.join(repo.ws, f), 'utf8')

      // the upstream: only the one legitimate push landed; bot-bottle/dup was not rewritten
      const b = read('b-sha.txt').trim()
      expect(read('push-ok.txt')).toBe('exit=0\n')
      expect(repo.double!.git('acme/widgets.git', 'for-each-ref', '--format=%(refname)')).toBe([refsBefore, 'refs/heads/bot-bottle/dup'].sort().join('\n'))
      expect(repo.double!.git('acme/widgets.git', 'rev-parse', 'refs/heads/bot-bottle/dup')).toBe(b)
      expect(r.outputs['pushed-refs']).toBe('refs/heads/bot-bottle/dup')

      // what git (or curl) showed the agent
      expect(read('dup.txt')).toContain('ng refs/heads/bot-bottle/dup bot-bottle: this ref is named more than once in one push')
      expect(read('nul.txt')).toContain('ng refs/heads/release bot-bottle: a command after the first carries a NUL')
      expect(read('name-shell.txt')).toMatch(
        /! \[remote rejected\] HEAD -> bot-bottle\/\$\(id\) \(bot-bottle: ref names may hold only letters, digits and \. _ - \/\)[\s\S]*exit=1/
      )
      expect(read('name-dots.txt')).toContain("bot-bottle: not a valid ref name (git check-ref-format: it contains '..')")
      expect(read('name-at.txt')).toContain("bot-bottle: not a valid ref name (git check-ref-format: it contains '@{')")
      expect(read('bomb.txt')).toContain('ng refs/heads/bot-bottle/bomb bot-bottle: gzip body inflates more than 100:1')
      expect(read('nosecret.txt')).toBe('403\n')
      expect(read('nosecret-git.txt')).toMatch(/403[\s\S]*exit=128/)

      // git.jsonl: every attempt refused by the gate itself (none left to the upstream), no secret
      const secret = /^http:\/\/[^/]+\/([0-9a-f]{32})\/acme\/widgets\.git$/.exec(read('url.txt').trim())![1]!
      const gitLog = fs.readFileSync(path.join(r.outputs['transcript-dir']!, 'git.jsonl'), 'utf8')
      expect(gitLog).not.toContain(secret)
      expect(log).not.toContain(secret)
      const decisions = gitLog
        .trim()
        .split('\n')
        .map(l => JSON.parse(l))
      expect(decisions.filter(d => d.ref).map(d => [d.ref, d.decision])).toEqual([
        ['refs/heads/bot-bottle/dup', 'pushed'],
        ['refs/heads/bot-bottle/dup', 'blocked'],
        ['refs/heads/bot-bottle/dup', 'blocked'],
        ['refs/heads/bot-bottle/n', 'blocked'],
        ['refs/heads/release', 'blocked'],
        ['refs/heads/bot-bottle/$(id)', 'blocked'],
        ['refs/heads/bot-bottle/a..b', 'blocked'],
        ['refs/heads/bot-bottle/x@{1}', 'blocked'],
        ['refs/heads/bot-bottle/bomb', 'blocked']
      ])
      expect(decisions.filter(d => d.decision === 'rejected-upstream')).toEqual([])
      expect(decisions).toContainEqual(
        expect.objectContaining({ service: 'receive-pack', decision: 'blocked', reason: expect.stringContaining('inflates more than 100:1') })
      )
      expect(decisions.filter(d => d.service === 'other' && /without the run's secret/.test(d.reason)).length).toBeGreaterThanOrEqual(2) // curl, then git's info/refs
    } finally {
      await api.close()
    }
  })
})
