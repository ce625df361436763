import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Redactor } from './redact.js'
import { readReportModel } from './report-model.js'
import { writeReport } from './report.js'

/** The run's own records in the state dir, uploaded when present. */
export const RECORD_FILES = ['stream.jsonl', 'stderr.log', 'egress.jsonl', 'git.jsonl', 'outputs.json'] as const

export interface Collected {
  dir: string
  files: string[]
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

/** claude's own session transcripts: every .jsonl under its config dir's projects/. */
function sessionFiles(stateDir: string): string[] {
  const projects = path.join(stateDir, 'claude-config', 'projects')
  if (!fs.existsSync(projects)) return []
  return fs
    .readdirSync(projects, { recursive: true, withFileTypes: true })
    .filter(d => d.isFile() && d.name.endsWith('.jsonl'))
    .map(d => path.join(d.parentPath, d.name))
}

/**
 * Builds the artifact's contents in `<stateDir>/artifact/`: every record passed through the
 * streaming redactor, claude's session transcripts under sessions/, and report.html made from
 * the redacted stream. Works from whatever the main step left, also after a crash.
 */
export async function collectRecords(stateDir: string, redactor: Redactor, meta: { conclusion: string; prompt: string }): Promise<Collected> {
  const dir = path.join(stateDir, 'artifact')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { mode: 0o700 })
  const copies: [string, string][] = RECORD_FILES.map(f => [path.join(stateDir, f), path.join(dir, f)])
  const projects = path.join(stateDir, 'claude-config', 'projects')
  for (const s of sessionFiles(stateDir)) copies.push([s, path.join(dir, 'sessions', path.relative(projects, s))])

  const files: string[] = []
  for (const [from, to] of copies) {
    if (!fs.existsSync(from)) continue
    fs.mkdirSync(path.dirname(to), { recursive: true })
    await pipeline(fs.createReadStream(from), redactor.stream(), fs.createWriteStream(to, { mode: 0o600 }))
    files.push(to)
  }

  const systemPromptFile = path.join(stateDir, 'system-prompt.txt')
  const report = path.join(dir, 'report.html')
  writeReport(report, {
    model: await readReportModel(path.join(dir, 'stream.jsonl')),
    conclusion: meta.conclusion,
    prompt: redactor.redact(meta.prompt),
    systemPrompt: fs.existsSync(systemPromptFile) ? redactor.redact(fs.readFileSync(systemPromptFile, 'utf8')) : '',
    egress: jsonLines(path.join(dir, 'egress.jsonl')),
    git: jsonLines(path.join(dir, 'git.jsonl'))
  })
  files.push(report)
  return { dir, files }
}
