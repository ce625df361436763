/**
 * The whole smolvm path through the CLI double rebuilt from smolvm v1.9.3's source: the action
 * installs "smolvm" (the pinned default) from a loopback release server, probes it, creates and
 * starts a machine whose guest has its own loopback and reaches the host only through the
 * gateway 100.96.0.1 under smolvm's egress policy, provisions it, runs the real claude (the API
 * double scripts its tools), pushes through the git gate, is allowed and refused egress, and
 * tears down. A second run measures the warm start (the image archive cached).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { makeTestKvmDevice } from '../../test/harness/kvm-device.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'
import { dockerLines, e2eSuite, MAIN_LEFT_NOTHING, slugOf, visibleLog } from './helpers.js'
import { GUEST_IMAGE } from '../../test/harness/paths.mjs'

const KEY = 'sk-ant-api03-smolvm-e2e-0123456789abcdef'
const TOKEN = 'ghs_smolvmE2eTokenEEEEEEEEEEEEEEEEEEEEEEEE5'
/** The agent's privileges, probed in the guest: every capability set, no-new-privs, groups, and what su, mount, a setuid-root binary and sudo give. */
const PRIVILEGE_PROBE =
  "{ grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status; id -G; su -c id root < /dev/null 2>&1 | head -1; mount -t tmpfs none /mnt 2>&1 | head -1; setuid-id -u; sudo -n id -u 2>&1 | head -1; } > privileges.txt"
/** What docker's --user, --cap-drop ALL and no-new-privileges give (the docker backend), and smolvm's setpriv must give from a root phase with every capability. */
const DROPPED =
  'CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n1001\nPassword: su: Authentication failure\nmount: /mnt: must be superuser to use mount.\n1001\nsudo: The "no new privileges" flag is set, which prevents sudo from running as root.\n'

