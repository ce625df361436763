/**
 * Protected paths on their own: each form a downstream checkout reads as `.github/workflows`
 * (case, every code point HFS+ ignores, Unicode forms, NTFS trailing dots and streams, 8.3 short
 * names, backslashes, dot segments) is caught, and its near neighbours are not. Rules are written
 * out in canonical components here, not made by the module's own parser.
 */
import { canonicalComponent, type ProtectedPath, protectedRule } from '../../src/config/protected-paths.js'

const WORKFLOWS: ProtectedPath = { rule: '.github/workflows/**', components: ['.github', 'workflows', '**'] }
const isProtected = (path: string, link = false, rules: ProtectedPath[] = [WORKFLOWS]) => protectedRule(rules, path, link) !== undefined

describe('canonicalComponent', () => {
  it.each([
    ['.GitHub', '.github'],
    ['.GITHUB.', '.github'],
    ['.github. .', '.github'],
    ['.github  ', '.github'],
    ['x.', 'x'],
    ['.github::$INDEX_ALLOCATION', '.github'],
    ['.github:stream', '.github'],
    ['a:b:c', 'a'],
    [':x', ':x'], // not a stream of a name
    ['.', '.'],
    ['..', '..'],
    ['. .', '. .'],
    ['...', '...'],
    ['', ''],
    ['\u200c.gi\u200dt\u200eh\u200fub', '.github'],
    ['.git\u202ahub\u202e', '.github'],
    ['\u206a.github\u206f', '.github'],
    ['\ufeff.github', '.github'],
    ['caf\u0065\u0301', 'caf\u00e9'], // NFD read as NFC
    ['CAF\u00c9', 'caf\u00e9'],
    ['.github\u200b', '.github\u200b'], // U+200B is not one HFS+ ignores
    ['.github\u2010', '.github\u2010'],
    ['.github\u2029', '.github\u2029'],
    ['.github\u2070', '.github\u2070'],
    ['.github\ufefe', '.github\ufefe']
  ])('%j is %j', (name, canonical) => {
    expect(canonicalComponent(name)).toBe(canonical)
  })
})

describe('protectedRule: the forms a checkout reads as .github/workflows', () => {
  it.each([
    '.github/workflows/ci.yml',
    '.github/workflows/a/b/c.yml',
    '.github/workflows',
    '.GitHub/WorkFlows/ci.yml',
    // every range of code points HFS+ ignores, at both ends of each range
    '.github\u200c/workflows/ci.yml',
    '.github\u200d/workflows/ci.yml',
    '.github\u200e/workflows/ci.yml',
    '.github\u200f/workflows/ci.yml',
    '.github\u202a/workflows/ci.yml',
    '.github\u202c/workflows/ci.yml',
    '.github\u202e/workflows/ci.yml',
    '.github\u206a/workflows/ci.yml',
    '.github\u206d/workflows/ci.yml',
    '.github\u206f/workflows/ci.yml',
    '.github\ufeff/workflows/ci.yml',
    '.git\ufeffhub\u200c/work\u200dflows/ci.yml',
    '\ufeff.github/workflows/ci.yml',
    '.github./workflows/ci.yml',
    '.github. ./workflows. /ci.yml',
    '.github::$INDEX_ALLOCATION/workflows/ci.yml',
    '.github/workflows::$INDEX_ALLOCATION/ci.yml',
    '.github\\workflows\\ci.yml',
    '.github\\\\workflows/ci.yml',
    '/.github/workflows/ci.yml',
    './.github//workflows/./ci.yml',
    'docs/../.github/workflows/ci.yml',
    'a/b/../../.github/workflows/ci.yml',
    '../.github/workflows/ci.yml',
    'GITHUB~1/workflows/ci.yml',
    'GITHUB~1/WORKFL~1/ci.yml',
    'github~1/workflows/ci.yml',
    'G~1/workflows/ci.yml',
    'GITHU~12/workflows/ci.yml',
    '.github/WORKFL~9/ci.yml',
    '.github/W~1.YML/ci.yml',
    '.github/W~1./ci.yml'
  ])('%j is protected', path => {
    expect(protectedRule([WORKFLOWS], path, false)).toBe('.github/workflows/**')
  })

  it.each([
    '.github\u200b/workflows/ci.yml', // U+200B is not ignored by HFS+
    '.github\u2010/workflows/ci.yml',
    '.github\u2029/workflows/ci.yml',
    '.github\u2070/workflows/ci.yml',
    '.github\ufefe/workflows/ci.yml',
    '.github',
    'github/workflows/ci.yml',
    '.github/workflow/ci.yml',
    '.github/workflowsx/ci.yml',
    'x.github/workflows/ci.yml',
    'docs/.github/workflows/ci.yml',
    '.github/docs/workflows/ci.yml',
    ':x/.github/workflows/ci.yml',
    '.github/../workflows/ci.yml',
    'GITHUB~0/workflows/ci.yml',
    '~1/workflows/ci.yml',
    'GITHUBX~1/workflows/ci.yml',
    'XGITHUB~1/workflows/ci.yml', // a short name is at most 6 characters before the ~, from the start
    'GITHUB~1A/workflows/ci.yml',
    'GITHUB~1.YAML/workflows/ci.yml',
    'GITHUB~1.Y.L/workflows/ci.yml',
    'GITHUB1/workflows/ci.yml',
    'GITHUB~/workflows/ci.yml',
    'GITLAB~1/workflows/ci.yml'
  ])('%j is not protected', path => {
    expect(isProtected(path)).toBe(false)
  })

  it('counts a symlink or submodule at a directory above the protected path, not a file there', () => {
    expect(isProtected('.github', true)).toBe(true)
    expect(isProtected('.GitHub.', true)).toBe(true)
    expect(isProtected('GITHUB~1', true)).toBe(true)
    expect(isProtected('.github', false)).toBe(false)
    expect(isProtected('.github/workflows', true)).toBe(true)
    expect(isProtected('.github/workflows/ci.yml', true)).toBe(true)
    expect(isProtected('docs', true)).toBe(false)
    expect(isProtected('.github/docs', true)).toBe(false)
  })
})

