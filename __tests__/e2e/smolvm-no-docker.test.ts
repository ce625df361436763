/**
 * smolvm on a runner with no docker (issue 26): the action's PATH has no docker CLI and its
 * DOCKER_HOST names no engine, so the guest image can only come from its registry, fetched by the
 * action itself: a real registry on loopback (docker-registry, TLS, token auth) holding the guest
 * image in a two-platform index. The login comes from the inputs, the registry's CA from
 * `ca-certificates`. The smolvm CLI double stands on an engine of its own (named only to it), as a
 * real smolvm boots a VM without one. A refused login fails the step in one line, with no secret.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { makeTestKvmDevice } from '../../test/harness/kvm-device.mjs'
import { pushDockerArchive, pushImage, pushIndex, startRegistry, tinyImage } from '../../test/harness/oci-registry.mjs'
import { GUEST_IMAGE } from '../../test/harness/paths.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'
import { e2eSuite, MAIN_LEFT_NOTHING, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-smolvm-nodocker-0123456789abcdef'
const TOKEN = 'ghs_smolvmNoDockerTokenNNNNNNNNNNNNNNNNNNN7'

/** A PATH directory with every tool of this machine's but docker. */
function pathWithoutDocker(dir: string): string {
  fs.mkdirSync(dir, { recursive: true })
  for (const from of ['/usr/local/bin', '/usr/bin', '/usr/sbin']) {
    for (const name of fs.readdirSync(from)) {
      if (/^docker/.test(name) || fs.existsSync(path.join(dir, name))) continue
      fs.symlinkSync(path.join(from, name), path.join(dir, name))
    }
  }
  return dir
}

describe('smolvm with no docker on the runner: the action fetches the guest image itself', () => {
  const suite = e2eSuite('e2e-smolvm-no-docker')
  const repo = seededCheckoutForSuite(suite, TOKEN)
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  let reg: Awaited<ReturnType<typeof startRegistry>>
  let kvm: ReturnType<typeof makeTestKvmDevice>
  let image: string
  let amd64Digest: string
  let noDockerPath: string
  beforeAll(async () => {
    kvm = makeTestKvmDevice(suite.dir)
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], cli: true })
    reg = await startRegistry()
    // the guest image, pushed as the amd64 half of an index whose arm64 half is another image
    const saved = path.join(suite.dir, 'guest.tar')
    execFileSync('docker', ['save', '--output', saved, GUEST_IMAGE])
    const guest = await pushDockerArchive(reg, 'bot-bottle/guest', undefined, saved)
    fs.rmSync(saved)
    const arm = await pushImage(reg, 'bot-bottle/guest', { ...tinyImage({ architecture: 'arm64', variant: 'v8', files: { 'etc/marker': 'arm64\n' } }) })
    await pushIndex(reg, 'bot-bottle/guest', 'bookworm', [
      { digest: guest.manifestDigest, size: guest.size, mediaType: guest.mediaType, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: arm.manifestDigest, size: arm.size, mediaType: arm.mediaType, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
    ])
    image = `${reg.host}/bot-bottle/guest:bookworm`
    amd64Digest = guest.manifestDigest
    noDockerPath = pathWithoutDocker(path.join(suite.dir, 'bin-without-docker'))
  }, 300_000)
  afterAll(async () => {
    await rel?.close()
    await reg?.close()
    kvm?.remove()
  })

  async function run(name: string, turns: Parameters<typeof startAnthropicDouble>[0]['turns'], inputs: Record<string, string>) {
    const api = await startAnthropicDouble({ turns }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: {
          prompt: 'p',
          ...suite.inputs(api, repo.ws, KEY),
          backend: 'smolvm',
          'smolvm-download-url': rel.url,
          image,
          'ca-certificates': reg.ca,
          ...inputs
        },
        runnerTemp: path.join(suite.dir, `rt-${name}`),
        toolCache: suite.toolCache,
        env: {
          ...kvm.env,
          PATH: noDockerPath,
          DOCKER_HOST: `unix://${path.join(suite.dir, 'no-engine.sock')}`,
          // the double's own engine, which the action never names
          SMOLVM_DOUBLE_DOCKER: '/usr/bin/docker',
          SMOLVM_DOUBLE_DOCKER_HOST: process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock',
          SMOLVM_DOUBLE_STATE: path.join(suite.dir, 'smolvm-state'),
          XDG_CACHE_HOME: path.join(suite.dir, 'user-cache')
        }
      })
      return { ...r, api, log: visibleLog(r.main.stdout, r.main.stderr) }
    } finally {
      await api.close()
    }
  }

  it('pulls the amd64 image of the index through token auth, boots it, runs claude, tears down', async () => {
    const r = await run(
      'cold',
      [{ tool_use: { name: 'Bash', input: { command: 'cat /etc/os-release | head -1 > os.txt', description: 'look' } } }, { text: 'Done.' }],
      {
        'image-registry-username': reg.username,
        'image-registry-password': reg.password
      }
    )
    const { log } = r
    expect({ code: r.main.code, log }).toMatchObject({ code: 0 })
    expect(log).toContain(`smolvm: image ${image}: the tag resolves to sha256:`)
    expect(log).toContain(`smolvm: image ${image}: linux/amd64 is ${amd64Digest}`)
    expect(log).toMatch(/smolvm: image .*: [\d.]+ MiB fetched, every blob matched its digest/)
    expect(log).toContain(`smolvm: the VM gets image ${image} (${amd64Digest}) from ${reg.host}, fetched without docker, as a local archive (`)
    // the registry was asked for a pull token as the input's user
    expect(reg.tokenRequests.some(t => t.user === reg.username && t.scope === 'repository:bot-bottle/guest:pull')).toBe(true)
    // claude ran in the guest booted from that image
    expect(r.outputs['backend']).toBe('smolvm')
    expect(r.api.conversation().length).toBe(2)
    expect(fs.readFileSync(path.join(repo.ws, 'os.txt'), 'utf8')).toMatch(/Debian GNU\/Linux 12/)
    expect(r.post.stdout).toContain(MAIN_LEFT_NOTHING)
    expect(log).not.toContain(reg.password)

    // warm: the archive comes from the cache; the tag is still resolved and logged
    const warm = await run('warm', [{ text: 'Nothing to do.' }], { 'image-registry-username': reg.username, 'image-registry-password': reg.password })
    expect({ code: warm.main.code, log: warm.log }).toMatchObject({ code: 0 })
    expect(warm.log).toMatch(/fetched without docker, as a local archive \(\d+ MiB, cached\)/)
  }, 900_000)

  it('a refused login fails the step in one line naming the inputs, before any machine exists', async () => {
    const r = await run('refused', [{ text: 'never' }], { 'image-registry-username': reg.username, 'image-registry-password': 'wrong-password-4711' })
    expect(r.main.code).not.toBe(0)
    const errors = r.main.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`registry ${reg.host} refused image ${image} (HTTP 401, with the login from the image-registry-username/password inputs)`)
    // masked for the runner (add-mask), shown nowhere
    expect(r.log + visibleLog(r.post.stdout, r.post.stderr)).not.toContain('wrong-password-4711')
    expect(r.api.conversation()).toEqual([])
  }, 600_000)
})
