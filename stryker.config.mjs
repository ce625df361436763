// Mutation testing of the security modules (StrykerJS, jest runner, typescript checker).
// Run it through `npm run mutate [module…]` (scripts/mutate.mjs): one module at a time, with
// only the unit test files listed for it, so each run stays fast on a small machine.
import os from 'node:os'
import path from 'node:path'
import jestConfig from './jest.config.js'

/**
 * The modules mutation testing covers, by name: the source file and the unit test files
 * (under __tests__/unit, without `.test.ts`) run against its mutants. Fast, pure tests only:
 * a mutant is tested by every listed test that reaches its code, many times over.
 */
export const MODULES = {
  redact: { file: 'src/transcript/redact.ts', tests: ['redact', 'redact-mutants'] },
  'secret-scan': { file: 'src/gitgate/secret-scan.ts', tests: ['secret-scan'] },
  'protected-paths': { file: 'src/config/protected-paths.ts', tests: ['protected-paths'] },
  'ref-name': { file: 'src/gitgate/ref-name.ts', tests: ['ref-name'] },
  outputs: { file: 'src/bottle/collect/outputs.ts', tests: ['outputs', 'outputs-mutants', 'structured-output', 'run-end'] },
  summary: { file: 'src/transcript/summary.ts', tests: ['outputs', 'summary-mutants'] },
  'model-body': { file: 'src/proxy/model-body.ts', tests: ['model-body'] },
  'model-routes': { file: 'src/proxy/model-routes.ts', tests: ['model-routes'] },
  // named for a later pass (their tests are being reworked): `npm run mutate budget` runs one
  budget: { file: 'src/proxy/budget.ts', tests: ['budget', 'budget-attacks', 'budget-mutants'] },
  'address-vetting': { file: 'src/proxy/address-vetting.ts', tests: ['proxy-parsers', 'egress', 'address-vetting-mutants'] },
  'push-judge': { file: 'src/gitgate/push-judge.ts', tests: ['git-gate', 'git-gate-attacks', 'push-judge-mutants'] },
  'guest-repo': { file: 'src/bottle/workspace/guest-repo.ts', tests: ['guest-repo-objects', 'workspace-stage'] },
  'stage-files': { file: 'src/bottle/workspace/stage-files.ts', tests: ['stage-files'] },
  'oci-pull': { file: 'src/oci/pull-image.ts', tests: ['oci-pull', 'oci-parts'] },
  'oci-registry-client': { file: 'src/oci/registry-client.ts', tests: ['oci-pull', 'oci-parts'] },
  'oci-manifest': { file: 'src/oci/manifest.ts', tests: ['oci-parts', 'oci-pull'] },
  'base-config': { file: 'src/bottle/workspace/base-config.ts', tests: ['base-config'] },
  'pull-request': { file: 'src/trigger/pull-request.ts', tests: ['base-config'] },
  'door-judge': { file: 'src/workspace-door/judge.ts', tests: ['workspace-door', 'base-config'] },
  'github-apply': { file: 'src/githubgate/apply.ts', tests: ['github-gate'] },
  'github-neutralise': { file: 'src/githubgate/neutralise.ts', tests: ['githubgate-parts', 'githubgate-mutants', 'github-gate'] },
  'github-tools': { file: 'src/githubgate/tools.ts', tests: ['github-gate'] },
  'github-diff-lines': { file: 'src/githubgate/diff-lines.ts', tests: ['githubgate-parts', 'githubgate-mutants', 'github-gate'] },
  'trace-plan': { file: 'src/telemetry/trace-plan.ts', tests: ['telemetry'] },
  'telemetry-policy': { file: 'src/config/telemetry-policy.ts', tests: ['telemetry'] }
}

/** The modules `npm run mutate` covers when no module is named. */
export const DEFAULT_MODULES = ['redact', 'secret-scan', 'protected-paths', 'ref-name', 'outputs', 'summary', 'model-body', 'model-routes']

const unit = jestConfig.projects.find(p => p.displayName === 'unit')

/** Stryker's options for one module. */
export function configFor(name, { concurrency = 1 } = {}) {
  const m = MODULES[name]
  if (!m) throw new Error(`mutate: no module '${name}' (known: ${Object.keys(MODULES).join(', ')})`)
  const { displayName: _, ...jest } = unit
  return {
    mutate: [m.file],
    testRunner: 'jest',
    // ESM jest: the runner's process needs what `node --experimental-vm-modules` gives jest
    testRunnerNodeArgs: ['--experimental-vm-modules'],
    jest: {
      projectType: 'custom',
      config: { ...jest, testTimeout: 60_000, testMatch: m.tests.map(t => `<rootDir>/__tests__/unit/${t}.test.ts`) },
      enableFindRelatedTests: false
    },
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    coverageAnalysis: 'perTest',
    concurrency,
    // the machine is shared: be patient with a slow run before calling a mutant a timeout
    timeoutMS: 20_000,
    // the sandboxes (copies of the repository) outside it: jest would see their package.json twice
    tempDirName: path.join(os.tmpdir(), 'bot-bottle-stryker'),
    ignorePatterns: ['dist', '.tmp', 'coverage', 'bench'],
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: `.tmp/mutation/${name}.html` },
    jsonReporter: { fileName: `.tmp/mutation/${name}.json` },
    clearTextReporter: { allowEmojis: false, logTests: false },
    incremental: true,
    incrementalFile: `.tmp/mutation/${name}.incremental.json`,
    logLevel: 'info'
  }
}

/** `npx stryker run` with this file mutates the module named by MUTATE_MODULE (scripts/mutate.mjs sets it). */
export default configFor(process.env.MUTATE_MODULE ?? DEFAULT_MODULES[0], { concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1) })
