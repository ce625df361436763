import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { makeRuntimeToken, startArtifactServiceDouble } from '../../test/harness/artifact-service-double.mjs'
import { startNpmRegistryDouble } from '../../test/harness/npm-registry-double.mjs'
import { claudePackage, GUEST_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** Fails (never skips) with what to install when the real parts are missing. */
export function requireRealParts(): void {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' })
  } catch {
    throw new Error(
      "no docker engine answers: run 'bash test/harness/dockerd.sh' (installs Debian's docker.io and starts dockerd), or run the suite with 'npm test'"
    )
  }
  requireImage(GUEST_IMAGE, 'guest-image.sh')
  requireImage(RELAY_IMAGE, 'relay-image.sh')
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'index.js'))) throw new Error("dist/ missing: run 'npm run build'")
}

/** Fails with the harness script that builds `image` when docker does not have it. */
export function requireImage(image: string, script: string): void {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' })
  } catch {
    throw new Error(`test image ${image} missing: run 'bash test/harness/${script}' (it uses Debian's packages)`)
  }
}

/** This test file's scratch dirs: removed when its tests end (a full run would otherwise leave ~14 GB). */
const scratch: string[] = []

/**
 * A scratch dir under .tmp/, removed after this test file's tests unless BB_KEEP_TEST_DIRS=1
 * (keep them to look at a failure).
 */
export function tempDir(prefix: string): string {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true })
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', `${prefix}-`))
  scratch.push(dir)
  return dir
}

afterAll(() => {
  if (process.env['BB_KEEP_TEST_DIRS'] === '1') return
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

/** A scratch git repository owned by uid:gid, as a runner's checkout would be. */
export function makeWorkspace(dir: string, uid: number, gid = uid): string {
  const ws = path.join(dir, 'workspace')
  fs.mkdirSync(ws, { recursive: true })
  fs.writeFileSync(path.join(ws, 'README.md'), '# e2e\n')
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', ws, '-c', 'safe.directory=*', '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'ignore' })
  git('init', '-q')
  git('add', '.')
  git('commit', '-qm', 'init')
  execFileSync('chown', ['-R', `${uid}:${gid}`, ws])
  return ws
}

export function dockerLines(...args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean)
}

/** Containers and networks of a run that still exist. */
export function leftovers(slug: string): string[] {
  return [
    ...dockerLines('ps', '--all', '--filter', `label=bot-bottle.run=${slug}`, '--format', 'container {{.Names}}'),
    ...dockerLines('network', 'ls', '--filter', `label=bot-bottle.run=${slug}`, '--format', 'network {{.Name}}')
  ]
}

/**
 * What the post step prints when the main step's own teardown removed everything: a
 * leftovers check after post cannot see a main-step regression (post sweeps by label), this can.
 */
export const MAIN_LEFT_NOTHING = 'bot-bottle post: nothing left to tear down'

/**
 * Containers and networks of any run whose GITHUB_RUN_ID was `runId` (slugs are bb-<run id>-…),
 * so a test counts only what its own runs made, not what other test files run beside it.
 */
export function objectsOfRunId(runId: string): string[] {
  const ofRun = (lines: string[]) => lines.filter(l => l.split(' ')[1]?.startsWith(`bb-${runId}-`))
  return ofRun([
    ...dockerLines('ps', '--all', '--filter', 'label=bot-bottle.run', '--format', 'container {{.Label "bot-bottle.run"}} {{.Names}}'),
    ...dockerLines('network', 'ls', '--filter', 'label=bot-bottle.run', '--format', 'network {{.Label "bot-bottle.run"}} {{.Name}}')
  ])
}

export function slugOf(transcriptDir: string): string {
  return path.basename(transcriptDir)
}

