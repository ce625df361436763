import type { Redactor } from '../transcript/redact.js'
import type { ContentFinding } from './decisions.js'
import { formatBytes, type GateLimits } from './limits.js'
import { protectedRule, type ProtectedPath } from '../config/protected-paths.js'
import { FETCHED_REFS, UPSTREAM_REFS, type PushObjects } from './push-objects.js'
import { ZERO_OID, type RefUpdate } from './receive-pack.js'
import { scanObjects, type ObjectScan } from './secret-scan.js'

/** What a push may not carry: protected paths, and secrets (the run's own and well-known token shapes). */
export interface ContentRules {
  protectedPaths: readonly ProtectedPath[]
  redactor: Redactor
}

/** The content verdict of a push: per update (by index) the reason it is refused, and what was found. */
export interface ContentVerdict {
  reasons: (string | undefined)[]
  findings: ContentFinding[][]
  /** bytes of new objects read (blobs, commits, tags), and how long the whole judgement took */
  scannedBytes: number
  ms: number
}

/** One changed entry of a commit's tree: `git diff-tree --raw` against a parent. */
interface TreeChange {
  path: string
  oldMode: string
  newMode: string
  newOid: string
  status: string
}

const LINK_MODES = new Set(['120000', '160000']) // symlink, gitlink (submodule)
const VERBS: Record<string, string> = { A: 'adds', D: 'deletes', M: 'changes', T: 'changes the type of' }
/** findings kept per ref in git.jsonl */
const MAX_FINDINGS = 50

const short = (oid: string) => oid.slice(0, 12)

/**
 * A path as the record shows it: printable ASCII, anything else as `\uXXXX` (the path is the
 * agent's text: it must not break a report line or hide what it is), a secret in it redacted.
 */
function shownPath(p: string, redactor: Redactor): string {
  const printable = p.replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const cut = printable.length > 300 ? `${printable.slice(0, 300)}…` : printable
  return redactor.redact(cut)
}

/** `git diff-tree --stdin --always -r -z` output: per input line, the commit, then its changes. */
function parseDiffTree(out: string): TreeChange[][] {
  const tokens = out.split('\0')
  const sections: TreeChange[][] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (/^[0-9a-f]{40,64}$/.test(t)) sections.push([])
    else if (t.startsWith(':')) {
      const [oldMode, newMode, , newOid, status] = t.slice(1).split(' ')
      sections.at(-1)?.push({ oldMode: oldMode!, newMode: newMode!, newOid: newOid!, status: status!.charAt(0), path: tokens[++i] ?? '' })
    }
  }
  return sections
}

/**
 * The changes each commit makes: against its only parent, every path its tree adds, changes
 * or deletes (mode changes included; no rename detection, so a rename is a delete and an add);
 * a root commit adds its whole tree; a merge changes every path where it differs from a parent,
 * unless it keeps that path as a `current` parent has it — one the push judges itself, or a tip
 * the upstream advertised (its branches and tags, or the other refs the push updates) now. What it took from any other
 * parent is a change: an old commit of the upstream as a parent would otherwise bring back a
 * workflow the upstream has since changed or removed, without a commit that changes it.
 */
async function commitChanges(
  objects: PushObjects,
  commits: readonly { oid: string; parents: string[] }[],
  current: ReadonlySet<string>
): Promise<Map<string, TreeChange[]>> {
  const lines = commits.flatMap(c => (c.parents.length ? c.parents.map(p => `${c.oid} ${p}`) : [c.oid]))
  const r = await objects.gitText(['diff-tree', '--stdin', '--always', '--root', '-r', '-z', '--no-renames'], `${lines.join('\n')}\n`)
  const sections = parseDiffTree(r)
  const changes = new Map<string, TreeChange[]>()
  let k = 0
  for (const c of commits) {
    const perParent = (c.parents.length ? c.parents : ['']).map(() => sections[k++] ?? [])
    if (perParent.length === 1) {
      changes.set(c.oid, perParent[0]!)
      continue
    }
    const byPath = new Map<string, TreeChange>()
    for (const list of perParent) for (const ch of list) if (!byPath.has(ch.path)) byPath.set(ch.path, ch)
    const keptFromCurrent = (p: string) => c.parents.some((parent, i) => current.has(parent) && !perParent[i]!.some(o => o.path === p))
    changes.set(
      c.oid,
      [...byPath.values()].filter(ch => !keptFromCurrent(ch.path))
    )
  }
  return changes
}

