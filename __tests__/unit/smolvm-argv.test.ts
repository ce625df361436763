import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as argv from '../../src/backend/smolvm/argv.js'
import { checkMountSources, protectedBy } from '../../src/backend/smolvm/mounts.js'
import { pinnedEnv, removalWarning } from '../../src/backend/smolvm/policy-env.js'
import { BottleError } from '../../src/util/errors.js'

const DOUBLE = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'test', 'harness', 'smolvm-cli-double.mjs')
const helpOf = (sub: string, drift: object = {}) =>
  spawnSync(process.execPath, [DOUBLE, 'machine', sub, '--help'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      SMOLVM_DOUBLE_STATE: fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-help-')),
      XDG_CACHE_HOME: '/nonexistent-cache',
      SMOLVM_DOUBLE_DRIFT: JSON.stringify(drift)
    }
  }).stdout

const create: argv.CreateArgs = {
  name: 'bb-1-1-ab',
  archive: '/cache/abc.tar',
  cpus: 1.5,
  memory: '4g',
  labels: { 'bot-bottle.run': 'bb-1-1-ab' },
  mounts: [
    { host: '/w', guest: '/w', readOnly: false },
    { host: '/c', guest: '/opt/c', readOnly: true }
  ],
  envFiles: { HOME: '/s/smolvm-env/HOME', ANTHROPIC_API_KEY: '/s/smolvm-env/ANTHROPIC_API_KEY' }
}

describe('smolvm argv builders', () => {
  it('creates from an archive, allows the gateway only, gives the env as files, pins the workload', () => {
    expect(argv.createArgv(create)).toEqual([
      'machine',
      'create',
      '--name',
      'bb-1-1-ab',
      '--image',
      '/cache/abc.tar',
      '--cpus',
      '2',
      '--mem',
      '4096',
      '--net',
      '--allow-host',
      '100.96.0.1',
      '--volume',
      '/w:/w',
      '--volume',
      '/c:/opt/c:ro',
      '--secret-file',
      'HOME=/s/smolvm-env/HOME',
      '--secret-file',
      'ANTHROPIC_API_KEY=/s/smolvm-env/ANTHROPIC_API_KEY',
      '--label',
      'bot-bottle.run=bb-1-1-ab',
      '--',
      'sh',
      '-c',
      'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'
    ])
    expect(argv.createArgv(create)).not.toContain('--env') // values of --env are on the argv and in smolvm's database
    expect(argv.createArgv(create)).not.toContain('--outbound-localhost-only') // allows 127.0.0.0/8 only: the guest's own loopback
  })
  it('converts memory sizes to MiB', () => {
    expect([argv.memoryMiB('4g'), argv.memoryMiB('512m'), argv.memoryMiB('1.5G'), argv.memoryMiB('2097152k')]).toEqual([4096, 512, 1536, 2048])
  })
  it('execs with --name (exec has no -n), streaming, a timeout in seconds, and drops to the guest user with setpriv', () => {
    expect(argv.execArgv('m', ['claude', '-p', 'x'], { stream: true, user: { uid: 5, gid: 6 }, workdir: '/w', timeoutMs: 90_500 })).toEqual([
      'machine',
      'exec',
      '--name',
      'm',
      '--stream',
      '--workdir',
      '/w',
      '--timeout',
      '91s',
      '--',
      'setpriv',
      '--reuid=5',
      '--regid=6',
      '--no-new-privs',
      '--bounding-set=-all',
      '--inh-caps=-all',
      '--ambient-caps=-all',
      '--clear-groups',
      '--',
      'claude',
      '-p',
      'x'
    ])
    expect(argv.execArgv('m', ['tar', '-x'], { input: 'x' })).toEqual(['machine', 'exec', '--name', 'm', '-i', '--', 'tar', '-x'])
  })
  it('always deletes with --force', () => {
    expect(argv.deleteArgv('m')).toEqual(['machine', 'delete', '--name', 'm', '--force'])
  })
})

