import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '../../src/config/config.js'
import { readInputs, type RawInputs } from '../../src/config/inputs.js'
import { guestEnvironment, type Guest } from '../../src/bottle/launch/guest.js'
import { prepare } from '../../src/bottle/prepare/prepare.js'
import { assertWorldExecutable, probeGuestPlatform } from '../../src/bottle/provision/claude.js'
import { provisionPrompt } from '../../src/bottle/provision/prompt.js'
import { provisionSkills } from '../../src/bottle/provision/skills.js'
import { claudeArgv } from '../../src/bottle/run/run-claude.js'
import { claudePlatform } from '../../src/install/claude.js'
import { InputError } from '../../src/util/errors.js'
import { RecordingBackend } from './recording-backend.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-provision-'))
const ws = path.join(tmp, 'ws')
fs.mkdirSync(path.join(ws, 'skills', 'lint-fixer'), { recursive: true })
fs.writeFileSync(path.join(ws, 'skills', 'lint-fixer', 'SKILL.md'), '---\nname: lint-fixer\ndescription: fixes lint\n---\n')
fs.mkdirSync(path.join(ws, 'skills', 'no-skill-md'))

function planFor(over: Partial<RawInputs> = {}) {
  const raw = { ...readInputs(() => ''), prompt: 'task', 'anthropic-api-key': 'sk-ant-key', ...over }
  const config = parseConfig(raw, { workspace: ws, runnerTemp: path.join(tmp, 'rt'), toolCache: path.join(tmp, 'tc') })
  return prepare(config)
}

function bottleFor(plan: ReturnType<typeof planFor>, backend: RecordingBackend): Guest {
  return { plan, backend, name: plan.bottleName }
}