type ObjectTypes = Map<string, { type: string; size: number }>

/** Findings for the paths the new commits change: protected paths, and secrets in file names. Returns blob oid → where it was added. */
function pathFindings(changes: Map<string, TreeChange[]>, rules: ContentRules, found: ContentFinding[]): Map<string, { path: string; commit: string }> {
  const names = new Map<string, { path: string; commit: string }>()
  for (const [commit, list] of changes) {
    for (const ch of list) {
      if (!ZERO_OID.test(ch.newOid)) names.set(ch.newOid, { path: ch.path, commit })
      const rule = protectedRule(rules.protectedPaths, ch.path, LINK_MODES.has(ch.oldMode) || LINK_MODES.has(ch.newMode))
      const verb = ch.status === 'M' && ch.oldMode !== ch.newMode ? 'changes the mode of' : (VERBS[ch.status] ?? 'changes')
      if (rule) found.push({ check: 'protected-path', where: shownPath(ch.path, rules.redactor), rule, commit, change: verb })
      const inName = rules.redactor.kindsIn(ch.path)
      if (inName.length) found.push({ check: 'secret', where: `a file name in commit ${short(commit)}`, kinds: inName, commit })
    }
  }
  return names
}

/**
 * Scans the objects of `types` not scanned yet (trees excepted: their names are judged as
 * paths) and adds a finding for each that holds a secret. False when the push's new objects
 * come to more than the gate scans.
 */
async function secretFindings(
  ctx: { objects: PushObjects; rules: ContentRules; limits: GateLimits; scanned: Map<string, ObjectScan>; verdict: ContentVerdict },
  types: ObjectTypes,
  where: (oid: string, type: string) => ContentFinding,
  found: ContentFinding[]
): Promise<boolean> {
  const toScan = [...types].filter(([oid, t]) => t.type !== 'tree' && !ctx.scanned.has(oid)).map(([oid]) => oid)
  ctx.verdict.scannedBytes += toScan.reduce((n, oid) => n + types.get(oid)!.size, 0)
  if (ctx.verdict.scannedBytes > ctx.limits.maxScanBytes) return false
  for (const s of await scanObjects(ctx.objects.gitDir, ctx.objects.env(), toScan, ctx.rules.redactor, ctx.limits.scanTimeoutMs)) ctx.scanned.set(s.oid, s)
  for (const [oid, t] of types) {
    const kinds = ctx.scanned.get(oid)?.kinds ?? []
    if (kinds.length) found.push({ ...where(oid, t.type), kinds })
  }
  return true
}

const TOO_MUCH = (limits: GateLimits) =>
  `bot-bottle: the push's new objects come to more than the gate scans for secrets (${formatBytes(limits.maxScanBytes)}); push less at once`

/**
 * Judges what a push's new objects carry, from the quarantine (never from bytes parsed by
 * hand): for each update, everything reachable from its new tip and not from the upstream's
 * branches and tags nor an old tip the upstream advertised (any other claimed old tip is judged
 * too). A protected path changed by any new commit, or a secret in any new blob, commit, tag,
 * file name or the ref name, refuses the update. Objects the pack
 * carries that no new tip reaches (the upstream would store them all the same, and serve them
 * by id) are scanned too, and refuse every update. Reasons name the path and the kind of
 * secret, never the value.
 */
