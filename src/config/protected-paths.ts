/**
 * Paths a push may not add, change or delete (`git-protected-paths`), matched the way a
 * downstream checkout would see them rather than byte for byte: a checkout on a
 * case-insensitive file system (macOS, Windows) writes `.GitHub/Workflows/x.yml` into
 * `.github/workflows`, HFS+ ignores some invisible code points and folds Unicode forms, NTFS
 * drops trailing dots and spaces, reads `name:stream` as `name`, answers to 8.3 short names
 * (`GITHUB~1`) and takes a backslash as a separator. So both sides are compared in a
 * canonical form that folds all of these; a symlink or submodule (gitlink) at a directory a
 * protected path lies under counts too, since a checkout would put it where the workflows are.
 */

/** Code points HFS+ ignores in names (git's own list for `.git`: utf8.c next_hfs_char). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g

/** One path component as a case-insensitive, HFS+ or NTFS file system would name it. */
export function canonicalComponent(c: string): string {
  let s = c.normalize('NFC').replace(HFS_IGNORED, '')
  const stream = s.indexOf(':') // NTFS: `name:stream` and `name::$INDEX_ALLOCATION` are `name`
  if (stream > 0) s = s.slice(0, stream)
  if (!/^[. ]*$/.test(s)) s = s.replace(/[. ]+$/, '') // NTFS: trailing dots and spaces are dropped
  return s.toLowerCase()
}

/**
 * A path's components in canonical form; `\` separates too (NTFS), and `.` and `..` are
 * resolved as a tool that joins the path would (git's fsck only warns about such tree entries).
 */
function components(p: string): string[] {
  const out: string[] = []
  for (const c of p.split(/[/\\]+/).map(canonicalComponent)) {
    if (c === '..') out.pop()
    else if (c !== '' && c !== '.') out.push(c)
  }
  return out
}

/** An 8.3 short name (`github~1`, `deploy~1.yml`): the start of the long name it may stand for. */
const SHORT_NAME = /^([^~.]{1,6})~[1-9][0-9]*(\.[^.]{0,3})?$/

function componentMatches(pattern: string, c: string): boolean {
  if (pattern.includes('*')) {
    const body = pattern
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')
    if (new RegExp(`^${body}$`, 's').test(c)) return true
  } else if (pattern === c) return true
  const short = SHORT_NAME.exec(c)
  // NTFS makes a short name from the long one without leading dots, spaces and other dots
  return short !== null && !pattern.startsWith('*') && pattern.replace(/^\.+/, '').replace(/[ .]/g, '').startsWith(short[1]!)
}

/**
 * Whether pattern components `p` (from `i`) match path components `s` (from `j`); `**`
 * spans zero or more components. With `prefix`, a path that ends where the pattern still
 * goes on matches too: something at that path may hold what the pattern protects.
 */
function matches(p: string[], i: number, s: string[], j: number, prefix: boolean): boolean {
  if (i === p.length) return j === s.length
  if (p[i] === '**') return matches(p, i + 1, s, j, prefix) || (j < s.length && matches(p, i, s, j + 1, prefix))
  if (j === s.length) return prefix
  return componentMatches(p[i]!, s[j]!) && matches(p, i + 1, s, j + 1, prefix)
}

/** A protected-path rule, as the user wrote it and in canonical components. */
export interface ProtectedPath {
  rule: string
  components: string[]
}

/**
 * The rule a changed tree entry falls under, if any. `link` says the entry is (or was) a
 * symlink or a submodule: then it is protected also when a protected path lies below it.
 */
export function protectedRule(rules: readonly ProtectedPath[], path: string, link: boolean): string | undefined {
  const s = components(path)
  return rules.find(r => matches(r.components, 0, s, 0, link))?.rule
}
