import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { MATCH_WINDOW, type Redactor } from '../transcript/redact.js'

/**
 * Line breaks a secret may be split at, with what commonly surrounds them: wrapped base64 or
 * hex (`base64` wraps at 76), string literals glued across lines (`"ghp_…" +\n "…"`, Python's
 * adjacent literals, PHP's `.`), and shell's backslash-newline.
 */
const LINE_GLUE = /(?:["'`][ \t]*[+.]?[ \t]*|\\)?\r?\n[ \t]*(?:[+.][ \t]*)?["'`]?/g

/** Text gathered before a scan: large enough that the overlap and each scan's fixed cost are small. */
const SCAN_BLOCK = 1024 * 1024

/**
 * The redactor's detectors over one object's bytes, in blocks of about SCAN_BLOCK characters:
 * each scan overlaps the previous by MATCH_WINDOW characters, so a match split between blocks
 * is seen whole, and memory stays bounded whatever the object's size. Each block is scanned
 * as it is and with its line breaks joined.
 */
export class SecretScanner {
  private readonly decoder = new StringDecoder('utf8')
  /** text not scanned yet, after the overlap kept from the last scan */
  private pending: string[] = []
  private pendingLength = 0
  private tail = ''
  readonly kinds = new Set<string>()

  constructor(private readonly redactor: Redactor) {}

  write(chunk: Buffer): void {
    const text = this.decoder.write(chunk)
    this.pending.push(text)
    this.pendingLength += text.length
    if (this.pendingLength >= SCAN_BLOCK) this.flush()
  }

  /** The kinds found, once the object is complete. */
  end(): string[] {
    this.pending.push(this.decoder.end())
    this.flush()
    return [...this.kinds]
  }

  private flush(): void {
    this.scan(this.tail + this.pending.join(''))
    this.pending = []
    this.pendingLength = 0
  }

  private scan(text: string): void {
    for (const k of this.redactor.kindsIn(text)) this.kinds.add(k)
    if (text.includes('\n')) for (const k of this.redactor.kindsIn(text.replace(LINE_GLUE, ''))) this.kinds.add(k)
    // enough to see whole, in the next window, a match that begins here
    this.tail = text.slice(-MATCH_WINDOW)
  }
}

/** What `git cat-file --batch` found in one object. */
export interface ObjectScan {
  oid: string
  type: string
  size: number
  kinds: string[]
}

/**
 * Streams the objects `oids` out of git (`cat-file --batch`: a `<oid> <type> <size>` line,
 * the content, a newline, per object) through a SecretScanner each, never holding more than
 * a chunk and the scanner's window. `git` spawns git with the gate's environment.
 */
export function scanObjects(gitDir: string, env: NodeJS.ProcessEnv, oids: readonly string[], redactor: Redactor, timeoutMs: number): Promise<ObjectScan[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'], env })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const results: ObjectScan[] = []
    let header = Buffer.alloc(0)
    let current: { scan: ObjectScan; scanner: SecretScanner; left: number } | undefined
    let skipNewline = false
    let stderr = ''
    const fail = (why: string) => {
      child.kill('SIGKILL')
      reject(new Error(why))
    }
    child.stdout.on('data', (chunk: Buffer) => {
      let buf = chunk
      while (buf.length) {
        if (current) {
          const take = buf.subarray(0, current.left)
          current.scanner.write(take)
          current.left -= take.length
          buf = buf.subarray(take.length)
          if (current.left === 0) {
            current.scan.kinds = current.scanner.end()
            results.push(current.scan)
            current = undefined
            skipNewline = true
          }
          continue
        }
        if (skipNewline) {
          buf = buf.subarray(1) // the newline after each object's content
          skipNewline = false
          continue
        }
        const nl = buf.indexOf(0x0a)
        if (nl < 0) {
          header = Buffer.concat([header, buf])
          if (header.length > 200) return fail('git cat-file: malformed header')
          return
        }
        const line = Buffer.concat([header, buf.subarray(0, nl)]).toString('latin1')
        header = Buffer.alloc(0)
        buf = buf.subarray(nl + 1)
        const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(line)
        if (!m) return fail(`git cat-file: ${line.slice(0, 120)}`) // e.g. `<oid> missing`
        current = { scan: { oid: m[1]!, type: m[2]!, size: Number(m[3]), kinds: [] }, scanner: new SecretScanner(redactor), left: Number(m[3]) }
        if (current.left === 0) {
          results.push(current.scan)
          current = undefined
          skipNewline = true
        }
      }
    })
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)))
    child.on('error', err => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', code => {
      clearTimeout(timer)
      if (code !== 0 || results.length !== oids.length)
        reject(new Error(`git cat-file --batch ended early (exit ${code}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''})`))
      else resolve(results)
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(oids.map(o => `${o}\n`).join(''))
  })
}
