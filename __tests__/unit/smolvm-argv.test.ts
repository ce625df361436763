import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as argv from '../../src/backend/smolvm/argv.js'
import type { BottleSpec } from '../../src/backend/types.js'
import { GUEST_IMAGE } from '../../test/harness/paths.mjs'

const spec: BottleSpec = {
  name: 'bb-1-1-ab', labels: { 'bot-bottle.run': 'bb-1-1-ab' }, image: 'debian:bookworm', user: { uid: 1001, gid: 121 }, home: '/home/bottle',
  mounts: [{ host: '/w', guest: '/w', readOnly: false }, { host: '/c', guest: '/opt/c', readOnly: true }], envFile: '/x', stateDir: '/s', network: 'n', cpus: 1.5, memory: '4g', pidsLimit: 1
}

describe('smolvm argv builders', () => {
  it('creates a labelled machine with explicit --mem, loopback-only networking, mounts and env', () => {
    expect(argv.createArgv(spec, { HOME: '/home/bottle', A: 'b=c' })).toEqual([
      'machine', 'create', '--name', 'bb-1-1-ab', '--image', 'debian:bookworm', '--cpus', '2', '--mem', '4096', '--net', '--outbound-localhost-only',
      '--volume', '/w:/w', '--volume', '/c:/opt/c:ro', '--env', 'HOME=/home/bottle', '--env', 'A=b=c', '--label', 'bot-bottle.run=bb-1-1-ab'
    ])
  })
  it('converts memory sizes to MiB', () => {
    expect([argv.memoryMiB('4g'), argv.memoryMiB('512m'), argv.memoryMiB('1.5G'), argv.memoryMiB('2097152k')]).toEqual([4096, 512, 1536, 2048])
  })
  it('execs with --name (exec has no -n), streaming, and drops to the guest user with setpriv', () => {
    expect(argv.execArgv('m', ['claude', '-p', 'x'], { stream: true, user: { uid: 5, gid: 6 }, workdir: '/w', timeoutMs: 90_500 })).toEqual([
      'machine', 'exec', '--name', 'm', '--stream', '--workdir', '/w', '--timeout', '91s', '--', 'setpriv', '--reuid=5', '--regid=6', '--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--clear-groups', '--', 'claude', '-p', 'x'
    ])
    expect(argv.execArgv('m', ['tar', '-x'], { input: 'x' })).toEqual(['machine', 'exec', '--name', 'm', '-i', '--', 'tar', '-x'])
  })
  it('always deletes with --force', () => {
    expect(argv.deleteArgv('m')).toEqual(['machine', 'delete', '--name', 'm', '--force'])
  })
})

describe('the smolvm CLI double fails the way smolvm fails', () => {
  const double = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'test', 'harness', 'smolvm-cli-double.mjs')
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-double-'))
  const run = (...args: string[]) => spawnSync(process.execPath, [double, ...args], { encoding: 'utf8', env: { ...process.env, SMOLVM_DOUBLE_STATE: state }, input: '' })

  it('unknown machine or flag → exit 1 with Error:', () => {
    expect(run('machine', 'status', '--name', 'ghost')).toMatchObject({ status: 1, stderr: "Error: machine 'ghost' not found\n" })
    expect(run('machine', 'create', '--bogus')).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: unexpected argument '--bogus' found/) })
    expect(run('machine', 'exec', '-n', 'x', '--', 'true')).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: unexpected argument '-n' found/) })
  })

  it('records machines with the real --json shape; exec on a stopped machine is refused; delete without --force is Cancelled', () => {
    expect(run('machine', 'create', '--name', 'm1', '--image', 'img', '--mem', '512', '--label', 'k=v').status).toBe(0)
    const ls = JSON.parse(run('machine', 'ls', '--json').stdout)
    expect(ls).toEqual([expect.objectContaining({ name: 'm1', state: 'created', memory_mib: 512, cpus: 4, labels: { k: 'v' }, mounts: 0, ports: 0 })])
    expect(run('machine', 'exec', '--name', 'm1', '--', 'true')).toMatchObject({ status: 1, stderr: "Error: machine 'm1' is not running. Use 'smolvm machine start --name m1' first\n" })
    expect(run('machine', 'delete', '--name', 'm1')).toMatchObject({ status: 0, stdout: expect.stringContaining('Cancelled') })
    expect(JSON.parse(run('machine', 'ls', '--json').stdout)).toHaveLength(1) // still there
    expect(run('machine', 'delete', '--name', 'm1', '--force').status).toBe(0)
    expect(run('machine', 'ls', '--json').stdout.trim()).toBe('[]')
  })

  it('--timeout expiry → 124 (a real VM: a docker container)', () => {
    execFileSync('docker', ['info'], { stdio: 'ignore' })
    expect(run('machine', 'create', '--name', 'tm', '--image', GUEST_IMAGE, '--mem', '256').status).toBe(0)
    try {
      expect(run('machine', 'start', '--name', 'tm').status).toBe(0)
      const t0 = Date.now()
      expect(run('machine', 'exec', '--name', 'tm', '--timeout', '1s', '--', 'sleep', '30').status).toBe(124)
      expect(Date.now() - t0).toBeLessThan(29_000) // ended by --timeout, before the sleep would have (no speed claim)
      expect(run('machine', 'exec', '--name', 'tm', '--stream', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3')).toMatchObject({ status: 3, stdout: 'out\n', stderr: 'err\n' })
    } finally {
      run('machine', 'delete', '--name', 'tm', '--force')
    }
  }, 60_000)
})
