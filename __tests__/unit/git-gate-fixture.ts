/** What the git gate's unit tests share: real git as the guest runs it, and the upstream double. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitGate, type GitGate } from '../../src/gitgate/git-gate.js'
import { parseProtectedPaths, parsePushPolicy } from '../../src/config/git-policy.js'
import { Redactor } from '../../src/transcript/redact.js'
import { runCommand } from '../../src/util/process.js'
import { startSeededGitHttpDouble } from '../../test/harness/git-http-double.mjs'

export const gitEnv = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
  GIT_AUTHOR_NAME: 'a',
  GIT_AUTHOR_EMAIL: 'a@x',
  GIT_COMMITTER_NAME: 'a',
  GIT_COMMITTER_EMAIL: 'a@x'
}

/** git in `cwd`; async, because the gate runs in this process and a blocking spawn would deadlock it. */
export async function git(cwd: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCommand('git', ['-C', cwd, ...args], { env: gitEnv, timeoutMs: 120_000 })
  return { code: r.code ?? -1, out: `${r.stdout}${r.stderr}` }
}

export interface GateSuite {
  dir: string
  double: Awaited<ReturnType<typeof startSeededGitHttpDouble>>
  /** gates the tests started: closed after the suite */
  gates: GitGate[]
}

/** Registers beforeAll/afterAll: a scratch dir and the seeded upstream double wanting `token`. Fields are set once beforeAll ran. */
export function gateSuite(prefix: string, token: string): GateSuite {
  const suite = { dir: '', double: undefined, gates: [] } as unknown as GateSuite
  beforeAll(async () => {
    suite.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    suite.double = await startSeededGitHttpDouble({ dir: suite.dir, token })
  })
  afterAll(async () => {
    for (const g of suite.gates) await g.close()
    await suite.double?.close()
    fs.rmSync(suite.dir, { recursive: true, force: true })
  })
  return suite
}

/**
 * A gate in front of the suite's `acme/widgets.git`, logging to `<name>.jsonl` in the suite dir,
 * sending `token` as the checkout would; default protected paths unless given.
 */
export async function startSuiteGate(
  suite: GateSuite,
  o: { name: string; secret: string; token: string; gitPush: string; protectedPaths?: string; secrets?: string[] }
): Promise<{ g: GitGate; logFile: string }> {
  const logFile = path.join(suite.dir, `${o.name}.jsonl`)
  const g = await startGitGate({
    secret: o.secret,
    upstream: new URL(`${suite.double.url}/acme/widgets.git`),
    authHeader: { name: 'authorization', value: `Basic ${Buffer.from(`x-access-token:${o.token}`).toString('base64')}` },
    policy: parsePushPolicy(o.gitPush, 'false'),
    bindHost: '127.0.0.1',
    logFile,
    scratchDir: path.join(suite.dir, `${o.name}-scratch`),
    ...(o.protectedPaths !== undefined ? { protectedPaths: parseProtectedPaths(o.protectedPaths) } : {}),
    redactor: new Redactor(o.secrets ?? [])
  })
  suite.gates.push(g)
  return { g, logFile }
}
