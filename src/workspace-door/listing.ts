/**
 * The bottle's tree as the guest lists it after the run: hostile data. Each entry is three
 * NUL-terminated fields (NUL is the one byte no path holds): `type mode nlink size mtime`, the
 * path, the link target. Parsed as it arrives, bounded in bytes; a malformed record ends the
 * listing with an error (the door then brings nothing back).
 */

export type ListedType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device' | 'other'

export interface ListedEntry {
  type: ListedType
  mode: number
  nlink: number
  size: number
  /** whole seconds, and whether the time has a fraction (a copied file has none) */
  mtime: number
  mtimeFraction: boolean
  target: string
}

/**
 * find(1) in the guest's copy: the bottle's own `.git` is not listed (commits leave by the git
 * gate); any other directory named `.git` (any case) is listed but not entered.
 */
export function listingArgv(root: string): string[] {
  const fmt = '%y %m %n %s %T@\\0%P\\0%l\\0'
  return [
    'find',
    root,
    '-mindepth',
    '1',
    '(',
    '-path',
    `${root}/.git`,
    '-prune',
    ')',
    '-o',
    '(',
    '-iname',
    '.git',
    '-printf',
    fmt,
    '-prune',
    ')',
    '-o',
    '-printf',
    fmt
  ]
}

/**
 * find(1) asked to print the root's own type: `d` and exit 0 when this find can list the tree.
 * busybox's find has no -printf: it exits 1 with nothing listed, the exit code of a find that
 * only could not read some directory; without this check every file would look deleted.
 */
export function listingProbeArgv(root: string): string[] {
  return ['find', root, '-maxdepth', '0', '-printf', '%y']
}

const TYPES: Record<string, ListedType> = { f: 'file', d: 'dir', l: 'symlink', p: 'fifo', s: 'socket', c: 'device', b: 'device' }
const HEAD = /^([a-zA-Z]) ([0-7]{1,6}) (\d{1,10}) (\d{1,19}) (\d{1,19})(?:\.(\d{1,10}))?$/

export class ListingParser {
  readonly entries = new Map<string, ListedEntry>()
  private fields: string[] = []
  private partial: Buffer[] = []
  private bytes = 0

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length
    if (this.bytes > this.maxBytes) throw new Error(`the listing is larger than ${this.maxBytes} bytes`)
    let start = 0
    for (let nul = chunk.indexOf(0, start); nul !== -1; nul = chunk.indexOf(0, start)) {
      this.partial.push(chunk.subarray(start, nul))
      this.field(Buffer.concat(this.partial).toString('utf8'))
      this.partial = []
      start = nul + 1
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start))
  }

  end(): void {
    if (this.partial.length || this.fields.length) throw new Error('the listing ends inside a record')
  }

  private field(text: string): void {
    this.fields.push(text)
    if (this.fields.length < 3) return
    const [head, rel, target] = this.fields as [string, string, string]
    this.fields = []
    const m = HEAD.exec(head)
    if (!m || rel === '' || rel.startsWith('/') || this.entries.has(rel)) throw new Error('the listing holds a malformed record')
    if (this.entries.size >= this.maxEntries) throw new Error(`the listing holds more than ${this.maxEntries} entries`)
    this.entries.set(rel, {
      type: TYPES[m[1]!] ?? 'other',
      mode: Number.parseInt(m[2]!, 8),
      nlink: Number(m[3]),
      size: Number(m[4]),
      mtime: Number(m[5]),
      mtimeFraction: /[1-9]/.test(m[6] ?? ''),
      target
    })
  }
}
