/**
 * "Any glibc or musl image with a shell works": a guest image with no glibc at all
 * (busybox + musl) gets the musl build of claude, chosen by probing the started guest.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../../test/harness/npm-registry-double.mjs'
import { claudePackage, MUSL_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { leftovers, MAIN_LEFT_NOTHING, makeWorkspace, requireImage, requireRealParts, slugOf, tempDir, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-musl-0123456789'

describe('guest images', () => {
  it('a musl image (busybox, no glibc) gets and runs the linux-x64-musl claude', async () => {
    requireRealParts()
    requireImage(MUSL_IMAGE, 'musl-image.sh')
    const glibc = claudePackage()
    const musl = claudePackage(undefined, 'linux-x64-musl')
    const registry = await startNpmRegistryDouble({ packages: [glibc, musl] })
    const dir = tempDir('e2e-images')
    const ws = makeWorkspace(path.join(dir, 'musl'), 1001)
    const api = await startAnthropicDouble(
      { turns: [{ tool_use: { name: 'Write', input: { file_path: path.join(ws, 'from-musl.txt'), content: 'written in a musl guest\n' } } }, { text: 'ok' }] },
      { expectedKey: KEY }
    )
    try {
      const { main, post, outputs } = await runAction({
        inputs: {
          prompt: 'p',
          'anthropic-api-key': KEY,
          'anthropic-base-url': api.url,
          'npm-registry': registry.url,
          backend: 'docker',
          image: MUSL_IMAGE,
          'relay-image': RELAY_IMAGE,
          workspace: ws
        },
        runnerTemp: path.join(dir, 'rt'),
        toolCache: path.join(dir, 'tool-cache')
      })
      // whatever the image's tools can do, the runner's own files are never lost: a listing the image's
      // find could not make is not an empty tree (busybox's find has no -printf: README.md was deleted)
      const readme = path.join(ws, 'README.md')
      expect({ readme: fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : 'deleted', log: visibleLog(main.stdout) }).toMatchObject({ readme: '# e2e\n' })
      expect({ code: main.code, log: visibleLog(main.stdout, main.stderr) }).toMatchObject({ code: 0 })
      expect(main.stdout).toContain('Claude Code 2.1.332 (linux-x64-musl) downloaded and cached')
      expect(registry.requests.map(r => r.path)).toContainEqual(expect.stringContaining('claude-code-linux-x64-musl-2.1.332.tgz'))
      expect(registry.requests.map(r => r.path)).not.toContainEqual(expect.stringContaining('claude-code-linux-x64-2.1.332.tgz'))
      expect(outputs['conclusion']).toBe('success')
      expect(fs.readFileSync(path.join(ws, 'from-musl.txt'), 'utf8')).toBe('written in a musl guest\n')
      expect(fs.statSync(path.join(ws, 'from-musl.txt')).uid).toBe(1001)
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(MAIN_LEFT_NOTHING)
      expect(leftovers(slugOf(outputs['transcript-dir']!))).toEqual([])
    } finally {
      await api.close()
      await registry.close()
    }
  })
})
