import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { FIGURES_FILE, type RunFigures } from './figures.js'
import { openGuestFile, walkGuestTree, type SkippedEntry } from './guest-files.js'
import type { Redactor } from './redact.js'
import { CLAUDE_CONFIG_DIR, PROMPT_FILE, RECORD_FILES, RECORD_NOTES, WORKSPACE_CHANGES_RECORD } from './record-files.js'
import { readReportModel, REPORT_TEXT_BUDGET, type ReportModel } from './report-model.js'
import { isDiskFault } from './record-sink.js'
import { writeReport } from './report.js'
import { readRegularFile } from '../util/no-follow.js'
import type { PhaseRecord } from './phase-clock.js'

export { RECORD_FILES }

/** Bounds on what the agent's own session files may add to the artifact. */
const SESSION_LIMITS = { maxDepth: 8, maxFiles: 1000, maxBytes: 256 * 1024 * 1024 }

/** The index of the agent's session files in the artifact: generated name → the agent's name, and what was left out. */
export const SESSIONS_INDEX = 'sessions.json'

export interface Collected {
  dir: string
  files: string[]
  /** records and session entries left out, with why (names redacted) */
  skipped: SkippedEntry[]
  /** what the report shows (the job summary reuses it) */
  model: ReportModel
}

/** The parsed lines of a JSON-lines file (missing file: none; unparsable lines skipped). */
export function jsonLines(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap(l => {
      try {
        return l ? [JSON.parse(l) as Record<string, unknown>] : []
      } catch {
        return []
      }
    })
}

/** A host-owned text file of the state dir, or '' (read without following a link all the same). */
function readHostText(file: string): string {
  return readRegularFile(file)?.toString('utf8') ?? ''
}

/** Copies one open file through the redactor; on failure removes the partial copy and says why (a full disk throws: see collectRecords). */
async function copyRedacted(fd: number, to: string, redactor: Redactor): Promise<string | undefined> {
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 })
    await pipeline(fs.createReadStream('', { fd }), redactor.stream(), fs.createWriteStream(to, { mode: 0o600 }))
    return undefined
  } catch (err) {
    fs.rmSync(to, { force: true })
    if (isDiskFault(err)) throw err
    return `copy failed (${(err as NodeJS.ErrnoException).code ?? String(err)})`
  }
}

/**
 * claude's session transcripts (every .jsonl under its config dir's projects/, which the agent
 * can write) copied as sessions/NNN.jsonl: never under the agent's names, never through its
 * links, each file on its own so one it spoiled does not take the others down.
 */
async function collectSessions(stateDir: string, dir: string, redactor: Redactor): Promise<{ files: string[]; skipped: SkippedEntry[] }> {
  const root = path.join(stateDir, CLAUDE_CONFIG_DIR, 'projects')
  const walked = walkGuestTree(root, 'projects', name => name.endsWith('.jsonl'), SESSION_LIMITS)
  const skipped = [...walked.skipped]
  const index: { file: string; source: string; bytes: number }[] = []
  const files: string[] = []
  let bytes = 0
  for (const found of walked.files) {
    const opened = openGuestFile(found.hostPath)
    if ('reason' in opened) {
      skipped.push({ source: found.source, reason: opened.reason })
      continue
    }
    if (bytes + opened.size > SESSION_LIMITS.maxBytes) {
      fs.closeSync(opened.fd)
      skipped.push({ source: found.source, reason: `over the ${SESSION_LIMITS.maxBytes} byte budget for session files (${opened.size} bytes)` })
      continue
    }
    const name = `sessions/${String(index.length + 1).padStart(3, '0')}.jsonl`
    const failed = await copyRedacted(opened.fd, path.join(dir, name), redactor)
    if (failed) {
      skipped.push({ source: found.source, reason: failed })
      continue
    }
    bytes += opened.size
    index.push({ file: name, source: found.source, bytes: opened.size })
    files.push(path.join(dir, name))
  }
  const redactedSkips = skipped.map(s => redactor.redactDeep(s))
  const indexFile = path.join(dir, SESSIONS_INDEX)
  fs.writeFileSync(indexFile, `${JSON.stringify(redactor.redactDeep({ sessions: index, skipped: redactedSkips }), null, 2)}\n`, { mode: 0o600 })
  return { files: [...files, indexFile], skipped: redactedSkips }
}

