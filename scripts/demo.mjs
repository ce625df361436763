// The demo: runs the action's main job (then its post step) locally against the docker
// backend, on a scratch git workspace, exactly as the runner would. The model API is the
// scripted double unless ANTHROPIC_API_KEY is set; the claude binary is served from the
// cached real npm tarball by a loopback registry double.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { runAction } from '../test/harness/run-action.mjs'
import { claudePackage, GUEST_IMAGE, RELAY_IMAGE } from '../test/harness/paths.mjs'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const sh = script => execFileSync('bash', [path.join(root, 'test', 'harness', script)], { stdio: 'inherit' })
// dockerd.sh records a dockerd it starts here; stop-dockerd.sh then stops only that one.
process.env.BB_DOCKERD_PIDFILE = path.join(os.tmpdir(), 'bot-bottle-demo-dockerd.pid')
sh('dockerd.sh')
sh('guest-image.sh')
sh('relay-image.sh')
sh('claude-package.sh')

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-bottle-demo-'))
const workspace = path.join(work, 'workspace')
fs.mkdirSync(workspace)
fs.writeFileSync(path.join(workspace, 'README.md'), '# demo project\n')
execFileSync('git', ['init', '-q', workspace])
execFileSync('git', ['-C', workspace, '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'add', '.'])
execFileSync('git', ['-C', workspace, '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'commit', '-qm', 'init'])
// As root, hand the workspace to an unprivileged uid, as a runner's checkout would be.
if (process.getuid?.() === 0) execFileSync('chown', ['-R', '1001:1001', workspace])

const realKey = process.env.ANTHROPIC_API_KEY
const api = realKey
  ? undefined
  : await startAnthropicDouble({
      turns: [
        { tool_use: { name: 'Bash', input: { command: 'echo "hello from the bottle" > HELLO.txt && git status --short', description: 'Write HELLO.txt' } } },
        { text: 'I wrote HELLO.txt in the workspace.' }
      ]
    })
const pkg = claudePackage()
const registry = await startNpmRegistryDouble({ packages: [pkg] })
try {
  const { main, post, outputs } = await runAction({
    inputs: {
      prompt: 'Write HELLO.txt saying hello from the bottle, then report.',
      'anthropic-api-key': realKey ?? 'sk-ant-demo-not-a-real-key',
      'anthropic-base-url': api ? api.url : 'https://api.anthropic.com',
      'npm-registry': registry.url,
      backend: 'docker',
      image: process.env.BOT_BOTTLE_IMAGE ?? GUEST_IMAGE,
      'relay-image': process.env.BOT_BOTTLE_RELAY_IMAGE ?? RELAY_IMAGE, // no image registry here: a relay built from this machine's node
      workspace,
      'max-turns': '5'
    },
    runnerTemp: path.join(work, 'runner-temp'),
    toolCache: process.env.BOT_BOTTLE_TOOL_CACHE ?? path.join(os.tmpdir(), 'bot-bottle-demo-tool-cache')
  })
  // The runner hides ::debug:: lines unless step debugging is on; so does the demo.
  const shown = (main.stdout + main.stderr + post.stdout + post.stderr).split('\n').filter(l => !l.startsWith('::debug::'))
  console.log(shown.join('\n'))
  console.log('\n--- outputs ---')
  for (const [k, v] of Object.entries(outputs)) console.log(`${k}: ${v}`)
  console.log(`\nworkspace:      ${workspace}`)
  console.log(`transcript dir: ${outputs['transcript-dir']} (stream.jsonl, stderr.log, claude-config/projects/)`)
  process.exitCode = main.code ?? 1
} finally {
  await registry.close()
  await api?.close()
  sh('stop-dockerd.sh')
}
