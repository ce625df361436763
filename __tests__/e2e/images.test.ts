/**
 * "Any glibc or musl image with a shell works": a guest image with no glibc at all
 * (busybox + musl) gets the musl build of claude, chosen by probing the started guest. The
 * workspace door needs GNU find and tar: without them, the default run is refused before
 * claude starts, with the fix, and `workspace-changes: none` runs.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../../test/harness/npm-registry-double.mjs'
import { claudePackage, MUSL_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { recordedToolResults } from '../workspace-attacks.js'
import { DockerBackend } from '../../src/backend/docker/docker-backend.js'
import { Redactor } from '../../src/transcript/redact.js'
import { readManifest } from '../../src/workspace-door/manifest.js'
import { runDoor } from '../../src/workspace-door/door.js'
import { leftovers, MAIN_LEFT_NOTHING, makeWorkspace, requireImage, requireRealParts, slugOf, tempDir, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-musl-0123456789'

describe('guest images', () => {
  const glibc = claudePackage()
  const musl = claudePackage(undefined, 'linux-x64-musl')

  async function runMusl(name: string, extra: Record<string, string>, turns: Parameters<typeof startAnthropicDouble>[0]['turns']) {
    const registry = await startNpmRegistryDouble({ packages: [glibc, musl] })
    const dir = tempDir('e2e-images')
    const ws = makeWorkspace(path.join(dir, name), 1001)
    const api = await startAnthropicDouble({ turns }, { expectedKey: KEY })
    try {
      const r = await runAction({
        inputs: {
          prompt: 'p',
          'anthropic-api-key': KEY,
          'anthropic-base-url': api.url,
          'npm-registry': registry.url,
          backend: 'docker',
          image: MUSL_IMAGE,
          'relay-image': RELAY_IMAGE,
          workspace: ws,
          ...extra
        },
        runnerTemp: path.join(dir, 'rt'),
        toolCache: path.join(dir, 'tool-cache')
      })
      return { ...r, ws, api, registry: registry.requests.map(q => q.path) }
    } finally {
      await api.close()
      await registry.close()
    }
  }

  it('a musl image (busybox, no glibc) gets and runs the linux-x64-musl claude', async () => {
    requireRealParts()
    requireImage(MUSL_IMAGE, 'musl-image.sh')
    // claude's Bash tool needs bash (it refuses busybox's sh): its file tools work in any image
    const { main, post, outputs, ws, registry } = await runMusl('musl', { 'workspace-changes': 'none' }, [
      { tool_use: { name: 'Write', input: { file_path: '/tmp/in-musl.txt', content: 'written in a musl guest\n' } } },
      { tool_use: { name: 'Read', input: { file_path: '/tmp/in-musl.txt' } } },
      { text: 'ok' }
    ])
    expect({ code: main.code, log: visibleLog(main.stdout, main.stderr) }).toMatchObject({ code: 0 })
    expect(main.stdout).toContain('Claude Code 2.1.332 (linux-x64-musl) downloaded and cached')
    expect(registry).toContainEqual(expect.stringContaining('claude-code-linux-x64-musl-2.1.332.tgz'))
    expect(registry).not.toContainEqual(expect.stringContaining('claude-code-linux-x64-2.1.332.tgz'))
    expect(outputs['conclusion']).toBe('success')
    // the musl claude's tools ran in the guest: what it wrote there, it read back
    expect(recordedToolResults(outputs['transcript-dir']!).join('\n')).toContain('written in a musl guest')
    expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# e2e\n')
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
    expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
  })

  it('with the default workspace-changes, an image without GNU find and tar is refused before claude starts, with the fix', async () => {
    requireRealParts()
    requireImage(MUSL_IMAGE, 'musl-image.sh')
    const { main, post, outputs, ws, api } = await runMusl('musl-door', {}, [
      { tool_use: { name: 'Write', input: { file_path: '/tmp/never.txt', content: 'x' } } },
      { text: 'ok' }
    ])
    const log = visibleLog(main.stdout, main.stderr)
    expect(main.code).toBe(1)
    const errors = log.split('\n').filter(l => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`Input 'image': ${MUSL_IMAGE} has no GNU find (find -printf) and no GNU tar (tar --format=pax)`)
    expect(errors[0]).toContain("apk add findutils tar), or set 'workspace-changes: none'")
    // no model spend: claude never started, and the runner's workspace is as it was
    expect(api.requests.filter(q => q.path.includes('/v1/messages'))).toEqual([])
    expect(fs.readdirSync(ws).sort()).toEqual(['.git', 'README.md'])
    expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# e2e\n')
    expect(post.code).toBe(0)
    expect(outputs['transcript-dir']).toBeDefined()
    expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
  })

  it("the door's own listing in a busybox bottle (no find -printf): it brings nothing back and deletes nothing on the runner", async () => {
    requireRealParts()
    requireImage(MUSL_IMAGE, 'musl-image.sh')
    // the door run directly on a started busybox bottle (the run itself refuses such an image before claude starts)
    const dir = tempDir('e2e-images')
    const ws = makeWorkspace(path.join(dir, 'door-busybox'), 1001)
    const stateDir = fs.mkdtempSync(path.join(dir, 'state-'))
    const backend = new DockerBackend({ wiring: 'relay', relayImage: RELAY_IMAGE })
    const name = `bb-e2e-door-busybox-${process.pid}`
    const user = { uid: 1001, gid: 1001 }
    await backend.create({
      name,
      labels: { 'bot-bottle.test': 'images' },
      image: MUSL_IMAGE,
      user,
      home: '/tmp',
      env: {},
      stateDir,
      network: 'none',
      cpus: 1,
      memory: '256m',
      pidsLimit: 64,
      mounts: [],
      workspace: { path: ws, maxBytes: 64 * 1048576, maxEntries: 1000 }
    })
    try {
      await backend.start(name)
      const r = await runDoor({
        backend,
        bottle: name,
        user,
        stateDir,
        manifest: readManifest(ws),
        policy: { mode: 'apply', maxBytes: 1048576, maxFiles: 100 },
        protectedPaths: [],
        redactor: new Redactor()
      })
      expect({ accepted: r.accepted, decisions: r.decisions.map(d => `${d.path} ${d.verdict}: ${d.reason}`) }).toEqual({
        accepted: 0,
        decisions: [
          expect.stringMatching(
            /^\. refused: the bottle's tree could not be listed \(the image's find cannot list it \(.*-printf.*\).*GNU find.*\): nothing comes back$/
          )
        ]
      })
      // the guest's tree is empty (nothing was copied in): a listing taken at its word would delete every runner file
      expect(fs.readdirSync(ws).sort()).toEqual(['.git', 'README.md'])
      expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# e2e\n')
    } finally {
      await backend.remove(name)
    }
  })
})