describe('the --help probe (a pinned release, and `latest`)', () => {
  it("accepts the double's help, which follows the source's flag table", () => {
    for (const sub of Object.keys(argv.REQUIRED_FLAGS)) expect([sub, argv.helpProblems(sub, helpOf(sub))]).toEqual([sub, []])
  })
  it('refuses a flag that vanished, a switch that now takes a value, and a value that changed meaning', () => {
    expect(argv.helpProblems('create', helpOf('create', { create: { '--allow-host': null } }))).toEqual(['--allow-host is gone'])
    expect(argv.helpProblems('create', helpOf('create', { create: { '--net': 'BACKEND' } }))).toEqual(['--net now takes <BACKEND>'])
    expect(argv.helpProblems('create', helpOf('create', { create: { '--secret-file': 'GUEST_VAR=HOST_VAR' } }))).toEqual([
      '--secret-file takes <GUEST_VAR=HOST_VAR>, not <GUEST_VAR=PATH>'
    ])
    expect(argv.helpProblems('exec', helpOf('exec', { exec: { '--timeout': null } }))).toEqual(['--timeout is gone'])
  })
})

describe("the runner's environment cannot change the VM's egress policy", () => {
  it('removes the floor and host-service variables smolvm reads at boot, and says so', () => {
    const { env, removed } = pinnedEnv({ PATH: '/bin', SMOLVM_EGRESS_FLOOR: 'strict', SMOLVM_GUEST_HOST_SERVICE: '80:22', SMOLVM_LIB_DIR: '/l' })
    expect(env).toEqual({ PATH: '/bin', SMOLVM_LIB_DIR: '/l' })
    expect(removed).toEqual(['SMOLVM_EGRESS_FLOOR', 'SMOLVM_GUEST_HOST_SERVICE'])
    expect(removalWarning(removed)).toMatch(/^smolvm: ignoring SMOLVM_EGRESS_FLOOR, SMOLVM_GUEST_HOST_SERVICE from the runner's environment/)
    expect(pinnedEnv({ SMOLVM_PUBLISH_ADDR: '', SMOLVM_EGRESS_ALLOW_PRIVATE: '1' }).removed).toEqual(['SMOLVM_EGRESS_ALLOW_PRIVATE', 'SMOLVM_PUBLISH_ADDR']) // set-but-empty counts (var_os)
    expect(removalWarning([])).toBeUndefined()
  })
})

describe('mount sources smolvm refuses (storage.rs)', () => {
  it('macOS: /System, /Library, /usr and exactly /private/var; workspaces under /Users are fine', () => {
    expect(
      ['/System/Volumes/Data/w', '/Library/Caches/x', '/usr/local/runner/_work/r', '/private/var', '/private/var/log/x', '/', '/private/etc/x'].map(p =>
        protectedBy(p, 'darwin')
      )
    ).toEqual(['/System', '/Library', '/usr', '/private/var', '/private/var/log', '/', '/private/etc'])
    expect(
      ['/Users/runner/work/r/r', '/private/var/folders/xy/T/run', '/private/tmp/w', '/opt/runner/_work', '/usrx', '/Systemic'].map(p =>
        protectedBy(p, 'darwin')
      )
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined])
  })
  it('refuses before smolvm does, on the canonical path, naming it and the fix', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-mounts-'))
    const link = path.join(tmp, 'ws')
    fs.symlinkSync('/usr/share', link) // a workspace that resolves into /usr
    const err = (() => {
      try {
        checkMountSources([{ host: link, guest: '/w', readOnly: false }], 'darwin')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(BottleError)
    expect((err as Error).message).toBe(
      `smolvm refuses to mount /usr/share (${link}) into the VM: it is under /usr, a protected system path on macOS. Put the workspace, RUNNER_TEMP and the runner's tool cache under the runner's home (e.g. /Users/<runner>/...), or use the docker backend`
    )
    expect(() => checkMountSources([{ host: tmp, guest: '/w', readOnly: false }], 'darwin')).not.toThrow()
  })
})
