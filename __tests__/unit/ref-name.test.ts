/**
 * The git gate's ref-name judge on its own: git's check-ref-format rules, one case per rule and
 * per refused character, and the conservative charset, with the exact reason each gives.
 */
import { checkRefFormat, refNameProblem } from '../../src/gitgate/ref-name.js'

const FORMAT = (why: string) => `bot-bottle: not a valid ref name (git check-ref-format: it ${why})`
const CHARSET = 'bot-bottle: ref names may hold only letters, digits and . _ - /'
const CONTROL = 'contains a control character, space, or one of ~ ^ : ? * [ \\'

describe('checkRefFormat', () => {
  it.each([
    ['heads/main'],
    ['heads/bot-bottle/fix-1.2'],
    ['tags/v1.0.0'],
    ['a/b'],
    ['heads/x.lockx'],
    ['heads/x.y'],
    ['heads/@'],
    ['heads/a@b'],
    ['heads/a{b}'],
    ['heads/a.b.c/d']
  ])('accepts %j', name => {
    expect(checkRefFormat(name)).toBeUndefined()
  })

  it.each([
    ['@', "is the single character '@'"],
    ['heads/main.', "ends with '.'"],
    ['.', "ends with '.'"],
    ['main', "has no '/' (one level only)"],
    ['', "has no '/' (one level only)"],
    ['heads//main', "begins or ends with '/', or has '//'"],
    ['/heads/main', "begins or ends with '/', or has '//'"],
    ['heads/main/', "begins or ends with '/', or has '//'"],
    ['heads/.hidden', "has a component beginning with '.'"],
    ['.heads/main', "has a component beginning with '.'"],
    ['heads/../x', "has a component beginning with '.'"],
    ['heads/main.lock', "has a component ending with '.lock'"],
    ['heads/x.lock/y', "has a component ending with '.lock'"],
    ['heads/a..b', "contains '..'"],
    ['heads/a@{1}', "contains '@{'"],
    ['heads/@{', "contains '@{'"],
    ['heads/a\u0000b', CONTROL],
    ['heads/a\u0001', CONTROL],
    ['heads/a\u001fb', CONTROL],
    ['heads/a\tb', CONTROL],
    ['heads/a\nb', CONTROL],
    ['heads/a b', CONTROL],
    ['heads/a\u007fb', CONTROL],
    ['heads/a~1', CONTROL],
    ['heads/a^2', CONTROL],
    ['heads/a:b', CONTROL],
    ['heads/a?', CONTROL],
    ['heads/*', CONTROL],
    ['heads/a[b', CONTROL],
    ['heads/a\\b', CONTROL]
  ])('refuses %j: it %s', (name, why) => {
    expect(checkRefFormat(name)).toBe(why)
  })
})

describe('refNameProblem', () => {
  it.each([['refs/heads/main'], ['refs/heads/bot-bottle/issue-25_fix.2'], ['refs/tags/v1.0.0'], ['refs/A-Z/a-z/0-9']])('lets %j through', ref => {
    expect(refNameProblem(ref)).toBeUndefined()
  })

  it.each([
    ['heads/main', 'bot-bottle: only refs/... may be pushed'],
    ['refsheads/main', 'bot-bottle: only refs/... may be pushed'],
    ['HEAD', 'bot-bottle: only refs/... may be pushed'],
    ['Refs/heads/main', 'bot-bottle: only refs/... may be pushed'],
    ['refs/main', FORMAT("has no '/' (one level only)")],
    ['refs/heads/a..b', FORMAT("contains '..'")],
    ['refs//heads/a', FORMAT("begins or ends with '/', or has '//'")],
    ['refs/heads/a b', FORMAT(CONTROL)],
    ['refs/heads/$x', CHARSET],
    ['refs/heads/x$', CHARSET],
    ['refs/heads/a$(id)', CHARSET],
    ['refs/heads/`id`', CHARSET],
    ['refs/heads/"x"', CHARSET],
    ["refs/heads/'x'", CHARSET],
    ['refs/heads/a;b', CHARSET],
    ['refs/heads/a|b', CHARSET],
    ['refs/heads/a&b', CHARSET],
    ['refs/heads/a+b', CHARSET],
    ['refs/heads/a@b', CHARSET],
    ['refs/heads/a{b}', CHARSET],
    ['refs/heads/%41', CHARSET],
    ['refs/heads/caf\u00e9', CHARSET],
    ['refs/heads/\u00e9', CHARSET]
  ])('refuses %j: %s', (ref, why) => {
    expect(refNameProblem(ref)).toBe(why)
  })

  it('takes names up to 1024 characters, no longer', () => {
    const at = (n: number) => `refs/heads/${'a'.repeat(n - 'refs/heads/'.length)}`
    expect(at(1024)).toHaveLength(1024)
    expect(refNameProblem(at(1024))).toBeUndefined()
    expect(refNameProblem(at(1025))).toBe('bot-bottle: ref names may be at most 1024 characters long')
    // the length is judged after git's rules, before the charset
    expect(refNameProblem(`${at(1100)} x`)).toBe(FORMAT(CONTROL))
    expect(refNameProblem(`${at(1100)}$`)).toBe('bot-bottle: ref names may be at most 1024 characters long')
  })
})