describe('smolvm backend (through the CLI double rebuilt from the source)', () => {
  const suite = e2eSuite('e2e-smolvm')
  const repo = seededCheckoutForSuite(suite, TOKEN)
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  let decoy: http.Server
  let port = 0
  let kvm: ReturnType<typeof makeTestKvmDevice>
  beforeAll(async () => {
    kvm = makeTestKvmDevice(suite.dir) // a KVM runner's facts, whatever this machine has
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], cli: true })
    decoy = http.createServer((req, res) => res.end(`decoy says hi to ${req.url}`))
    await new Promise<void>(r => decoy.listen(0, '127.0.0.1', () => r()))
    port = (decoy.address() as AddressInfo).port
  })
  afterAll(async () => {
    await rel?.close()
    decoy?.close()
    kvm?.remove()
  })

  const state = () => path.join(suite.dir, 'smolvm-state')
  /** the runner's user cache dir, where smolvm keeps its staged copy of each image archive */
  const smolvmCache = () => path.join(suite.dir, 'user-cache')
  async function run(name: string, turns: Parameters<typeof startAnthropicDouble>[0]['turns'], inputs: Record<string, string> = {}) {
    const api = await startAnthropicDouble({ turns }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: { prompt: 'p', ...suite.inputs(api, repo.ws, KEY), backend: 'smolvm', 'smolvm-download-url': rel.url, ...inputs },
        runnerTemp: path.join(suite.dir, `rt-${name}`),
        toolCache: suite.toolCache,
        env: { ...kvm.env, SMOLVM_DOUBLE_STATE: state(), XDG_CACHE_HOME: smolvmCache(), SMOLVM_EGRESS_FLOOR: 'strict' } // a runner variable that would deny the gateway
      })
      return { ...r, api, log: visibleLog(r.main.stdout, r.main.stderr) }
    } finally {
      await api.close()
    }
  }
  const readyMs = (log: string) => Number(/smolvm: machine ready in (\d+) ms/.exec(log)?.[1])

  it('installs, probes, creates, starts, provisions, runs claude, pushes through the gate, is allowed and refused egress, and tears down', async () => {
    const ws = repo.ws
    const out = (file: string, cmd: string) => `${cmd} > ${file} 2>&1; echo "exit=$?" >> ${file}`
    const bash = [
      'id -u > id.txt; cat out.txt >> id.txt; echo "$ANTHROPIC_API_KEY" | cut -c1-23 >> id.txt',
      PRIVILEGE_PROBE,
      'env | grep -E "^(ANTHROPIC_BASE_URL|HTTPS_PROXY)=" | sort > env.txt',
      'git config user.email agent@bottle; git config user.name agent',
      'echo fix > fix.txt && git add fix.txt && git commit -qm fix',
      out('push.txt', 'git push origin HEAD:refs/heads/bot-bottle/fix'),
      out('push-main.txt', 'git push origin HEAD:main'),
      out('allowed.txt', `curl -sS --max-time 5 --noproxy '' -x "$HTTP_PROXY" http://localhost:${port}/allowed`),
      out('blocked.txt', 'curl -sS --max-time 5 -x "$HTTPS_PROXY" https://blocked.example/'),
      // around the proxy: the guest's 127.0.0.1 is its own; any other address is outside the VM's policy
      out('direct-loopback.txt', `curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:${port}/`),
      out('direct-out.txt', "curl -sS --max-time 5 --noproxy '*' http://10.213.252.2:8080/"),
      out('dns.txt', 'getent hosts exfil-5678.example.com'),
      'rm -f fix.txt; true'
    ].join('; ')
    const r = await run(
      'cold',
      [
        { tool_use: { name: 'Write', input: { file_path: path.join(ws, 'out.txt'), content: 'from the bottle\n' } } },
        { tool_use: { name: 'Bash', input: { command: bash, description: 'check' } } },
        { text: 'Done.' }
      ],
      { 'git-push': 'bot-bottle/**', 'allowed-hosts': `localhost:${port}, 127.0.0.1` }
    )
    const { log } = r
    expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
    const read = (f: string) => fs.readFileSync(path.join(ws, f), 'utf8')

    // install and probe: the pinned default, from the loopback release server; the runner's floor variable named, not obeyed
    expect(log).toContain(`smolvm: the KVM facts come from the test device ${kvm.path} (BOT_BOTTLE_TEST_KVM_DEVICE), not /dev/kvm`)
    expect(log).toContain('backend smolvm: usable (smolvm 1.9.3)')
    expect(r.main.stdout).toMatch(/::warning::smolvm: ignoring SMOLVM_EGRESS_FLOOR from the runner's environment/)
    // what else the gateway relays to: the API double listens on this runner's loopback, and is named
    expect(r.main.stdout).toMatch(
      new RegExp(
        `::warning::smolvm: besides the bottle's daemons, the guest can reach these services on the runner's loopback .*127\\.0\\.0\\.1:${new URL(r.api.url).port}\\b`
      )
    )
    expect(log).toContain(`smolvm: the VM gets the runner's docker image ${GUEST_IMAGE} as a local archive (`)
    expect(log).toMatch(/Model proxy listening on 127\.0\.0\.1:\d+ .*gateway wiring/)

    // claude ran as the workspace owner, with the placeholder, through the gateway
    expect(r.outputs['backend']).toBe('smolvm')
    expect(fs.statSync(path.join(ws, 'out.txt')).uid).toBe(1001)
    expect(read('id.txt')).toBe('1001\nfrom the bottle\nbot-bottle-placeholder-\n')
    expect(read('privileges.txt')).toBe(DROPPED)
    expect(read('env.txt')).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/100\.96\.0\.1:\d+\nHTTPS_PROXY=http:\/\/bottle:[0-9a-f]{32}@100\.96\.0\.1:\d+\n$/)
    expect(r.api.conversation().length).toBe(3)
    for (const q of r.api.requests) expect(q.headers['x-api-key']).toBe(KEY)

    // the git gate: pushed the allowed ref, refused main
    expect(read('push.txt')).toContain('exit=0')
    expect(read('push-main.txt')).toMatch(/refs\/heads\/main is not in git-push[\s\S]*exit=1/)
    expect(r.outputs['pushed-refs']).toBe('refs/heads/bot-bottle/fix')

    // egress: allowed through the proxy, refused through it, and refused around it
    expect(read('allowed.txt')).toBe('decoy says hi to /allowedexit=0\n')
    expect(read('blocked.txt')).toMatch(/403[\s\S]*exit=56/)
    expect(read('direct-loopback.txt')).toMatch(/Failed to connect to 127\.0\.0\.1[\s\S]*exit=7/)
    expect(read('direct-out.txt')).toMatch(/exit=(7|52|56)\n$/)
    expect(read('dns.txt')).toBe('exit=2\n')
    // what smolvm was asked: no value of the guest's environment on any argv or in smolvm's database
    const calls: string[][] = fs
      .readFileSync(path.join(state(), 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    const secrets = [KEY, TOKEN, /bottle:([0-9a-f]{32})@/.exec(read('env.txt'))![1]!, 'bot-bottle-placeholder']
    for (const s of secrets) expect(calls.filter(c => c.join(' ').includes(s))).toEqual([])
    const create = calls.find(c => c[1] === 'create' && !c.includes('--help'))!
    const name = create[create.indexOf('--name') + 1]!
    const vm = path.join(state(), `${name}.vm`)
    expect(fs.readFileSync(path.join(vm, 'egress-denials.log'), 'utf8')).toContain('egress policy denied connect to 10.213.252.2:8080')
    expect(fs.readFileSync(path.join(vm, 'dns.jsonl'), 'utf8')).toContain('{"name":"exfil-5678.example.com","verdict":"nxdomain"}')

    expect(create.filter(a => /^(--env|-e|--allow-cidr|--outbound-localhost-only|-p|--port|--network)$/.test(a))).toEqual([])
    expect(create.slice(create.indexOf('--net'), create.indexOf('--net') + 3)).toEqual(['--net', '--allow-host', '100.96.0.1'])
    expect(create[create.indexOf('--image') + 1]).toMatch(new RegExp(`^${suite.toolCache}/bot-bottle-smolvm-images/[0-9a-f]{64}\\.tar$`))
    const claudeRun = calls.find(c => c[1] === 'exec' && c.some(a => a.endsWith('/claude')) && c.includes('-p'))!
    expect(claudeRun.slice(claudeRun.indexOf('--') + 1, claudeRun.indexOf('--') + 9)).toEqual([
      'setpriv',
      '--reuid=1001',
      '--regid=1001',
      '--no-new-privs',
      '--bounding-set=-all',
      '--inh-caps=-all',
      '--ambient-caps=-all',
      '--clear-groups'
    ])

    // nothing left: no machine, record, VM container, gateway namespace, or env file
    expect(r.post.stdout).toContain(MAIN_LEFT_NOTHING)
    const cli = path.join(suite.toolCache, 'smolvm', '1.9.3', 'linux-x86_64', 'smolvm')
    expect(JSON.parse(execFileSync(cli, ['machine', 'ls', '--json'], { encoding: 'utf8', env: { ...process.env, SMOLVM_DOUBLE_STATE: state() } }))).toEqual([])
    expect(fs.readdirSync(state()).filter(f => f.endsWith('.json'))).toEqual([])
    expect(dockerLines('ps', '--all', '--filter', `name=smolvm-double-${name}`, '--format', '{{.Names}}')).toEqual([])
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain('smolgw-')
    const envFiles = create.flatMap((a, i) => (a === '--secret-file' ? [create[i + 1]!.slice(create[i + 1]!.indexOf('=') + 1)] : []))
    expect(envFiles.length).toBeGreaterThan(5)
    expect(envFiles.filter(f => fs.existsSync(f))).toEqual([])
    expect(slugOf(r.outputs['transcript-dir']!)).toMatch(/^bb-/)

    // smolvm kept its staged copy of the archive (a hard link to the action's) after delete
    const images = path.join(suite.toolCache, 'bot-bottle-smolvm-images')
    const inUse = path.join(images, fs.readdirSync(images).find(f => f.endsWith('.tar'))!)
    const smolvmCopies = path.join(smolvmCache(), 'smolvm-image-archives')
    const stagedOf = (archive: string) =>
      fs.readdirSync(smolvmCopies).filter(h => fs.statSync(path.join(smolvmCopies, h, 'archive.tar')).ino === fs.statSync(archive).ino)
    expect(stagedOf(inUse)).toHaveLength(1)
    // an older image's archive and smolvm's copy of it, over the budget the warm run sets: both go, the one in use stays
    const old = path.join(images, `${'a'.repeat(64)}.tar`)
    fs.writeFileSync(old, Buffer.alloc(2 * 1024 * 1024))
    fs.utimesSync(old, new Date('2026-01-01'), new Date('2026-01-01'))
    fs.mkdirSync(path.join(smolvmCopies, 'b'.repeat(64)))
    fs.linkSync(old, path.join(smolvmCopies, 'b'.repeat(64), 'archive.tar'))

    // warm: the same image again, its archive from the cache
    const warm = await run('warm', [{ text: 'Nothing to do.' }], { 'smolvm-image-cache-mb': '1' })
    expect({ code: warm.main.code, log: warm.log }).toMatchObject({ code: 0 })
    expect(warm.log).toContain(
      `smolvm: image cache over smolvm-image-cache-mb (1 MiB): removed ${'a'.repeat(64)}.tar (2 MiB) and smolvm's staged copy ${path.join(smolvmCopies, 'b'.repeat(64))}`
    )
    expect({
      old: fs.existsSync(old),
      oldCopy: fs.existsSync(path.join(smolvmCopies, 'b'.repeat(64))),
      inUse: fs.existsSync(inUse),
      inUseCopy: stagedOf(inUse).length
    }).toEqual({
      old: false,
      oldCopy: false,
      inUse: true,
      inUseCopy: 1
    })
    expect(log).toMatch(/machine ready in \d+ ms \(create \d+ ms, image archive saved;/)
    expect(warm.log).toMatch(/machine ready in \d+ ms \(create \d+ ms, image archive cached;/)
    console.log(
      `smolvm through the double: cold ${readyMs(log)} ms, warm ${readyMs(warm.log)} ms (${/machine ready in .*/.exec(log)?.[0]} | ${/machine ready in .*/.exec(warm.log)?.[0]})`
    )
  }, 600_000)

  it("stops claude at timeout-minutes itself: smolvm's own exec --timeout would exit 124 and leave claude running", async () => {
    const r = await run('timeout', [{ hang: true }], { 'timeout-minutes': '0.1' })
    expect({ code: r.main.code, conclusion: r.outputs['conclusion'] }).toEqual({ code: 1, conclusion: 'timeout' })
    expect(r.log).toContain("::error::claude run concluded 'timeout': claude did not finish within timeout-minutes (0.1)")
    // the 6 s deadline and the stop's grace, not smolvm's backstop (timeout-minutes + 30 s = 36 s), which kills only its crun child
    const claudeMs = Number(r.outputs['duration-ms'])
    expect(claudeMs).toBeGreaterThanOrEqual(5_900)
    expect(claudeMs).toBeLessThan(20_000)
    expect(r.post.stdout).toContain(MAIN_LEFT_NOTHING)
    expect(fs.readdirSync(state()).filter(f => f.endsWith('.json'))).toEqual([])
  }, 300_000)
})