export async function judgeContent(objects: PushObjects, updates: readonly RefUpdate[], rules: ContentRules, limits: GateLimits): Promise<ContentVerdict> {
  const started = Date.now()
  const verdict: ContentVerdict = { reasons: updates.map(() => undefined), findings: updates.map(() => []), scannedBytes: 0, ms: 0 }
  const done = () => {
    verdict.ms = Date.now() - started
    return verdict
  }
  const live = updates.map((u, i) => [u, i] as const).filter(([u]) => !ZERO_OID.test(u.new))
  if (objects.unreadable) {
    for (const [, i] of live) verdict.reasons[i] = `bot-bottle: the gate could not read the pushed objects (git index-pack: ${objects.unreadable})`
    return done()
  }
  const ctx = { objects, rules, limits, scanned: new Map<string, ObjectScan>(), verdict }
  // the tips the upstream advertised (its branches and tags, and the other refs the push updates)
  const advertised = await objects.gitText(['for-each-ref', '--format=%(objectname) %(*objectname)', FETCHED_REFS])
  const tips = new Set(advertised.split(/\s+/).filter(Boolean))
  // an old tip is the upstream's only when it advertised it: a claimed `old` that only the push's pack holds
  // could otherwise hide what its commits change (a workflow edit) behind an update from it
  const known = updates.map(u => u.old).filter(o => tips.has(o))
  const reached = new Set<string>()
  for (const [u, i] of live) {
    const found = verdict.findings[i]!
    const inRef = rules.redactor.kindsIn(u.ref)
    if (inRef.length) found.push({ check: 'secret', where: 'the ref name', kinds: inRef })
    const listed = (
      await objects.gitText([
        'rev-list',
        '--objects',
        '--no-object-names',
        '--parents',
        u.new,
        // after --not a `^` would flip back to "include": the known old tips go bare
        '--not',
        `--glob=${UPSTREAM_REFS}`,
        ...known
      ])
    )
      .split('\n')
      .filter(Boolean)
    const types = await objects.types(listed.map(l => l.split(' ')[0]!))
    for (const oid of types.keys()) reached.add(oid)
    // oldest first, so a refusal names the commit that first touched a path
    const commits = listed
      .map(l => l.split(' '))
      .filter(([oid]) => types.get(oid!)?.type === 'commit')
      .map(([oid, ...parents]) => ({ oid: oid!, parents }))
      .reverse()
    const current = new Set([...tips, ...commits.map(c => c.oid)])
    const names = pathFindings(await commitChanges(objects, commits, current), rules, found)
    const where = (oid: string, type: string): ContentFinding => {
      const named = names.get(oid)
      if (type !== 'blob') return { check: 'secret', where: `${type} ${short(oid)} (its message or headers)`, ...(type === 'commit' ? { commit: oid } : {}) }
      return named
        ? { check: 'secret', where: `${shownPath(named.path, rules.redactor)} (commit ${short(named.commit)})`, commit: named.commit }
        : { check: 'secret', where: `blob ${short(oid)}` }
    }
    verdict.reasons[i] = (await secretFindings(ctx, types, where, found)) ? reasonOf(found) : TOO_MUCH(limits)
  }
  // what the pack carries beyond the new tips' reach, and the upstream does not have yet
  const unreached = await objects.packOnly([...reached])
  const extra: ContentFinding[] = []
  const scannedAll = await secretFindings(
    ctx,
    unreached,
    (oid, type) => ({ check: 'secret', where: `${type} ${short(oid)}, sent in the pack though no pushed ref reaches it` }),
    extra
  )
  for (const [, i] of live) {
    verdict.findings[i]!.push(...extra)
    if (!scannedAll) verdict.reasons[i] ??= TOO_MUCH(limits)
    else if (extra.length) verdict.reasons[i] = reasonOf(verdict.findings[i]!)
    verdict.findings[i]!.splice(MAX_FINDINGS)
  }
  return done()
}

/** The refusal git's report shows for one ref: the first finding of each check, and how many more. */
function reasonOf(found: readonly ContentFinding[]): string | undefined {
  if (!found.length) return undefined
  const say = (f: ContentFinding) =>
    f.check === 'protected-path'
      ? `${f.where} is protected (git-protected-paths: ${f.rule}) and commit ${short(f.commit ?? '')} ${f.change} it`
      : `${f.where} holds a secret (${f.kinds!.join(', ')}); secrets may not be pushed`
  const firsts = [found.find(f => f.check === 'protected-path'), found.find(f => f.check === 'secret')].filter(f => f !== undefined)
  const more = found.length - firsts.length
  return `bot-bottle: ${firsts.map(say).join('; ')}${more > 0 ? `; and ${more} more (see git.jsonl)` : ''}`
}