/**
 * Builds the artifact's contents in `<stateDir>/artifact/`: every host-owned record passed
 * through the streaming redactor, claude's session transcripts under sessions/, and
 * report.html made from the redacted stream. Works from whatever the main step left, also
 * after a crash; whatever the agent did to its session files, the host's records are there.
 * When the state dir's disk is full (the agent can fill it), the artifact is built in the
 * system's temp dir instead, and `onNote` says so.
 */
/** What main (and the post step so far) recorded beside the records. */
export interface RecordMeta {
  conclusion: string
  figures?: RunFigures
  phases?: PhaseRecord
}

export async function collectRecords(
  stateDir: string,
  redactor: Redactor,
  meta: RecordMeta,
  onNote: (line: string) => void = () => undefined
): Promise<Collected> {
  const preferred = path.join(stateDir, 'artifact')
  try {
    return await buildArtifact(stateDir, preferred, redactor, meta)
  } catch (err) {
    if (!isDiskFault(err)) throw err
    fs.rmSync(preferred, { recursive: true, force: true })
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-bottle-artifact-'))
    onNote(`The disk under the state dir is full (${err.code}): the artifact is built in ${elsewhere} instead`)
    return await buildArtifact(stateDir, elsewhere, redactor, meta)
  }
}

async function buildArtifact(stateDir: string, dir: string, redactor: Redactor, meta: RecordMeta): Promise<Collected> {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { mode: 0o700 })
  const files: string[] = []
  // what main cut at a cap, as it noted it
  const skipped: SkippedEntry[] = (readHostJson<SkippedEntry[]>(path.join(stateDir, RECORD_NOTES)) ?? []).map(n => ({
    source: String(n.source),
    reason: String(n.reason)
  }))
  for (const f of RECORD_FILES) {
    const opened = openGuestFile(path.join(stateDir, f))
    if ('reason' in opened) {
      if (!opened.reason.includes('ENOENT')) skipped.push({ source: f, reason: opened.reason })
      continue
    }
    const failed = await copyRedacted(opened.fd, path.join(dir, f), redactor)
    if (failed) skipped.push({ source: f, reason: failed })
    else files.push(path.join(dir, f))
  }
  const sessions = await collectSessions(stateDir, dir, redactor)
  files.push(...sessions.files)
  skipped.push(...sessions.skipped)

  const report = path.join(dir, 'report.html')
  const model = await readReportModel(path.join(dir, 'stream.jsonl'))
  if (model.dropped)
    skipped.push({
      source: 'report.html',
      reason:
        `${model.dropped} events of the conversation are left out of the report (over its ${REPORT_TEXT_BUDGET}-character budget); ` +
        'stream.jsonl has them all'
    })
  writeReport(
    report,
    redactor.redactDeep({
      model,
      conclusion: meta.conclusion,
      prompt: readHostText(path.join(stateDir, PROMPT_FILE)),
      systemPrompt: readHostText(path.join(stateDir, 'system-prompt.txt')),
      figures: meta.figures,
      phases: meta.phases,
      skipped,
      egress: jsonLines(path.join(dir, 'egress.jsonl')),
      git: jsonLines(path.join(dir, 'git.jsonl')),
      github: jsonLines(path.join(dir, 'github.jsonl')),
      workspace: jsonLines(path.join(dir, WORKSPACE_CHANGES_RECORD))
    }),
    redactor
  )
  files.push(report)
  return { dir, files, skipped, model }
}

/** A JSON record main wrote in the state dir, or undefined (main did not get that far). */
export function readHostJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readHostText(file)) as T
  } catch {
    return undefined
  }
}

/** The figures main wrote (figures.json), if it got that far. */
export function readFigures(stateDir: string): RunFigures | undefined {
  return readHostJson<RunFigures>(path.join(stateDir, FIGURES_FILE))
}
