// The workspace copy in and the door out, beside today's bind mount, in the same run (issue 24).
// For each tree (10,000 files / 200 MB, and 100,000 small files), each round does, on the docker
// backend with the test guest image:
//   bind = create a bottle with the tree bind-mounted at its path, start it, one exec, remove it
//   copy = create a bottle with the tmpfs workspace, start it, copy the tree in, run the door
//          with no change made, remove it; two ways side by side: `streamed` (every byte through
//          the engine's exec stream, the way before) and `staged` (vetted copies written into a
//          read-only stage the guest copies from, the runner's objects borrowed read-only)
// and reports the medians, the copy's extra time over bind, and its two parts.
// Usage: npm run build && node bench/workspace-copy.mjs [rounds]   (default 3)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerBackend } from '../lib/backend/docker/docker-backend.js'
import { copyWorkspaceIn } from '../lib/bottle/workspace/copy-in.js'
import { guestRepo, readGuestRepo, shareableObjects } from '../lib/bottle/workspace/guest-repo.js'
import { GUEST_OBJECTS, makeStage, packDirOf, removeStage, Stage, stageMounts, stageWant, stageWorkspace } from '../lib/bottle/workspace/stage.js'
import { footprint, readManifest } from '../lib/workspace-door/manifest.js'
import { parseProtectedPaths } from '../lib/config/git-policy.js'
import { Redactor } from '../lib/transcript/redact.js'
import { runDoor } from '../lib/workspace-door/door.js'
import { GUEST_IMAGE } from '../test/harness/paths.mjs'
import { makeWorkTree } from './work-tree.mjs'

const ROUNDS = Number(process.argv[2] ?? 3)
const SECRETS = ['sk-ant-api03-bench-not-a-real-key-0000']
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-wscopy-'))
fs.chmodSync(work, 0o755)
const user = { uid: 1001, gid: 1001 }
process.env.GITHUB_OUTPUT = '' // the door logs through @actions/core: plain stdout here

const makeTree = (name, files, bytes, commit = true) => makeWorkTree(path.join(work, name), files, bytes, commit, user)

const backend = new DockerBackend({ wiring: 'relay', relayImage: GUEST_IMAGE })
const labels = { 'bot-bottle.bench': 'workspace-copy' }
const spec = (name, extra) => ({
  name,
  labels,
  image: GUEST_IMAGE,
  user,
  home: '/home/bottle',
  env: { HOME: '/home/bottle' },
  stateDir: work,
  network: 'none',
  cpus: 2,
  memory: '4g',
  pidsLimit: 1024,
  mounts: [],
  ...extra
})
const ms = since => Number(process.hrtime.bigint() - since) / 1e6
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function bindRound(ws, i) {
  const name = `bb-bench-bind-${i}`
  const t = process.hrtime.bigint()
  await backend.create(spec(name, { mounts: [{ host: ws, guest: ws, readOnly: false }] }))
  await backend.start(name)
  try {
    await backend.exec(name, ['ls', ws], { user })
  } finally {
    await backend.remove(name)
  }
  return ms(t)
}

/** staged: the stage of vetted copies and the borrowed objects (the action's way); otherwise everything through the exec stream (the way before). */
async function copyRound(ws, i, staged) {
  const name = `bb-bench-copy-${i}`
  const stateDir = fs.mkdtempSync(path.join(work, 'state-'))
  const t = process.hrtime.bigint()
  const manifest = readManifest(ws)
  const objectsDir = staged ? await shareableObjects(ws) : undefined
  const stage = staged ? new Stage(makeStage(stateDir, stageWant(manifest))) : undefined
  const room = footprint(manifest)
  const mounts = stage ? stageMounts(stage.dir, objectsDir) : []
  // as the action does: the staging runs while the engine creates and starts the bottle
  const staging = stage ? stageWorkspace(manifest, stage, SECRETS) : undefined
  const draft = stage ? readGuestRepo(ws, objectsDir ? { borrowAt: GUEST_OBJECTS } : { packInto: packDirOf(stateDir) }) : undefined
  await backend.create(spec(name, { mounts, workspace: { path: ws, maxBytes: room.bytes * 2 + 512 * 1048576, maxEntries: room.entries * 2 + 20_000 } }))
  try {
    await backend.start(name)
    return await timedCopy(name, ws, manifest, stateDir, t, stage, staging, draft)
  } finally {
    await backend.remove(name)
    removeStage(stateDir) // the memory stage's private dir, as the action's teardown does
  }
}

