/**
 * Which ref names the gate lets through. Two checks, both on the name exactly as the upstream's
 * receive-pack will read it:
 *
 * 1. git's own rules (git-check-ref-format(1); refs.c check_refname_component): receive-pack
 *    refuses anything else as a "funny refname", and so do we, before the upstream sees it.
 * 2. A conservative charset (letters, digits, `.`, `_`, `-`, `/`). git allows far more (`$`, `(`,
 *    quotes, backticks, non-ASCII bytes); refusing them keeps every accepted ref safe to print
 *    and to interpolate from the `pushed-refs` output into a workflow's shell.
 */

/** What is wrong with `name` by git's check-ref-format rules (no --allow-onelevel), or undefined. */
export function checkRefFormat(name: string): string | undefined {
  if (name === '@') return "is the single character '@'" // rule 9
  if (name.endsWith('.')) return "ends with '.'" // rule 7
  const components = name.split('/')
  if (components.length < 2) return "has no '/' (one level only)" // rule 2
  for (const c of components) {
    if (c === '') return "begins or ends with '/', or has '//'" // rule 6
    if (c.startsWith('.')) return "has a component beginning with '.'" // rule 1
    if (c.endsWith('.lock')) return "has a component ending with '.lock'" // rule 1
  }
  if (name.includes('..')) return "contains '..'" // rule 3
  if (name.includes('@{')) return "contains '@{'" // rule 8
  // rules 4, 5, 10: control characters (and DEL), space, ~ ^ : ? * [ and backslash
  // biome-ignore lint/suspicious/noControlCharactersInRegex: git's check-ref-format refuses control characters
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'contains a control character, space, or one of ~ ^ : ? * [ \\'
  return undefined
}

const SAFE_REF = /^[A-Za-z0-9._/-]+$/
/** far beyond any real branch name; keeps every name printable in one report line */
const MAX_REF_LENGTH = 1024

/**
 * Why the gate refuses to let a push update `ref` (as git's report shows it), or undefined.
 * Like receive-pack's update(): only `refs/...`, and the part after `refs/` must pass
 * check-ref-format itself (so `refs/x` with one level below refs/ is refused too).
 */
export function refNameProblem(ref: string): string | undefined {
  if (!ref.startsWith('refs/')) return 'bot-bottle: only refs/... may be pushed'
  const broken = checkRefFormat(ref.slice('refs/'.length))
  if (broken) return `bot-bottle: not a valid ref name (git check-ref-format: it ${broken})`
  if (ref.length > MAX_REF_LENGTH) return `bot-bottle: ref names may be at most ${MAX_REF_LENGTH} characters long`
  if (!SAFE_REF.test(ref)) return 'bot-bottle: ref names may hold only letters, digits and . _ - /'
  return undefined
}
