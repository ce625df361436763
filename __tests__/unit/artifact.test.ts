import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { artifactSection as parseArtifactSettings, defaultArtifactName } from '../../src/config/sections.js'
import { artifactServiceUnavailable, shouldUpload, uploadArtifact } from '../../src/artifact/upload.js'
import { renderSummary } from '../../src/transcript/summary.js'
import { forgeRuntimeToken, makeRuntimeToken, startArtifactServiceDouble } from '../../test/harness/artifact-service-double.mjs'
import { readZip } from '../../test/harness/zip.mjs'

const raw = (over: Record<string, string> = {}) => ({ 'upload-transcripts': '', 'artifact-name': '', 'retention-days': '', 'job-summary': '', ...over })

describe('artifact settings', () => {
  it('defaults: always, a name unique per job, step and attempt, repository retention, a summary', () => {
    expect(parseArtifactSettings(raw(), { job: 'review', action: '__acme_bottle_2', runAttempt: '3' })).toEqual({
      when: 'always',
      name: 'bot-bottle-review-__acme_bottle_2-attempt-3',
      retentionDays: undefined,
      jobSummary: true
    })
    expect(defaultArtifactName({})).toBe('bot-bottle-job-bottle-attempt-1')
  })

  it.each([
    [{ 'upload-transcripts': 'sometimes' }, /Input 'upload-transcripts': invalid value \(got 'sometimes'\)\. Expected one of 'always', 'on-failure', 'never'/],
    [{ 'artifact-name': 'a:b' }, /Input 'artifact-name': invalid value \(got 'a:b'\)/],
    [{ 'retention-days': '91' }, /Input 'retention-days': invalid value \(got '91'\)\. Expected a whole number of days from 1 to 90/],
    [{ 'retention-days': 'x' }, /Input 'retention-days'/],
    [{ 'job-summary': 'yes' }, /Input 'job-summary': invalid value \(got 'yes'\)/]
  ])('%j is refused', (over, msg) => {
    expect(() => parseArtifactSettings(raw(over), {})).toThrow(msg)
  })

  it('decides when to upload', () => {
    expect(shouldUpload('always', 'success')).toBe(true)
    expect(shouldUpload('never', 'failure')).toBe(false)
    expect(shouldUpload('on-failure', 'success')).toBe(false)
    for (const c of ['failure', 'max-turns', 'timeout', 'error', undefined]) expect(shouldUpload('on-failure', c)).toBe(true)
  })

  it('knows where the artifact service cannot be used', () => {
    const ok = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://x/' }
    expect(artifactServiceUnavailable(ok)).toBeUndefined()
    expect(artifactServiceUnavailable({ ...ok, GITHUB_SERVER_URL: 'https://acme.ghe.com' })).toBeUndefined()
    expect(artifactServiceUnavailable({ ...ok, GITHUB_SERVER_URL: 'https://git.acme.corp' })).toMatch(/GitHub Enterprise Server.*git\.acme\.corp/)
    expect(artifactServiceUnavailable({ ACTIONS_RESULTS_URL: 'http://x/' })).toMatch(/ACTIONS_RUNTIME_TOKEN/)
  })
})

