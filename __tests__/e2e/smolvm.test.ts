/**
 * A run through the smolvm code path: the action installs "smolvm" from a loopback release
 * server whose archive holds the stateful CLI double, which runs each machine as a docker
 * container. Same scenario through docker, for comparison: same outputs, same transcript.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'
import { dockerLines, e2eSuite, MAIN_LEFT_NOTHING, makeWorkspace, slugOf, visibleLog } from './helpers.js'
import { GUEST_IMAGE } from '../../test/harness/paths.mjs'

const KEY = 'sk-ant-api03-smolvm-e2e-0123456789abcdef'
/** The agent's privileges, probed in the guest on both backends: every capability set, no-new-privs, groups, and what su, mount, a setuid-root binary and sudo give. */
const PRIVILEGE_PROBE = "{ grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status; id -G; su -c id root < /dev/null 2>&1 | head -1; mount -t tmpfs none /mnt 2>&1 | head -1; setuid-id -u; sudo -n id -u 2>&1 | head -1; } > privileges.txt"
/** What docker's --user, --cap-drop ALL and no-new-privileges give, and smolvm's setpriv must give too. */
const DROPPED = 'CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n1001\n'

describe('smolvm backend (through the CLI double)', () => {
  const suite = e2eSuite('e2e-smolvm')
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  beforeAll(async () => {
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64'], cli: true })
  })
  afterAll(async () => rel?.close())

  async function runOn(backend: 'smolvm' | 'docker') {
    const ws = makeWorkspace(path.join(suite.dir, backend), 1001)
    const api = await startAnthropicDouble(
      {
        turns: [
          { tool_use: { name: 'Write', input: { file_path: path.join(ws, 'out.txt'), content: 'from the bottle\n' } } },
          { tool_use: { name: 'Bash', input: { command: `id -u; cat out.txt; echo "$ANTHROPIC_API_KEY" | cut -c1-23; ${PRIVILEGE_PROBE}`, description: 'check' } } },
          { text: 'Wrote out.txt.' }
        ]
      },
      { expectedKey: KEY }
    )
    try {
      const state = path.join(suite.dir, `smolvm-state-${backend}`)
      const r = await runAction({
        inputs: { prompt: 'Write out.txt', ...suite.inputs(api, ws, KEY), backend, 'smolvm-download-url': rel.url, 'append-system-prompt': 'SYS-MARK-9' },
        runnerTemp: path.join(suite.dir, `rt-${backend}`),
        toolCache: suite.toolCache,
        env: { SMOLVM_DOUBLE_STATE: state }
      })
      return { ...r, ws, api, state }
    } finally {
      await api.close()
    }
  }

  it('runs the same scenario to the same outputs and transcript as docker, and leaves no machine', async () => {
    const viaSmolvm = await runOn('smolvm')
    const log = visibleLog(viaSmolvm.main.stdout, viaSmolvm.main.stderr)
    expect({ code: viaSmolvm.main.code, log }).toMatchObject({ code: 0 })
    expect(log).toContain('backend smolvm: usable (smolvm 1.9.2)')
    expect(log).toMatch(/Model proxy listening on 127\.0\.0\.1:\d+ .*loopback wiring/)
    expect(log).toContain(`smolvm: the VM gets the runner's docker image ${GUEST_IMAGE} as a local archive (`)
    expect(fs.existsSync(path.join(viaSmolvm.outputs['transcript-dir']!, 'guest-image.tar'))).toBe(false)
    expect(viaSmolvm.outputs['backend']).toBe('smolvm')
    expect(fs.statSync(path.join(viaSmolvm.ws, 'out.txt')).uid).toBe(1001)
    expect(viaSmolvm.api.conversation().length).toBe(3)
    expect(JSON.stringify(viaSmolvm.api.conversation()[0]!.body)).toContain('SYS-MARK-9')
    for (const q of viaSmolvm.api.requests) expect(q.headers['x-api-key']).toBe(KEY)

    const viaDocker = await runOn('docker')
    expect(viaDocker.main.code).toBe(0)
    const comparable = (o: Record<string, string>) => ({ conclusion: o['conclusion'], result: o['result'], 'num-turns': o['num-turns'], 'input-tokens': o['input-tokens'], 'output-tokens': o['output-tokens'], 'cost-usd': o['cost-usd'] })
    expect(comparable(viaSmolvm.outputs)).toEqual(comparable(viaDocker.outputs))
    // the same tool results, in the same order (uid, file content, placeholder prefix)
    const toolResults = (dir: string, ws: string) =>
      fs.readFileSync(path.join(dir, 'stream.jsonl'), 'utf8').replaceAll(ws, '<workspace>').split('\n').filter(Boolean).map(l => JSON.parse(l))
        .filter(m => m.type === 'user').map(m => JSON.stringify(m.message.content.map((c: { content: unknown; is_error: boolean }) => [c.content, c.is_error])))
    expect(toolResults(viaSmolvm.outputs['transcript-dir']!, viaSmolvm.ws)).toEqual(toolResults(viaDocker.outputs['transcript-dir']!, viaDocker.ws))
    expect(toolResults(viaSmolvm.outputs['transcript-dir']!, viaSmolvm.ws).join()).toContain('1001\\nfrom the bottle\\nbot-bottle-placeholder')
    // the same privileges on both backends: none at all, and no way back through setuid
    const privileges = (ws: string) => fs.readFileSync(path.join(ws, 'privileges.txt'), 'utf8')
    // the guest image has passwordless root, sudo for everyone and a setuid-root id (see guest-image.sh): none of them works
    expect(privileges(viaDocker.ws)).toBe(`${DROPPED}Password: su: Authentication failure\nmount: /mnt: must be superuser to use mount.\n1001\nsudo: The "no new privileges" flag is set, which prevents sudo from running as root.\n`)
    expect(privileges(viaSmolvm.ws)).toBe(privileges(viaDocker.ws))

    // the walls, as smolvm is asked for them (the double cannot enforce them; a real smolvm does)
    const calls: string[][] = fs.readFileSync(path.join(viaSmolvm.state, 'calls.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    expect(calls.some(c => c.includes(KEY))).toBe(false) // no argv carries the key
    const create = calls.find(c => c[1] === 'create' && !c.includes('--help'))!
    expect(create).toEqual(expect.arrayContaining(['--net', '--outbound-localhost-only']))
    expect(create.filter(a => /^(--allow-host|--allow-cidr|-p|--port|--publish|--network)$/.test(a))).toEqual([]) // nothing opens a wider path
    const valuesOf = (flag: string) => create.flatMap((a, i) => (a === flag ? [create[i + 1]!] : []))
    const env = Object.fromEntries(valuesOf('--env').map(e => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]))
    expect(Object.keys(env).filter(k => /^(INPUT_|ACTIONS_|GITHUB_|RUNNER_)/.test(k))).toEqual([]) // built from scratch, not inherited
    expect(env).toMatchObject({
      ANTHROPIC_API_KEY: expect.stringMatching(/^bot-bottle-placeholder-/),
      ANTHROPIC_BASE_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      HTTPS_PROXY: expect.stringMatching(/^http:\/\/bottle:[0-9a-f]{32}@127\.0\.0\.1:\d+$/), // the egress proxy's per-run credentials
      GIT_TERMINAL_PROMPT: '0'
    })
    expect(valuesOf('--volume').filter(v => /docker\.sock/.test(v))).toEqual([])
    expect(valuesOf('--volume').filter(v => v.endsWith(':ro'))).toEqual([expect.stringMatching(/:\/opt\/bot-bottle\/claude-code:ro$/)])
    // claude itself runs as the workspace owner, never as the VM's root
    const claudeRun = calls.find(c => c[1] === 'exec' && c.some(a => a.endsWith('/claude')) && c.includes('-p'))!
    expect(claudeRun.slice(claudeRun.indexOf('--') + 1, claudeRun.indexOf('--') + 9)).toEqual(['setpriv', '--reuid=1001', '--regid=1001', '--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--clear-groups'])

    // nothing left: the main step removed the machine itself (post found nothing), no record, no VM container of this run
    expect(viaSmolvm.post.stdout).toContain(MAIN_LEFT_NOTHING)
    const cli = path.join(suite.toolCache, 'smolvm', '1.9.2', 'linux-x86_64', 'smolvm')
    const ls = JSON.parse(execFileSync(cli, ['machine', 'ls', '--json'], { encoding: 'utf8', env: { ...process.env, SMOLVM_DOUBLE_STATE: viaSmolvm.state } }))
    expect(ls).toEqual([])
    expect(dockerLines('ps', '--all', '--filter', `name=smolvm-double-${create[create.indexOf('--name') + 1]}`, '--format', '{{.Names}}')).toEqual([])
    expect(slugOf(viaSmolvm.outputs['transcript-dir']!)).toMatch(/^bb-/)
  })
})
