import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { execInto } from '../backend/exec-into.js'
import type { Backend } from '../backend/types.js'
import type { Manifest } from './manifest.js'
import type { WorkspacePolicy } from '../config/workspace-policy.js'
import type { ProtectedPath } from '../config/protected-paths.js'
import type { Redactor } from '../transcript/redact.js'
import { WORKSPACE_CHANGES_RECORD, WORKSPACE_PATCH_RECORD } from '../transcript/record-files.js'
import { errorMessage } from '../util/errors.js'
import { ApplyRefused, makeDirectory, removeEntry, sameAsRunner, workspaceTarget, writeFile } from './apply.js'
import { type Change, changesOf } from './changes.js'
import { fetchFiles, type Fetched } from './fetch.js'
import { gitShapedDirs, refusal } from './judge.js'
import { ListingParser, listingArgv, listingProbeArgv } from './listing.js'
import { foldUnder, pathsUnder } from './fold.js'
import { type PatchEntry, writePatch } from './patch.js'

/**
 * The one way the agent's file changes come back to the runner. After claude stops (and every
 * guest process with it), the bottle's tree is listed, compared with what was copied in, each
 * change judged (door rules, then the bytes: secrets, caps), and what passes is written into the
 * runner's workspace (`apply`) or only described as a patch (`patch`). Every path's fate goes to
 * workspace-changes.jsonl; each refused one is also named in the log.
 */

export const WORKSPACE_CHANGES_FILE = WORKSPACE_CHANGES_RECORD
export const WORKSPACE_PATCH_FILE = WORKSPACE_PATCH_RECORD

export interface DoorDecision {
  path: string
  change: Change['change']
  verdict: 'applied' | 'patched' | 'refused'
  reason?: string
}

export interface DoorResult {
  decisions: DoorDecision[]
  refused: number
  accepted: number
  /** the patch of the accepted changes, in the state dir (undefined: nothing changed) */
  patchFile?: string
}

/** What the door did, and in which mode (the run's outputs read it). */
export interface DoorOutcome extends DoorResult {
  mode: WorkspacePolicy['mode']
}

export interface DoorInput {
  backend: Backend
  bottle: string
  user: { uid: number; gid: number }
  stateDir: string
  manifest: Manifest
  policy: WorkspacePolicy
  protectedPaths: readonly ProtectedPath[]
  redactor: Redactor
}

/** The listing's bound: a guest cannot make the runner hold an unbounded tree in memory. */
const LISTING_MAX_BYTES = 256 * 1024 * 1024
const DOOR_TIMEOUT_MS = 10 * 60_000
/** Refused paths named one per log line; past this many (a guest's flood) the rest are counted (the record has them all). */
const LOGGED_REFUSALS = 5000

function hashFile(p: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')
}

const depth = (p: string) => p.split('/').length

/**
 * One exec, as the guest user: every process of the agent killed (nothing of it runs while its
 * tree is read: what is listed is what is fetched; kill(-1) spares the shell itself), the probe
 * that this find can list (see listingProbeArgv), then the listing.
 */
const LIST_SCRIPT = `kill -KILL -1 2>/dev/null; [ "$(${listingProbeArgv('"$1"').join(' ')})" = d ] || exit 97; shift; exec "$@"`
const PROBE_FAILED = 97

async function listBottle(input: DoorInput): Promise<Map<string, ReturnType<ListingParser['entries']['get']> & object>> {
  const parser = new ListingParser(LISTING_MAX_BYTES, input.manifest.entries.size + 2 * input.policy.maxFiles + 1000)
  const root = input.manifest.root
  const { code, broken, stderr } = await execInto(
    input.backend,
    input.bottle,
    ['sh', '-c', LIST_SCRIPT, 'sh', root, ...listingArgv(root)],
    { user: input.user, timeoutMs: DOOR_TIMEOUT_MS },
    chunk => parser.push(chunk)
  )
  if (code === PROBE_FAILED) {
    const said = stderr.trim().split('\n')[0]?.slice(0, 200)
    throw new Error(`the image's find cannot list it${said ? ` (${said})` : ''}; the workspace door needs GNU find and GNU tar in the image`)
  }
  if (broken) throw new Error(broken)
  parser.end()
  // find exits 1 when some directory could not be read: what it did list stands (the rest looks deleted, which the agent could do anyway)
  if (code !== 0 && code !== 1) throw new Error(`find in the bottle exited with ${code}`)
  return parser.entries
}