describe('protectedRule: rules with names, wildcards and **', () => {
  const CODEOWNERS: ProtectedPath = { rule: 'CODEOWNERS', components: ['codeowners'] }
  const SCRIPTS: ProtectedPath = { rule: 'src/*.sh', components: ['src', '*.sh'] }
  const DEPLOY: ProtectedPath = { rule: 'ops/my.deploy.sh', components: ['ops', 'my.deploy.sh'] }
  const NESTED: ProtectedPath = { rule: 'a/**/b', components: ['a', '**', 'b'] }
  const PREFIXED: ProtectedPath = { rule: 'lib/a*z', components: ['lib', 'a*z'] }
  const rules = [CODEOWNERS, SCRIPTS, DEPLOY, NESTED, PREFIXED]

  it.each([
    ['CODEOWNERS', 'CODEOWNERS'],
    ['codeowners.', 'CODEOWNERS'],
    ['CODEOW~1', 'CODEOWNERS'],
    ['src/run.sh', 'src/*.sh'],
    ['src/.sh', 'src/*.sh'],
    ['src/a b.sh', 'src/*.sh'],
    ['src/a\nb.sh', 'src/*.sh'],
    ['src/RUN.SH', 'src/*.sh'],
    ['ops/my.deploy.sh', 'ops/my.deploy.sh'],
    ['ops/MYDEPL~1.SH', 'ops/my.deploy.sh'],
    ['a/b', 'a/**/b'],
    ['a/x/b', 'a/**/b'],
    ['a/x/y/z/b', 'a/**/b'],
    ['lib/az', 'lib/a*z'],
    ['lib/a-to-z', 'lib/a*z']
  ])('%j falls under %j', (path, rule) => {
    expect(protectedRule(rules, path, false)).toBe(rule)
  })

  it.each([
    'CODEOWNERS/x',
    'docs/CODEOWNERS',
    'src/runxsh',
    'src/run.shx',
    'src/lib/run.sh',
    'src/run.sh/x',
    'ops/my.deploy.shx',
    'ops/deploy~1.sh',
    'a/x/c',
    'a',
    'b',
    'lib/xaz',
    'lib/aza',
    'lib/a/z',
    'src/*~1' // a short name is made from a real long name, never a wildcard
  ])('%j falls under none', path => {
    expect(protectedRule(rules, path, false)).toBeUndefined()
  })

  it('names the first rule that matches', () => {
    const both: ProtectedPath = { rule: 'src/**', components: ['src', '**'] }
    expect(protectedRule([SCRIPTS, both], 'src/run.sh', false)).toBe('src/*.sh')
    expect(protectedRule([both, SCRIPTS], 'src/run.sh', false)).toBe('src/**')
    expect(protectedRule([], 'src/run.sh', true)).toBeUndefined()
  })

  it('with a link, a path where the rule still goes on is protected: it may hold what the rule protects', () => {
    expect(protectedRule([DEPLOY], 'ops', true)).toBe('ops/my.deploy.sh')
    expect(protectedRule([DEPLOY], 'ops', false)).toBeUndefined()
    expect(protectedRule([NESTED], 'a/x/y', true)).toBe('a/**/b')
    expect(protectedRule([NESTED], 'a/x/y', false)).toBeUndefined()
    expect(protectedRule([NESTED], 'c', true)).toBeUndefined()
  })
})