describe('prepare', () => {
  it('makes a 0700 state dir with a 0600 system-prompt file, empty when there is none', () => {
    const plan = planFor()
    expect(fs.statSync(plan.stateDir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(plan.systemPromptFile).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(plan.systemPromptFile, 'utf8')).toBe('')
    expect(plan.stateDir).toBe(path.join(tmp, 'rt', 'bot-bottle', plan.slug))
    expect(plan.labels).toEqual({ 'bot-bottle.run': plan.slug, 'bot-bottle.owner': expect.stringMatching(new RegExp(`\\|${process.pid}\\|`)) })
  })

  it('gives two runs of the same step different slugs', () => {
    expect(planFor().slug).not.toBe(planFor().slug)
    expect(planFor().slug).toMatch(/^bb-local-1-[0-9a-f]{8}$/)
  })

  it('runs the agent as the workspace owner, or uid 1000 when root owns it', () => {
    const st = fs.statSync(ws)
    const want = st.uid === 0 ? { uid: 1000, gid: 1000 } : { uid: st.uid, gid: st.gid }
    expect(planFor().guestUser).toEqual(want)
    if (process.getuid?.() === 0) {
      fs.chownSync(ws, 1234, 2345)
      try {
        expect(planFor().guestUser).toEqual({ uid: 1234, gid: 2345 })
      } finally {
        fs.chownSync(ws, 0, 0)
      }
    }
  })

  it('names a missing skill directory or a missing SKILL.md', () => {
    expect(() => planFor({ skills: 'skills/absent' })).toThrow(InputError)
    expect(() => planFor({ skills: 'skills/absent' })).toThrow(/Input 'skills': skill directory '.*skills\/absent' does not exist/)
    expect(() => planFor({ skills: 'skills/no-skill-md' })).toThrow(/skill directory '.*no-skill-md' has no SKILL.md/)
  })
})

describe('provision', () => {
  it('always copies the prompt file; passes --append-system-prompt-file only when it is non-empty', async () => {
    const empty = planFor()
    const b1 = new RecordingBackend()
    expect(await provisionPrompt(bottleFor(empty, b1))).toEqual([])
    expect(b1.copied).toEqual({ '/home/bottle/.bot-bottle/system-prompt.txt': '' })

    const full = planFor({ 'append-system-prompt': 'Be terse.' })
    const b2 = new RecordingBackend()
    expect(await provisionPrompt(bottleFor(full, b2))).toEqual(['--append-system-prompt-file', '/home/bottle/.bot-bottle/system-prompt.txt'])
    expect(b2.copied).toEqual({ '/home/bottle/.bot-bottle/system-prompt.txt': 'Be terse.' })
    expect(b2.ops()).toEqual(['copyIn'])
    expect((b2.calls[0]!.args[3] as { uid: number }).uid).toBe(full.guestUser.uid)
  })

  it('copies each skill into ~/.claude/skills as the guest user', async () => {
    const plan = planFor({ skills: 'skills/lint-fixer' })
    const b = new RecordingBackend()
    expect(await provisionSkills(bottleFor(plan, b))).toEqual(['/home/bottle/.claude/skills/lint-fixer'])
    expect(b.ops()).toEqual(['copyIn'])
    expect(b.calls[0]!.args.slice(2)).toEqual(['/home/bottle/.claude/skills', plan.guestUser])
    expect(b.copied['/home/bottle/.claude/skills/lint-fixer/SKILL.md']).toContain('name: lint-fixer')
  })

  it('does nothing for no skills', async () => {
    const b = new RecordingBackend()
    expect(await provisionSkills(bottleFor(planFor(), b))).toEqual([])
    expect(b.calls).toEqual([])
  })

  it('probes the guest platform and maps it to the npm package', async () => {
    const answers: Record<string, string> = { glibc: 'Linux\nx86_64\nglibc\n', musl: 'Linux\naarch64\nmusl\n' }
    for (const [libc, out] of Object.entries(answers)) {
      const b = new RecordingBackend(() => ({ stdout: out }))
      const p = await probeGuestPlatform(b, 'c')
      expect(p.libc).toBe(libc)
      expect(claudePlatform(p)).toBe(libc === 'glibc' ? 'linux-x64' : 'linux-arm64-musl')
    }
    await expect(probeGuestPlatform(new RecordingBackend(() => ({ code: 127, stderr: 'sh: not found' })), 'c')).rejects.toThrow(/probe of the guest platform/)
    expect(() => claudePlatform({ os: 'Linux', arch: 'riscv64', libc: 'glibc' })).toThrow(/riscv64/)
    expect(() => claudePlatform({ os: 'Darwin', arch: 'arm64', libc: 'glibc' })).toThrow(/Linux guests only/)
  })
})

describe('assertWorldExecutable', () => {
  it('accepts a binary the agent user can reach and refuses one behind a closed directory', () => {
    const top = path.join(tmp, 'cache')
    const bin = path.join(top, '1.0.0', 'x64', 'claude')
    fs.mkdirSync(path.dirname(bin), { recursive: true, mode: 0o755 })
    fs.writeFileSync(bin, '', { mode: 0o755 })
    expect(() => assertWorldExecutable(bin, top)).not.toThrow()
    fs.chmodSync(path.join(top, '1.0.0'), 0o750)
    expect(() => assertWorldExecutable(bin, top)).toThrow(/1\.0\.0 is not executable by others/)
    fs.chmodSync(path.join(top, '1.0.0'), 0o755)
    fs.chmodSync(bin, 0o700)
    expect(() => assertWorldExecutable(bin, top)).toThrow(/claude is not executable by others/)
  })
})

describe('guest environment and claude argv', () => {
  it('is built from scratch: placeholder credential, proxy URL, user env; nothing from the runner', () => {
    process.env['GITHUB_TOKEN'] = 'ghs_should_not_leak'
    const plan = planFor({ env: 'FOO=bar' })
    const env = guestEnvironment(plan, 'http://172.18.0.1:4000')
    expect(env['ANTHROPIC_API_KEY']).toBe(plan.placeholder)
    expect(env['ANTHROPIC_BASE_URL']).toBe('http://172.18.0.1:4000')
    expect(env['FOO']).toBe('bar')
    expect(env['CLAUDE_CONFIG_DIR']).toBe('/home/bottle/.claude')
    expect(JSON.stringify(env)).not.toContain('sk-ant-key')
    expect(env['GITHUB_TOKEN']).toBeUndefined()
    const oauth = planFor({ 'anthropic-api-key': '', 'claude-code-oauth-token': 'oat-secret' })
    const env2 = guestEnvironment(oauth, 'http://x')
    expect(env2['CLAUDE_CODE_OAUTH_TOKEN']).toBe(oauth.placeholder)
    expect(env2['ANTHROPIC_API_KEY']).toBeUndefined()
    expect(JSON.stringify(env2)).not.toContain('oat-secret')
  })

  it('puts the action flags first and the user args last', () => {
    const plan = planFor({ 'max-turns': '3', model: 'opus', 'claude-args': '--allowedTools Bash' })
    expect(claudeArgv('/bin/claude', { plan }, ['--append-system-prompt-file', '/f'])).toEqual([
      '/bin/claude',
      '-p',
      'task',
      '--output-format',
      'stream-json',
      '--verbose',
      '--dangerously-skip-permissions',
      '--append-system-prompt-file',
      '/f',
      '--max-turns',
      '3',
      '--model',
      'opus',
      '--allowedTools',
      'Bash'
    ])
  })
})