async function timedCopy(name, ws, manifest, stateDir, t, stage, staging, draft) {
  const tIn = process.hrtime.bigint()
  const repo = draft ? (await draft)?.withOrigin(undefined) : await guestRepo(ws, undefined, { packInto: packDirOf(stateDir) })
  const copied = await copyWorkspaceIn({ plan: { guestUser: user }, backend, name }, manifest, repo, SECRETS, staging)
  if (stage && copied.staged === 0 && manifest.entries.size > 50_000) console.log(`  (${copied.files} files, none large enough for the stage)`)
  else if (stage && copied.staged !== copied.files) throw new Error(`only ${copied.staged} of ${copied.files} files went through the stage`)
  // the action empties the stage while claude starts: not in the measured time
  const tClear = process.hrtime.bigint()
  await stage?.clear()
  const clearMs = ms(tClear)
  const copyIn = ms(tIn)
  const tOut = process.hrtime.bigint()
  const door = await runDoor({
    backend,
    bottle: name,
    user,
    stateDir,
    manifest,
    policy: { mode: 'apply', maxBytes: 256 * 1048576, maxFiles: 10_000 },
    protectedPaths: parseProtectedPaths(''),
    redactor: new Redactor([])
  })
  const doorOut = ms(tOut)
  if (door.decisions.length) throw new Error(`the door found changes in an untouched tree: ${JSON.stringify(door.decisions.slice(0, 3))}`)
  return { total: ms(t) - clearMs, copyIn, doorOut }
}

console.log('making the trees ...')
const trees = [
  ['10,000 files / 200 MB', makeTree('t10k', 10_000, 20_000)],
  ['100,000 files / 100 MB (no repository)', makeTree('t100k', 100_000, 1_000, false)]
]
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }))
const rows = []
for (const [label, ws] of trees) {
  const bind = []
  const streamed = []
  const staged = []
  for (let i = 0; i < ROUNDS; i++) {
    bind.push(await bindRound(ws, i))
    streamed.push(await copyRound(ws, i, false))
    staged.push(await copyRound(ws, i, true))
    const [c, s] = [streamed.at(-1), staged.at(-1)]
    console.log(
      `${label} round ${i + 1}: bind ${bind.at(-1).toFixed(0)} ms, streamed ${c.total.toFixed(0)} ms (in ${c.copyIn.toFixed(0)}, door ${c.doorOut.toFixed(0)}), ` +
        `staged ${s.total.toFixed(0)} ms (in ${s.copyIn.toFixed(0)}, door ${s.doorOut.toFixed(0)})`
    )
  }
  const b = median(bind)
  const secs = x => `${(x / 1000).toFixed(2)} s`
  for (const [how, runs] of [
    ['streamed', streamed],
    ['staged', staged]
  ]) {
    const c = median(runs.map(x => x.total))
    rows.push(
      `| ${label} | ${how} | ${secs(b)} | ${secs(c)} | +${secs(c - b)} | ${secs(median(runs.map(x => x.copyIn)))} | ${secs(median(runs.map(x => x.doorOut)))} |`
    )
  }
}
console.log(`\nworkspace copy vs bind mount, ${ROUNDS} rounds, medians\n`)
console.log('| tree | copy in | bind mount | copy in + door out | extra | copy in | door out (no change) |')
console.log('|---|---|---|---|---|---|---|')
for (const r of rows) console.log(r)
fs.rmSync(work, { recursive: true, force: true })