/** Every file under dir, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(d => d.isFile())
    .map(d => path.join(d.parentPath, d.name))
}

export function grepFiles(dir: string, needle: string): string[] {
  return filesUnder(dir).filter(f => fs.readFileSync(f).includes(needle))
}

/** The log as the runner shows it: it consumes ::add-mask:: commands instead of printing them. */
export function visibleLog(...parts: string[]): string {
  return parts
    .join('')
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')
}

type ServedPackage = ReturnType<typeof claudePackage>

export interface E2eSuite {
  registry: Awaited<ReturnType<typeof startNpmRegistryDouble>>
  dir: string
  toolCache: string
  /** the inputs every run needs: the key, the API double, the registry double, docker, the guest image */
  inputs(api: { url: string }, ws: string, key: string): Record<string, string>
}

/**
 * Registers beforeAll/afterAll for an e2e suite: checks the real parts, starts a registry
 * double serving `packages` (default: the real linux-x64 claude), and gives the suite its
 * own scratch dir and tool cache. Fields are set once beforeAll has run.
 */
export function e2eSuite(name: string, packages: () => ServedPackage[] = () => [claudePackage()]): E2eSuite {
  const suite: E2eSuite = {
    registry: undefined as unknown as E2eSuite['registry'], // set in beforeAll
    dir: '',
    toolCache: '',
    inputs(api: { url: string }, ws: string, key: string) {
      return {
        'anthropic-api-key': key,
        'anthropic-base-url': api.url,
        'npm-registry': suite.registry.url,
        backend: 'docker',
        image: GUEST_IMAGE,
        'relay-image': RELAY_IMAGE,
        workspace: ws
      }
    }
  }
  beforeAll(async () => {
    requireRealParts()
    suite.registry = await startNpmRegistryDouble({ packages: packages() })
    suite.dir = tempDir(name)
    suite.toolCache = path.join(suite.dir, 'tool-cache')
  })
  afterAll(async () => {
    await suite.registry?.close()
  })
  return suite
}

export interface MidRun {
  /** After the run: throws what `act` threw, or that claude never got mid-run. */
  check(): void
}

/**
 * Calls `act` once claude is mid-run: its first conversation request has reached the API double.
 * `act` runs in a timer, where a throw would only turn the test's failure into a timeout: so
 * record what you want to assert there and assert it after the run. If `act` throws anyway,
 * the main process is killed (the run ends at once, and fails) and `check()` rethrows it.
 */
export function whenClaudeIsMidRun(api: { conversation(): unknown[] }, child: ChildProcess, act: () => void): MidRun {
  let ran = false
  let failure: unknown
  const poll = setInterval(() => {
    if (api.conversation().length > 0) {
      clearInterval(poll)
      ran = true
      try {
        act()
      } catch (err) {
        failure = err
        child.kill('SIGKILL')
      }
    }
  }, 100)
  child.once('exit', () => clearInterval(poll))
  return {
    check() {
      if (failure !== undefined) throw failure
      if (!ran) throw new Error('claude never got mid-run: no conversation request reached the API double before the main step exited')
    }
  }
}

export interface ArtifactService {
  service: Awaited<ReturnType<typeof startArtifactServiceDouble>>
  /** the runner's variables that point @actions/artifact at the double (plus `more`) */
  runnerEnv(more?: Record<string, string>): Record<string, string>
}

/** Registers beforeAll/afterAll for an artifact service double; fields are set once beforeAll has run. */
export function artifactService(): ArtifactService {
  const a: ArtifactService = {
    service: undefined as unknown as ArtifactService['service'], // set in beforeAll
    runnerEnv: (more = {}) => ({
      ACTIONS_RUNTIME_TOKEN: makeRuntimeToken('run-1', 'job-1'),
      ACTIONS_RESULTS_URL: a.service.url,
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_SERVER_URL: 'https://github.com',
      ...more
    })
  }
  beforeAll(async () => {
    a.service = await startArtifactServiceDouble()
  })
  afterAll(async () => {
    await a.service?.close()
  })
  return a
}
