import { canonicalComponent } from '../config/protected-paths.js'

/**
 * Names git treats as its own directory, as any file system the runner may have would spell
 * them: `.git` in any case, with HFS+'s ignored code points or NTFS's trailing dots, spaces and
 * stream suffix (the canonical form folds all of these), and NTFS's short name `GIT~1`.
 */
export function isGitComponent(name: string): boolean {
  const c = canonicalComponent(name)
  return c === '.git' || /^git~[1-9][0-9]*$/.test(c)
}

/** Whether any component of a relative path is a git directory name. */
export function hasGitComponent(rel: string): boolean {
  return rel.split(/[/\\]+/).some(isGitComponent)
}

/**
 * What makes a directory a git directory to git's discovery (setup.c is_git_directory): a HEAD
 * with objects/ and refs/ beside it, or with a commondir that lends them. These names, and
 * what git also reads from such a directory, are refused where they would complete the shape.
 */
export const GIT_DIR_NAMES = new Set([
  'head',
  'objects',
  'refs',
  'commondir',
  'config',
  'config.worktree',
  'packed-refs',
  'hooks',
  'info',
  'index',
  'gitdir',
  'worktrees'
])

/** Whether a directory's entries (canonical names) make it a git directory. */
export function isGitShaped(names: ReadonlySet<string>): boolean {
  return names.has('head') && ((names.has('objects') && names.has('refs')) || names.has('commondir'))
}
