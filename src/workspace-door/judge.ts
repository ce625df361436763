import { AGENT_CONFIG_PATHS } from './agent-config-paths.js'
import { canonicalComponent, type ProtectedPath, protectedRule } from '../config/protected-paths.js'
import type { Change } from './changes.js'
import { GIT_DIR_NAMES, isGitComponent, isGitShaped } from './git-names.js'
import type { ListedEntry } from './listing.js'

/**
 * Why the door refuses one change, judged on the path and the kind of entry alone (before any
 * byte is read): what git would read as its own, what is not a regular file or directory, what
 * the run's rules protect, what was held back from the bottle. Content (secrets, size) is
 * judged once the bytes are in (door.ts).
 */

export interface JudgeContext {
  protectedPaths: readonly ProtectedPath[]
  /** paths kept out of the bottle, never written or deleted (and everything under them) */
  heldBack: ReadonlyMap<string, string>
  /** directories (relative, '' = root) the bottle's tree makes git-shaped */
  gitShaped: ReadonlySet<string>
  /** the workspace's agent configuration came from the pull request's base: no change to it comes back */
  agentConfigFromBase?: boolean
}

/** The agent configuration's names, as a case-insensitive file system reads them. */
const AGENT_CONFIG = new Set(AGENT_CONFIG_PATHS.map(canonicalComponent))

/** The longest relative path the door writes: far beyond real trees, short of every file system's limit. */
export const MAX_PATH_BYTES = 4000

function pathProblem(p: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a name with control characters never comes back
  if (/[\x00-\x1f\x7f]/.test(p)) return 'the name holds a control character'
  if (Buffer.byteLength(p, 'utf8') > MAX_PATH_BYTES) return `the path is longer than ${MAX_PATH_BYTES} bytes`
  const parts = p.split('/')
  if (p.startsWith('/') || parts.some(c => c === '' || c === '.' || c === '..')) return 'not a plain relative path'
  if (parts.some(c => Buffer.byteLength(c, 'utf8') > 255)) return 'a name is longer than 255 bytes'
  return undefined
}

function typeProblem(c: Change): string | undefined {
  if (c.change === 'deleted') return undefined
  switch (c.type) {
    case 'file':
      return c.listed && c.listed.nlink > 1 ? 'a hard link' : undefined
    case 'dir':
      return undefined
    case 'symlink':
      return 'a symbolic link'
    case 'fifo':
      return 'a FIFO'
    case 'socket':
      return 'a socket'
    case 'device':
      return 'a device'
    default:
      return 'not a regular file or directory'
  }
}

function heldBackBy(p: string, heldBack: ReadonlyMap<string, string>): string | undefined {
  for (const [held, why] of heldBack) if (p === held || p.startsWith(`${held}/`) || held === '') return `${held || 'the workspace'}: ${why}`
  return undefined
}

/** The git-shaped directory a path would add git's own files to, if any. */
function gitShapeBy(p: string, gitShaped: ReadonlySet<string>): string | undefined {
  const parts = p.split('/')
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/')
    if (gitShaped.has(dir) && GIT_DIR_NAMES.has(canonicalComponent(parts[i]!))) return dir || '.'
  }
  return undefined
}

export function refusal(c: Change, ctx: JudgeContext): string | undefined {
  const bad = pathProblem(c.path)
  if (bad) return bad
  if (c.path.split('/').some(isGitComponent)) return 'a .git path (git would read it as its own)'
  const type = typeProblem(c)
  if (type) return type
  if (ctx.agentConfigFromBase && c.path.split('/').some(part => AGENT_CONFIG.has(canonicalComponent(part))))
    return "the agent configuration the bottle took from the pull request's base (agent-config-from-base): no change to it comes back"
  const held = heldBackBy(c.path, ctx.heldBack)
  if (held) return `held back from the bottle (${held})`
  const shape = gitShapeBy(c.path, ctx.gitShaped)
  if (shape) return `would make ${shape} a git directory (HEAD with objects/ and refs/, or commondir)`
  // as for a push: rules judge files and links (a directory on its own carries nothing a checkout would run)
  const link = c.type === 'symlink' || c.old?.type === 'symlink'
  const rule = c.type === 'dir' && c.change !== 'deleted' ? undefined : protectedRule(ctx.protectedPaths, c.path, link)
  if (rule) return `a protected path (git-protected-paths: ${rule})`
  return undefined
}

/** The directories of the bottle's tree (and its root, '') that git would take for a git directory. */
export function gitShapedDirs(listing: ReadonlyMap<string, ListedEntry>): Set<string> {
  const children = new Map<string, Set<string>>()
  for (const p of listing.keys()) {
    const slash = p.lastIndexOf('/')
    const dir = slash === -1 ? '' : p.slice(0, slash)
    const names = children.get(dir) ?? new Set<string>()
    children.set(dir, names)
    names.add(canonicalComponent(p.slice(slash + 1)))
  }
  return new Set([...children].filter(([, names]) => isGitShaped(names)).map(([dir]) => dir))
}