export async function runDoor(input: DoorInput): Promise<DoorResult> {
  const { policy, redactor } = input
  const decisions: DoorDecision[] = []
  const refuse = (c: Pick<Change, 'path' | 'change'>, reason: string) => decisions.push({ path: c.path, change: c.change, verdict: 'refused', reason })
  let listing: Awaited<ReturnType<typeof listBottle>>
  try {
    listing = await listBottle(input)
  } catch (err) {
    refuse({ path: '.', change: 'modified' }, `the bottle's tree could not be listed (${errorMessage(err)}): nothing comes back`)
    return finish(input, decisions, [])
  }
  const changes = changesOf(input.manifest, listing).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const ctx = {
    protectedPaths: input.protectedPaths,
    heldBack: input.manifest.heldBack,
    gitShaped: gitShapedDirs(listing),
    agentConfigFromBase: input.manifest.pullRequestConfig !== undefined
  }

  // the rules on names and kinds; then the caps, in path order
  const candidates: Change[] = []
  let bytes = 0
  for (const c of changes) {
    const why = refusal(c, ctx)
    if (why) refuse(c, why)
    else if (candidates.length >= policy.maxFiles) refuse(c, `over workspace-max-files (${policy.maxFiles} changed paths)`)
    else if (c.type === 'file' && c.change !== 'deleted' && bytes + (c.listed?.size ?? 0) > policy.maxBytes)
      refuse(c, `over workspace-max-mb (${Math.round(policy.maxBytes / 1048576)} MiB of changed files)`)
    else {
      if (c.type === 'file' && c.change !== 'deleted') bytes += c.listed?.size ?? 0
      candidates.push(c)
    }
  }

  // the bytes of the files, then what they hold
  const wanted = new Map(candidates.filter(c => c.type === 'file' && c.change !== 'deleted').map(c => [c.path, c.listed!.size] as const))
  const staging = path.join(input.stateDir, 'workspace-door')
  const { fetched, failed } = await fetchFiles(
    {
      backend: input.backend,
      bottle: input.bottle,
      root: input.manifest.root,
      user: input.user,
      stagingDir: path.join(staging, 'files'),
      redactor,
      timeoutMs: DOOR_TIMEOUT_MS
    },
    wanted
  )
  const ws = workspaceTarget(input.manifest.root)
  const accepted: { change: Change; file?: Fetched }[] = []
  for (const c of candidates) {
    if (!wanted.has(c.path)) {
      accepted.push({ change: c })
      continue
    }
    const file = fetched.get(c.path)
    if (!file) refuse(c, failed.get(c.path) ?? 'could not be read out of the bottle')
    else if (file.secrets.length) refuse(c, `holds a secret (${file.secrets.join(', ')}), as the git gate's scan finds them`)
    else if (c.change === 'modified' && c.old?.type === 'file' && sameAsRunner(ws, c.path, file.sha256, file.executable, hashFile))
      continue // touched, not changed
    else accepted.push({ change: c, file })
  }

  // the patch describes the accepted changes against the runner's files as they still are
  const patchEntries: PatchEntry[] = accepted
    .filter(a => a.change.type === 'file' || a.change.old?.type === 'file')
    .map(a => ({
      path: a.change.path,
      oldFile: a.change.old?.type === 'file' ? path.join(ws.root, a.change.path) : undefined,
      newFile: a.file?.staged,
      executable: a.file?.executable
    }))
  let patchFile: string | undefined
  try {
    const file = path.join(input.stateDir, WORKSPACE_PATCH_FILE)
    if (await writePatch(path.join(staging, 'patch'), patchEntries, file)) patchFile = file
  } catch (err) {
    core.warning(`workspace door: could not write the patch: ${errorMessage(err)}`)
  }

  if (policy.mode === 'patch') {
    for (const a of accepted) decisions.push({ path: a.change.path, change: a.change.change, verdict: 'patched' })
    return finish(input, decisions, [], patchFile)
  }
  // deletions (files first, then directories from the deepest), directories (from the shallowest), files
  const order = (a: (typeof accepted)[number]) => {
    const c = a.change
    if (c.change === 'deleted') return c.type === 'dir' ? 1e6 - depth(c.path) : 0
    return c.type === 'dir' ? 2e6 + depth(c.path) : 3e6
  }
  for (const a of [...accepted].sort((x, y) => order(x) - order(y))) {
    const c = a.change
    try {
      if (c.change === 'deleted') removeEntry(ws, c.path)
      else if (c.type === 'dir') makeDirectory(ws, c.path)
      else writeFile(ws, c.path, a.file!.staged, a.file!.executable)
      decisions.push({ path: c.path, change: c.change, verdict: 'applied' })
    } catch (err) {
      refuse(c, err instanceof ApplyRefused ? err.message : `could not be written on the runner (${errorMessage(err)})`)
    }
  }
  return finish(input, decisions, [staging], patchFile)
}

/** Writes the record and the log lines; removes the staging files. */
function finish(input: DoorInput, decisions: DoorDecision[], scratch: string[], patchFile?: string): DoorResult {
  const { redactor } = input
  const redacted = decisions.map(d => redactor.redactDeep(d))
  fs.writeFileSync(path.join(input.stateDir, WORKSPACE_CHANGES_FILE), redacted.map(d => `${JSON.stringify(d)}\n`).join(''), { mode: 0o600 })
  const refused = redacted.filter(d => d.verdict === 'refused')
  // every refused path named: first the top of each refused group (what the agent planted), then what lies under them
  const folded = foldUnder(refused)
  const lines = [...folded.map(f => ({ d: f.item, under: f.under.length })), ...folded.flatMap(f => f.under.map(d => ({ d, under: 0 })))]
  for (const { d, under } of lines.slice(0, LOGGED_REFUSALS)) {
    core.warning(`workspace door: refused ${JSON.stringify(d.path).slice(1, -1)}: ${d.reason}${under ? ` (and ${pathsUnder(under)}, named below)` : ''}`)
  }
  if (lines.length > LOGGED_REFUSALS)
    core.warning(`workspace door: ${lines.length - LOGGED_REFUSALS} more refused paths, not named here (see ${WORKSPACE_CHANGES_FILE})`)
  const accepted = decisions.length - refused.length
  const verb = input.policy.mode === 'patch' ? 'described in the patch' : 'written to the workspace'
  core.info(`workspace door: ${accepted} change(s) ${verb}, ${refused.length} refused`)
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true })
  return { decisions: redacted, refused: refused.length, accepted, patchFile }
}