describe('upload through @actions/artifact to the results-service double', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-upload-'))
  fs.mkdirSync(path.join(dir, 'sessions'))
  fs.writeFileSync(path.join(dir, 'stream.jsonl'), '{"type":"result"}\n')
  fs.writeFileSync(path.join(dir, 'sessions', 's.jsonl'), '{}\n')
  // > 8 MiB, so the client stages several blocks and the double assembles them in list order
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.from(Array.from({ length: 9 * 1024 * 1024 }, (_, i) => (i * 7919) % 251)))
  const files = ['stream.jsonl', 'sessions/s.jsonl', 'big.bin'].map(f => path.join(dir, f))
  const settings = { when: 'always' as const, name: 'run-record', retentionDays: 5, jobSummary: true }

  const envFor = (url: string, token = makeRuntimeToken('r1', 'j1')) => ({
    ACTIONS_RUNTIME_TOKEN: token,
    ACTIONS_RESULTS_URL: url,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '9'
  })
  function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const saved = { ...process.env }
    Object.assign(process.env, env)
    return fn().finally(() => {
      for (const k of Object.keys(env)) delete process.env[k]
      Object.assign(process.env, saved)
    })
  }

  it('uploads the files as one zip with their tree, finalized with size and sha256', async () => {
    const service = await startArtifactServiceDouble()
    try {
      const env = envFor(service.url)
      const r = await withEnv(env, () => uploadArtifact(files, dir, settings, env))
      expect(r).toMatchObject({ id: 1, url: 'https://github.com/o/r/actions/runs/9/artifacts/1' })
      const art = service.artifacts().get('run-record')!
      const zip = readZip(art.zip)
      expect([...zip.keys()].sort()).toEqual(['big.bin', 'sessions/s.jsonl', 'stream.jsonl'])
      expect(zip.get('big.bin')!.equals(fs.readFileSync(path.join(dir, 'big.bin')))).toBe(true)
      expect(service.requests.filter(q => q.path.includes('comp=block&')).length).toBeGreaterThanOrEqual(1)
      expect(art.expiresAt).toBeDefined()
    } finally {
      await service.close()
    }
  }, 60_000)

  it('warns (never throws) when the service refuses: a name used twice in the run, a token for another job', async () => {
    const service = await startArtifactServiceDouble()
    try {
      const env = envFor(service.url)
      expect(await withEnv(env, () => uploadArtifact(files.slice(0, 1), dir, settings, env))).toBeDefined()
      expect(await withEnv(env, () => uploadArtifact(files.slice(0, 1), dir, settings, env))).toBeUndefined()
      const wrongScope = envFor(service.url, makeRuntimeToken('r1', 'j1', { scp: 'Actions.GenericRead:x' })) // signed, but no Actions.Results scope
      expect(await withEnv(wrongScope, () => uploadArtifact(files.slice(0, 1), dir, { ...settings, name: 'other' }, wrongScope))).toBeUndefined()
      expect(service.artifacts().size).toBe(1)
    } finally {
      await service.close()
    }
  }, 60_000)

  it('uploads nothing with a token the service did not sign, or one past its expiry, and warns', async () => {
    const service = await startArtifactServiceDouble()
    try {
      for (const token of [forgeRuntimeToken('r1', 'j1'), makeRuntimeToken('r1', 'j1', { expiresIn: -60 })]) {
        const env = envFor(service.url, token)
        expect(await withEnv(env, () => uploadArtifact(files.slice(0, 1), dir, settings, env))).toBeUndefined()
      }
      expect(service.artifacts().size).toBe(0)
      const creates = service.requests.filter(q => q.path.endsWith('/CreateArtifact'))
      expect(creates.length).toBeGreaterThanOrEqual(2)
      expect(creates.map(q => q.status)).toEqual(creates.map(() => 401)) // refused as unauthenticated, not for another reason
    } finally {
      await service.close()
    }
  }, 60_000)

  it('a refused finalize is no artifact: warns, returns nothing', async () => {
    const service = await startArtifactServiceDouble({ refuseFinalize: true })
    try {
      const env = envFor(service.url)
      expect(await withEnv(env, () => uploadArtifact(files.slice(0, 1), dir, settings, env))).toBeUndefined()
      expect(service.requests.filter(q => q.path.endsWith('/FinalizeArtifact')).map(q => q.status)).toEqual([200])
      expect(service.artifacts().size).toBe(0)
    } finally {
      await service.close()
    }
  }, 60_000)

  it('survives a transient 503 on CreateArtifact (the client retries)', async () => {
    const service = await startArtifactServiceDouble({ failures: [503] })
    try {
      const env = envFor(service.url)
      const r = await withEnv(env, () => uploadArtifact(files.slice(0, 1), dir, settings, env))
      expect(r?.id).toBe(1)
      expect(service.requests.filter(q => q.path.endsWith('/CreateArtifact')).length).toBe(2)
    } finally {
      await service.close()
    }
  }, 60_000)
})

describe('job summary', () => {
  it('stays far under 1 MiB whatever the run size, and escapes table cells', () => {
    const events = Array.from({ length: 100_000 }, (_, i) => ({ k: 'tool' as const, turn: i, id: `t${i}`, name: `tool-${i % 500}`, input: '{}' }))
    const md = renderSummary({
      outputs: {
        conclusion: 'success',
        result: 'x'.repeat(5_000_000),
        'num-turns': '100000',
        'cost-usd': '12.5',
        'duration-ms': '61000',
        backend: 'docker|evil'
      },
      model: { sessionId: 's', model: 'm', events, dropped: 0 },
      blockedEgress: 3,
      pushedRefs: ['refs/heads/bot/fix'],
      artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/2',
      transcriptDir: '/tmp/x'
    })
    expect(Buffer.byteLength(md)).toBeLessThan(16 * 1024)
    expect(md).toContain('### bot-bottle: success')
    expect(md).toContain('| backend | docker\\|evil |')
    expect(md).toContain('| blocked egress | 3 |')
    expect(md).toContain('[artifact](https://github.com/o/r/actions/runs/1/artifacts/2)')
    expect(md).toContain('(480 more tools)')
    expect(md).toContain('result cut at 2000 characters')
  })
})
