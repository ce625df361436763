/**
 * setup-only through the built action: install and probe smolvm from a loopback release
 * server (with a real docker engine beside it), no credential, no agent. The runs that reach
 * smolvm's install get a KVM device node of their own, whatever this machine has; the runs
 * that check the refusals name a path with no KVM node.
 */
import fs from 'node:fs'
import path from 'node:path'
import { makeTestKvmDevice } from '../../test/harness/kvm-device.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'
import { makeWorkspace, tempDir } from './helpers.js'

describe('setup-only', () => {
  const dir = tempDir('e2e-setup')
  const toolCache = path.join(dir, 'tool-cache')
  let kvm: ReturnType<typeof makeTestKvmDevice>
  beforeAll(() => {
    kvm = makeTestKvmDevice(path.join(dir, 'dev'))
  })
  afterAll(() => kvm?.remove())
  const errorLines = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('::error::'))

  it('installs smolvm (cold, then from the cache) and reports backend smolvm; needs no credential', async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64', 'linux-arm64', 'darwin-arm64'], cli: true })
    try {
      const inputs = { 'setup-only': 'true', 'smolvm-download-url': rel.url }
      const t0 = Date.now()
      const cold = await runAction({ inputs, runnerTemp: path.join(dir, 'rt1'), toolCache, env: kvm.env })
      const coldMs = Date.now() - t0
      expect({ code: cold.main.code, out: cold.main.stdout }).toMatchObject({ code: 0 })
      expect(cold.outputs).toMatchObject({
        backend: 'smolvm',
        'smolvm-version': '1.9.3',
        'smolvm-path': path.join(toolCache, 'smolvm', '1.9.3', 'linux-x86_64', 'smolvm')
      })
      expect(cold.main.stdout).toContain(`smolvm: the KVM facts come from the test device ${kvm.path} (BOT_BOTTLE_TEST_KVM_DEVICE), not /dev/kvm`)
      expect(cold.outputs['reasons']!.split('\n')).toEqual([
        expect.stringMatching(/^smolvm: usable \(smolvm 1\.9\.3 installed at /),
        expect.stringMatching(/^docker: usable/)
      ])
      expect(cold.main.stdout).toContain(`::add-path::${path.join(toolCache, 'smolvm', '1.9.3', 'linux-x86_64')}`)
      expect(cold.post.code).toBe(0)
      expect(cold.post.stdout).toContain('the main step started nothing')

      const t1 = Date.now()
      const warm = await runAction({ inputs, runnerTemp: path.join(dir, 'rt2'), toolCache, env: kvm.env })
      const warmMs = Date.now() - t1
      expect(warm.outputs['reasons']).toMatch(/^smolvm: usable \(smolvm 1\.9\.3 from the tool cache/)
      expect(rel.assetDownloads()).toBe(1)
      console.log(`setup-only install: cold ${coldMs} ms, cached ${warmMs} ms`)
    } finally {
      await rel.close()
    }
  })

  it('a smolvm a run would refuse (it answers only --version) is reported unusable, as a run would find it', async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'] })
    try {
      const r = await runAction({
        inputs: { 'setup-only': 'true', 'smolvm-download-url': rel.url },
        runnerTemp: path.join(dir, 'rt-vo'),
        toolCache: path.join(dir, 'tc-vo'),
        env: kvm.env
      })
      expect({ code: r.main.code, out: r.main.stdout }).toMatchObject({ code: 0 })
      expect(r.outputs).toMatchObject({ backend: 'docker', 'smolvm-path': '', 'smolvm-version': '' })
      expect(r.outputs['reasons']!.split('\n')).toEqual([
        expect.stringMatching(/^smolvm: smolvm 1\.9\.3 changed `machine create`: --name is gone;/),
        expect.stringMatching(/^docker: usable/)
      ])
    } finally {
      await rel.close()
    }
  })

  it('a checksum refusal falls back to docker, and fails the step only with require-backend', async () => {
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], badChecksum: ['linux-x86_64'] })
    try {
      const base = { 'setup-only': 'true', 'smolvm-download-url': rel.url }
      const fallback = await runAction({ inputs: base, runnerTemp: path.join(dir, 'rt3'), toolCache: path.join(dir, 'tc-bad'), env: kvm.env })
      expect(fallback.main.code).toBe(0)
      expect(fallback.outputs['backend']).toBe('docker')
      expect(fallback.outputs['smolvm-path']).toBe('')
      expect(fallback.outputs['reasons']).toMatch(/^smolvm: install failed: smolvm-1\.9\.3-linux-x86_64\.tar\.gz does not match checksums\.sha256/)

      const strict = await runAction({
        inputs: { ...base, backend: 'smolvm', 'require-backend': 'true' },
        runnerTemp: path.join(dir, 'rt4'),
        toolCache: path.join(dir, 'tc-bad'),
        env: kvm.env
      })
      expect(strict.main.code).toBe(1)
      expect(strict.main.stdout.split('\n').filter(l => l.startsWith('::error::'))).toEqual([
        expect.stringMatching(/^::error::No usable backend \(require-backend is true\): smolvm: install failed: .*does not match checksums\.sha256/)
      ])
      expect(strict.outputs['backend']).toBe('none')
    } finally {
      await rel.close()
    }
  })

  it('no KVM device: one reason naming it and docker for auto; smolvm with require-backend, and a run on smolvm, fail with one line', async () => {
    const absent = path.join(dir, 'dev', 'no-kvm-here') // nothing there, on any machine
    const env = { BOT_BOTTLE_TEST_KVM_DEVICE: absent }
    const missing = `smolvm: ${absent} does not exist (enable KVM / nested virtualization on this runner, or \`modprobe kvm\`)`
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], cli: true })
    try {
      const base = { 'setup-only': 'true', 'smolvm-download-url': rel.url }
      const auto = await runAction({ inputs: base, runnerTemp: path.join(dir, 'rt-nokvm'), toolCache: path.join(dir, 'tc-nokvm'), env })
      expect({ code: auto.main.code, out: auto.main.stdout }).toMatchObject({ code: 0 })
      expect(auto.outputs).toMatchObject({ backend: 'docker', 'smolvm-path': '', 'smolvm-version': '' })
      expect(auto.outputs['reasons']!.split('\n')).toEqual([missing, expect.stringMatching(/^docker: usable/)])
      expect(auto.main.stdout).toContain(`smolvm: the KVM facts come from the test device ${absent} (BOT_BOTTLE_TEST_KVM_DEVICE), not /dev/kvm`)

      const strict = await runAction({
        inputs: { ...base, backend: 'smolvm', 'require-backend': 'true' },
        runnerTemp: path.join(dir, 'rt-nokvm-strict'),
        toolCache: path.join(dir, 'tc-nokvm'),
        env
      })
      expect(strict.main.code).toBe(1)
      expect(errorLines(strict.main.stdout)).toEqual([`::error::No usable backend (require-backend is true): ${missing}`])
      expect(strict.outputs['backend']).toBe('none')

      const ws = makeWorkspace(path.join(dir, 'nokvm-run'), 1001)
      const run = await runAction({
        inputs: { prompt: 'p', 'anthropic-api-key': 'sk-ant-api03-nokvm-0123456789abcdef', workspace: ws, backend: 'smolvm', 'smolvm-download-url': rel.url },
        runnerTemp: path.join(dir, 'rt-nokvm-run'),
        toolCache: path.join(dir, 'tc-nokvm'),
        env
      })
      expect(run.main.code).toBe(1)
      expect(errorLines(run.main.stdout)).toEqual([`::error::Input 'backend': smolvm cannot be used here: ${missing}. Fix that, or use 'auto' or 'docker'`])
      expect(run.post.stdout).toContain('the main step started nothing')
      expect(rel.assetDownloads()).toBe(0) // refused before any install
    } finally {
      await rel.close()
    }
  })

  it("the test device must be KVM's device node: a plain file or a link to the node is refused, naming it", async () => {
    const plain = path.join(dir, 'dev', 'plain-kvm')
    fs.writeFileSync(plain, '', { mode: 0o666 })
    const link = path.join(dir, 'dev', 'link-kvm')
    fs.symlinkSync(kvm.path, link)
    const rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], cli: true })
    try {
      for (const [name, fake] of [
        ['plain', plain],
        ['link', link]
      ] as const) {
        const r = await runAction({
          inputs: { 'setup-only': 'true', 'smolvm-download-url': rel.url },
          runnerTemp: path.join(dir, `rt-fake-${name}`),
          toolCache: path.join(dir, 'tc-fake'),
          env: { BOT_BOTTLE_TEST_KVM_DEVICE: fake }
        })
        expect({ code: r.main.code, out: r.main.stdout }).toMatchObject({ code: 0 })
        expect(r.outputs['backend']).toBe('docker')
        expect(r.outputs['reasons']!.split('\n')).toEqual([
          `smolvm: ${fake}, named by BOT_BOTTLE_TEST_KVM_DEVICE, is not KVM's device node (make one with \`mknod -m 0666 ${fake} c 10 232\`, as root)`,
          expect.stringMatching(/^docker: usable/)
        ])
      }
      expect(rel.assetDownloads()).toBe(0)
    } finally {
      await rel.close()
    }
  })

  it("no usable backend is 'none' and a success, unless require-backend", async () => {
    const env = { DOCKER_HOST: `unix://${path.join(dir, 'nobody.sock')}` }
    const soft = await runAction({ inputs: { 'setup-only': 'true', backend: 'docker' }, runnerTemp: path.join(dir, 'rt5'), toolCache, env })
    expect(soft.main.code).toBe(0)
    expect(soft.outputs).toMatchObject({ backend: 'none', reasons: expect.stringMatching(/^docker: the docker daemon is unreachable/) })
    const hard = await runAction({
      inputs: { 'setup-only': 'true', backend: 'docker', 'require-backend': 'true' },
      runnerTemp: path.join(dir, 'rt6'),
      toolCache,
      env
    })
    expect(hard.main.code).toBe(1)
    const bad = await runAction({ inputs: { 'setup-only': 'yes' }, runnerTemp: path.join(dir, 'rt7'), toolCache })
    expect(bad.main.stdout).toContain("::error::Input 'setup-only': invalid value (got 'yes'). Expected 'true' or 'false'")
  })
})
