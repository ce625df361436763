/**
 * Collecting the record from a state dir whose claude-config/ the agent could write: links are
 * never followed, only regular files are read, under generated names, each on its own, and the
 * host's records are always there; the result uploads through the real @actions/artifact.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { uploadArtifact } from '../../src/artifact/upload.js'
import { collectRecords } from '../../src/transcript/collect.js'
import { Redactor } from '../../src/transcript/redact.js'
import { makeRuntimeToken, startArtifactServiceDouble } from '../../test/harness/artifact-service-double.mjs'
import { readZip } from '../../test/harness/zip.mjs'

const KEY = 'sk-ant-api03-collect-0123456789abcdefghijklmn'
const CANARY = 'CANARY-host-file-the-agent-must-not-publish'
const GUEST_UID = 1001

/** Runs `fn` as an unprivileged uid when the test runs as root: as a runner's post step would, chmod 000 then bites. */
async function asRunnerUid<T>(fn: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return fn()
  process.setegid!(GUEST_UID)
  process.seteuid!(GUEST_UID)
  try {
    return await fn()
  } finally {
    process.seteuid!(0)
    process.setegid!(0)
  }
}

function hostileStateDir(): { stateDir: string; outside: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-collect-'))
  fs.chmodSync(base, 0o755)
  const outside = path.join(base, 'outside') // a host dir outside the bottle's mounts
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'secret.jsonl'), `${CANARY}\n`)
  fs.writeFileSync(path.join(outside, 'env'), `${CANARY}\n`)
  const stateDir = path.join(base, 'state')
  fs.mkdirSync(stateDir)
  for (const f of ['outputs.json', 'stream.jsonl', 'egress.jsonl', 'git.jsonl', 'model.jsonl']) fs.writeFileSync(path.join(stateDir, f), `{"record":"${f}"}\n`)
  fs.writeFileSync(path.join(stateDir, 'prompt.txt'), 'the task')
  const projects = path.join(stateDir, 'claude-config', 'projects')
  const ws = path.join(projects, '-work-ws')
  fs.mkdirSync(ws, { recursive: true })
  fs.writeFileSync(path.join(ws, 'session-1.jsonl'), `{"text":"ok"}\n{"text":"\\\\u0073${KEY.slice(1)}"}\n${Buffer.from(KEY).toString('hex')}\n`)
  fs.writeFileSync(path.join(ws, 'a?.jsonl'), '{"odd":"name"}\n')
  fs.writeFileSync(path.join(ws, 'x:<>|*"\r\n.jsonl'), '{"odd":"names"}\n')
  fs.writeFileSync(path.join(ws, `${KEY}.jsonl`), '{"named":"after the key"}\n')
  fs.symlinkSync(path.join(outside, 'env'), path.join(ws, 'leak.jsonl'))
  fs.symlinkSync(outside, path.join(ws, 'linked-dir'))
  execFileSync('mkfifo', [path.join(ws, 'fifo.jsonl')])
  fs.mkdirSync(path.join(ws, 'locked'))
  fs.writeFileSync(path.join(ws, 'locked', 'hidden.jsonl'), '{}\n')
  fs.chmodSync(path.join(ws, 'locked'), 0o000)
  fs.mkdirSync(path.join(ws, '..\u2024..'))
  fs.writeFileSync(path.join(ws, '..\u2024..', '...jsonl'), '{"dots":1}\n')
  execFileSync('chown', ['-R', `${GUEST_UID}:${GUEST_UID}`, base])
  fs.chmodSync(stateDir, 0o700)
  return { stateDir, outside }
}

function allText(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(d => d.isFile())
    .map(d => fs.readFileSync(path.join(d.parentPath, d.name), 'utf8'))
    .join('\n')
}

describe('collecting a record the agent tampered with', () => {
  it('copies regular session files under generated names, follows no link, skips what it cannot read, keeps the host records', async () => {
    const { stateDir } = hostileStateDir()
    const collected = await asRunnerUid(() => collectRecords(stateDir, new Redactor([KEY]), { conclusion: 'success' }))
    const names = collected.files.map(f => path.relative(collected.dir, f)).sort()
    expect(names).toEqual([
      'egress.jsonl',
      'git.jsonl',
      'model.jsonl',
      'outputs.json',
      'report.html',
      'sessions.json',
      'sessions/001.jsonl',
      'sessions/002.jsonl',
      'sessions/003.jsonl',
      'sessions/004.jsonl',
      'sessions/005.jsonl',
      'stream.jsonl'
    ])
    const text = allText(collected.dir)
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(Buffer.from(KEY).toString('hex'))
    expect(text).not.toContain(`\\\\u0073${KEY.slice(1)}`)
    const index = JSON.parse(fs.readFileSync(path.join(collected.dir, 'sessions.json'), 'utf8'))
    expect(index.sessions.map((s: { source: string }) => s.source)).toEqual([
      'projects/-work-ws/..\u2024../...jsonl',
      'projects/-work-ws/a?.jsonl',
      'projects/-work-ws/session-1.jsonl',
      'projects/-work-ws/[REDACTED:secret].jsonl',
      'projects/-work-ws/x:<>|*"\r\n.jsonl'
    ])
    const skipped = Object.fromEntries(collected.skipped.map(s => [s.source, s.reason]))
    expect(skipped).toEqual({
      'projects/-work-ws/fifo.jsonl': 'not a regular file',
      'projects/-work-ws/leak.jsonl': 'a symbolic link (not followed)',
      'projects/-work-ws/linked-dir': 'a symbolic link (not followed)',
      'projects/-work-ws/locked': 'unreadable (EACCES)'
    })
    expect(index.skipped).toEqual(collected.skipped)
    const report = fs.readFileSync(path.join(collected.dir, 'report.html'), 'utf8')
    expect(report).toContain('the task') // the prompt main saved, not prompt-file
    expect(report).toContain('unreadable (EACCES)')
  })

  it('a projects/ that is a link to a host directory is not followed', async () => {
    const { stateDir, outside } = hostileStateDir()
    const projects = path.join(stateDir, 'claude-config', 'projects')
    fs.rmSync(projects, { recursive: true, force: true })
    fs.symlinkSync(outside, projects)
    const collected = await collectRecords(stateDir, new Redactor([KEY]), { conclusion: 'success' })
    expect(allText(collected.dir)).not.toContain(CANARY)
    expect(collected.skipped).toEqual([{ source: 'projects', reason: 'a symbolic link (not followed)' }])
    expect(collected.files.map(f => path.basename(f))).toContain('stream.jsonl')
  })

  it('what it collected uploads through @actions/artifact (which refuses names like a?.jsonl)', async () => {
    const { stateDir } = hostileStateDir()
    const collected = await collectRecords(stateDir, new Redactor([KEY]), { conclusion: 'success' })
    const service = await startArtifactServiceDouble()
    const env = { ACTIONS_RUNTIME_TOKEN: makeRuntimeToken('r1', 'j1'), ACTIONS_RESULTS_URL: service.url, GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' }
    const saved = { ...process.env }
    Object.assign(process.env, env)
    try {
      const r = await uploadArtifact(collected.files, collected.dir, { when: 'always', name: 'tampered', jobSummary: false }, env)
      expect(r?.id).toBe(1)
      const zip = readZip(service.artifacts().get('tampered')!.zip)
      expect([...zip.keys()]).toEqual(expect.arrayContaining(['outputs.json', 'stream.jsonl', 'model.jsonl', 'report.html', 'sessions/001.jsonl']))
    } finally {
      process.env = saved
      await service.close()
    }
  }, 60_000)
})
