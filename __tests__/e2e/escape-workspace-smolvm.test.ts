/**
 * Issue 24's escape suite on the smolvm backend, through the CLI double (smolvm.test.ts's
 * setup): the same plants, runner commands and judgement as the docker case
 * (workspace-attacks.ts), since both backends share the copy in and the door out.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { makeTestKvmDevice } from '../../test/harness/kvm-device.mjs'
import { seededCheckoutForSuite } from '../../test/harness/git-http-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { startSmolvmReleaseDouble } from '../../test/harness/smolvm-release-double.mjs'
import { readZip } from '../../test/harness/zip.mjs'
import { ESCAPE_INPUTS, escapeExpected, escapeTurns, judgeEscape, setUpScene } from '../workspace-attacks.js'
import { artifactService, e2eSuite, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-escapeWorkspaceSmolvm-0123456789abcdef'
const TOKEN = 'ghs_escapeWorkspaceSmolvmTokenSSSSSSSSSSS3'

describe('the workspace door (smolvm, through the CLI double)', () => {
  const suite = e2eSuite('e2e-escape-workspace-smolvm')
  const repo = seededCheckoutForSuite(suite, TOKEN)
  const artifacts = artifactService()
  let rel: Awaited<ReturnType<typeof startSmolvmReleaseDouble>>
  let kvm: ReturnType<typeof makeTestKvmDevice>
  beforeAll(async () => {
    kvm = makeTestKvmDevice(suite.dir) // a KVM runner's facts, whatever this machine has
    rel = await startSmolvmReleaseDouble({ versions: ['1.9.3'], platforms: ['linux-x86_64'], cli: true })
  })
  afterAll(async () => {
    kvm?.remove()
    await rel?.close()
  })

  it('nothing the agent plants runs on the runner, .git is untouched, the legitimate work comes back, every refusal is named', async () => {
    const dir = path.join(suite.dir, 'escape')
    const ws = path.join(dir, 'workspace')
    await repo.double!.checkout(ws)
    fs.chmodSync(suite.dir, 0o755)
    const scene = setUpScene(dir, ws)
    const api = await startAnthropicDouble({ turns: escapeTurns(scene) }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: {
          prompt: 'p',
          ...suite.inputs(api, ws, KEY),
          backend: 'smolvm',
          'smolvm-download-url': rel.url,
          ...ESCAPE_INPUTS,
          'artifact-name': 'escape-workspace-smolvm'
        },
        runnerTemp: path.join(dir, 'rt'),
        toolCache: suite.toolCache,
        env: artifacts.runnerEnv({ ...kvm.env, SMOLVM_DOUBLE_STATE: path.join(suite.dir, 'smolvm-state'), XDG_CACHE_HOME: path.join(suite.dir, 'user-cache') })
      })
      const log = visibleLog(r.main.stdout, r.main.stderr)
      expect({ backend: r.outputs['backend'], log: r.outputs['backend'] === 'smolvm' ? '' : log }).toEqual({ backend: 'smolvm', log: '' })
      const art = artifacts.service.artifacts().get('escape-workspace-smolvm')
      const uploaded = art ? [...readZip(art.zip).keys()] : undefined
      const verdict = judgeEscape(scene, { ...r, log }, api, repo.double!.url, uploaded)
      expect(verdict).toEqual(escapeExpected(scene))
      expect(log.includes(TOKEN) || log.includes(KEY)).toBe(false)
    } finally {
      await api.close()
    }
  }, 900_000)
})
