/**
 * Backend selection on every branch. The probes' inputs are faked at the OS boundary: the
 * host facts (platform, arch, /dev/kvm access, glibc) and a docker CLI pointed at a real
 * engine or at a socket nobody serves. The selector itself is the real one.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'
import { probeForSetup, selectBackend } from '../../src/backend/select.js'
import { kvmDeviceFrom, readHostFacts, smolvmRefusal, type HostFacts } from '../../src/backend/smolvm/platform.js'
import { installSmolvm, smolvmInstaller } from '../../src/install/smolvm.js'
import { BackendUnavailableError } from '../../src/util/errors.js'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-select-'))
const linuxOk: HostFacts = { platform: 'linux', arch: 'x64', kvm: 'ok', glibc: '2.36' }
const realDocker = () => new DockerBackend()
const deadDocker = () => new DockerBackend({ endpoint: { kind: 'unix', socketPath: path.join(tmp, 'no-docker-here.sock'), source: 'DOCKER_HOST' } })

describe('smolvm refusals say why and what fixes it', () => {
  it.each([
    [linuxOk, undefined],
    [{ platform: 'linux', arch: 'arm64', kvm: 'ok', glibc: '2.39' }, undefined],
    [{ platform: 'darwin', arch: 'arm64', kvm: 'missing', hypervisor: true }, undefined],
    [{ ...linuxOk, kvm: 'missing' }, /\/dev\/kvm does not exist/],
    [{ ...linuxOk, kvm: 'denied' }, /\/dev\/kvm is not readable and writable.*udev rule: KERNEL=="kvm", GROUP="kvm", MODE="0666"/],
    [{ ...linuxOk, glibc: '2.31' }, /glibc 2\.31 is older than 2\.35/],
    [{ ...linuxOk, glibc: undefined }, /no glibc/],
    [
      { platform: 'darwin', arch: 'arm64', kvm: 'missing', hypervisor: false },
      /GitHub-hosted macOS runners cannot boot VMs: use a self-hosted Apple Silicon runner/
    ],
    [{ platform: 'darwin', arch: 'x64', kvm: 'missing' }, /macOS on Intel has no smolvm release/],
    [{ platform: 'win32', arch: 'x64', kvm: 'missing' }, /no smolvm release for win32\/x64/]
  ] as [HostFacts, RegExp | undefined][])('%j', (facts, want) => {
    const r = smolvmRefusal(facts)
    if (want) expect(r).toMatch(want)
    else expect(r).toBeUndefined()
  })

  it('reads this machine: Linux x64, glibc, and /dev/kvm access as it is', () => {
    const f = readHostFacts()
    expect(f.platform).toBe('linux')
    expect(f.glibc).toMatch(/^2\.\d+$/)
    expect(f.kvmDevice).toBe('/dev/kvm')
    expect(f.kvm).toEqual(fs.existsSync('/dev/kvm') ? expect.stringMatching(/^(ok|denied)$/) : 'missing')
    expect(readHostFacts({ path: path.join(tmp, 'no-kvm'), test: false }).kvm).toBe('missing')
    const fakeKvm = path.join(tmp, 'kvm')
    fs.writeFileSync(fakeKvm, '', { mode: 0o000 })
    // root passes any mode check; a non-root runner would see 'denied'
    expect(readHostFacts({ path: fakeKvm, test: false }).kvm).toBe(process.getuid?.() === 0 ? 'ok' : 'denied')
  })

  it('the missing device is named in the refusal', () => {
    expect(smolvmRefusal({ ...linuxOk, kvm: 'missing', kvmDevice: '/srv/dev/kvm' })).toMatch(/^smolvm: \/srv\/dev\/kvm does not exist \(enable KVM/)
    expect(smolvmRefusal({ ...linuxOk, kvm: 'denied', kvmDevice: '/srv/dev/kvm' })).toMatch(/^smolvm: \/srv\/dev\/kvm is not readable and writable/)
  })
})

describe('the test-only KVM device (BOT_BOTTLE_TEST_KVM_DEVICE)', () => {
  const dev = (name: string) => path.join(tmp, 'test-dev', name)
  beforeAll(() => fs.mkdirSync(path.join(tmp, 'test-dev'), { recursive: true }))

  it('is read from the environment only when set', () => {
    expect(kvmDeviceFrom({})).toEqual({ path: '/dev/kvm', test: false })
    expect(kvmDeviceFrom({ BOT_BOTTLE_TEST_KVM_DEVICE: '' })).toEqual({ path: '/dev/kvm', test: false })
    expect(kvmDeviceFrom({ BOT_BOTTLE_TEST_KVM_DEVICE: dev('kvm') })).toEqual({ path: dev('kvm'), test: true })
  })

  it("passes only KVM's device node (10:232), itself: a plain file, another device, a link, nothing there do not", () => {
    execFileSync('mknod', ['-m', '0666', dev('kvm'), 'c', '10', '232']) // the suite runs as root, as CI does
    execFileSync('mknod', ['-m', '0666', dev('null'), 'c', '1', '3'])
    fs.writeFileSync(dev('plain'), '', { mode: 0o666 })
    fs.symlinkSync(dev('kvm'), dev('link'))
    const kvmOf = (name: string) => readHostFacts({ path: dev(name), test: true })
    expect(kvmOf('kvm')).toMatchObject({ kvm: 'ok', kvmDevice: dev('kvm') })
    expect(kvmOf('null').kvm).toBe('not-kvm')
    expect(kvmOf('plain').kvm).toBe('not-kvm')
    expect(kvmOf('link').kvm).toBe('not-kvm')
    expect(kvmOf('nothing').kvm).toBe('missing')
    expect(smolvmRefusal(kvmOf('plain'))).toBe(
      `smolvm: ${dev('plain')}, named by BOT_BOTTLE_TEST_KVM_DEVICE, is not KVM's device node (make one with \`mknod -m 0666 ${dev('plain')} c 10 232\`, as root)`
    )
    expect(smolvmRefusal(kvmOf('nothing'))).toMatch(new RegExp(`^smolvm: ${dev('nothing')} does not exist`))
    expect(smolvmRefusal(kvmOf('kvm'))).toBeUndefined()
  })
})

describe('selectBackend (a run)', () => {
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  let versionOnly: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  beforeAll(async () => {
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64'], cli: true })
    versionOnly = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'] })
    process.env['RUNNER_TOOL_CACHE'] = path.join(tmp, 'tc-run')
    process.env['RUNNER_TEMP'] = path.join(tmp, 'temp')
  })
  afterAll(async () => {
    await rel?.close()
    await versionOnly?.close()
  })
  const install = (platform: string) => installSmolvm('1.9.2', platform, rel.url)
  const noInstall = () => Promise.reject(new Error('must not install'))

  it('smolvm usable → the run goes to smolvm', async () => {
    const s = await selectBackend('auto', { facts: linuxOk, docker: realDocker() }, install)
    expect(s.backend.kind).toBe('smolvm')
    expect(s.reasons).toEqual(['smolvm: usable (smolvm 1.9.2)'])
  })

  it('smolvm refused → docker, with the refusal in the log (and nothing installed)', async () => {
    const s = await selectBackend('auto', { facts: { ...linuxOk, kvm: 'denied' }, docker: realDocker() }, noInstall)
    expect(s.reasons[0]).toMatch(/^smolvm: \/dev\/kvm is not readable/)
    expect(s.backend.kind).toBe('docker')
  })

  it('a smolvm lacking the flags this backend drives → docker, naming the missing flags', async () => {
    const s = await selectBackend('auto', { facts: linuxOk, docker: realDocker() }, p => installSmolvm('1.9.3', p, versionOnly.url))
    expect(s.backend.kind).toBe('docker')
    expect(s.reasons[0]).toMatch(/^smolvm: smolvm 1\.9\.3 changed `machine create`: --name is gone;/)
  })

  it('`latest` re-runs the probe: a release whose flag changed meaning or vanished is refused, naming it', async () => {
    const cache = process.env['RUNNER_TOOL_CACHE']
    process.env['RUNNER_TOOL_CACHE'] = path.join(tmp, 'tc-latest') // not the --version-only 1.9.3 another test cached
    const drifted = await startSmolvmReleaseDouble({
      versions: ['1.9.3', '1.24.0'],
      platforms: ['linux-x86_64'],
      cli: true,
      drift: { '1.24.0': { create: { '--secret-file': 'GUEST_VAR=HOST_VAR' }, exec: { '--timeout': null } } }
    })
    try {
      const latest = smolvmInstaller({ version: 'latest', downloadUrl: drifted.url, githubApiUrl: drifted.url })
      const err = await selectBackend('smolvm', { facts: linuxOk, docker: realDocker() }, latest).catch(e => e)
      expect(err).toBeInstanceOf(BackendUnavailableError)
      expect(err.message).toBe(
        "Input 'backend': smolvm cannot be used here: smolvm: smolvm 1.24.0 changed `machine create`: --secret-file takes <GUEST_VAR=HOST_VAR>, not <GUEST_VAR=PATH> (set smolvm-version to a release this backend was checked against, e.g. 1.9.3). Fix that, or use 'auto' or 'docker'"
      )
      const pinned = smolvmInstaller({ version: '1.9.3', downloadUrl: drifted.url, githubApiUrl: drifted.url })
      expect((await selectBackend('smolvm', { facts: linuxOk, docker: realDocker() }, pinned)).reasons).toEqual(['smolvm: usable (smolvm 1.9.3)'])
    } finally {
      await drifted.close()
      process.env['RUNNER_TOOL_CACHE'] = cache
    }
  })

  it('both refused → one error listing both, with fixes', async () => {
    const err = await selectBackend('auto', { facts: { ...linuxOk, kvm: 'missing' }, docker: deadDocker() }, noInstall).catch(e => e)
    expect(err).toBeInstanceOf(BackendUnavailableError)
    expect(err.message).toMatch(
      /^No usable backend: smolvm: \/dev\/kvm does not exist \(.*\); docker: the docker daemon is unreachable \(start dockerd, or set DOCKER_HOST/
    )
  })

  it("'smolvm' where it cannot run is one clear error; 'docker' never looks at smolvm", async () => {
    await expect(selectBackend('smolvm', { facts: { ...linuxOk, glibc: '2.31' }, docker: realDocker() }, noInstall)).rejects.toThrow(
      /Input 'backend': smolvm cannot be used here: smolvm: glibc 2\.31/
    )
    expect((await selectBackend('docker', { facts: linuxOk, docker: realDocker() }, noInstall)).reasons).toEqual([expect.stringMatching(/^docker: usable/)])
  })
})

describe('probeForSetup (setup-only)', () => {
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  let versionOnly: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  beforeAll(async () => {
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.2'], platforms: ['linux-x86_64', 'darwin-arm64'], cli: true })
    versionOnly = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'] })
    process.env['RUNNER_TOOL_CACHE'] = path.join(tmp, 'tc')
    process.env['RUNNER_TEMP'] = path.join(tmp, 'temp')
  })
  afterAll(async () => {
    await rel?.close()
    await versionOnly?.close()
  })
  const install = (platform: string) => installSmolvm('1.9.2', platform, rel.url)

  it('smolvm usable → backend smolvm, installed, and docker reported too', async () => {
    const r = await probeForSetup('auto', { facts: linuxOk, docker: realDocker() }, install)
    expect(r.backend).toBe('smolvm')
    expect(r.smolvm).toMatchObject({ version: '1.9.2', path: path.join(tmp, 'tc', 'smolvm', '1.9.2', 'linux-x86_64', 'smolvm') })
    expect(r.reasons).toEqual([
      expect.stringMatching(/^smolvm: usable \(smolvm 1\.9\.2 (installed|from the tool cache) at /),
      expect.stringMatching(/^docker: usable/)
    ])
  })

  it('a smolvm a run would refuse (answers only --version) is not usable: the same flag probe as a run', async () => {
    const r = await probeForSetup('auto', { facts: linuxOk, docker: realDocker() }, p => installSmolvm('1.9.3', p, versionOnly.url))
    expect(r.backend).toBe('docker')
    expect(r.smolvm).toBeUndefined()
    expect(r.reasons).toEqual([
      expect.stringMatching(/^smolvm: smolvm 1\.9\.3 changed `machine create`: --name is gone;/),
      expect.stringMatching(/^docker: usable/)
    ])
  })

  it('smolvm refused → docker', async () => {
    const r = await probeForSetup('auto', { facts: { ...linuxOk, glibc: '2.31' }, docker: realDocker() }, install)
    expect(r.backend).toBe('docker')
    expect(r.smolvm).toBeUndefined()
  })

  it('both refused → none, with both reasons', async () => {
    const r = await probeForSetup('auto', { facts: { platform: 'darwin', arch: 'arm64', kvm: 'missing', hypervisor: false }, docker: deadDocker() }, install)
    expect(r).toEqual({
      backend: 'none',
      smolvm: undefined,
      reasons: [expect.stringMatching(/cannot boot VMs/), expect.stringMatching(/docker daemon is unreachable/)]
    })
  })

  it('an install failure is a reason, not a crash', async () => {
    const r = await probeForSetup('smolvm', { facts: linuxOk, docker: realDocker() }, () => installSmolvm('9.9.9', 'linux-x86_64', rel.url))
    expect(r.backend).toBe('none')
    expect(r.reasons).toEqual([expect.stringMatching(/^smolvm: install failed: smolvm 9\.9\.9 has no release asset/)])
  })
})
