/**
 * The 512-byte tar header (POSIX ustar, with pax `x` records for what ustar cannot hold), the
 * part both directions share: the writer builds headers for what goes into the bottle, the
 * reader parses the headers of what the bottle sends back.
 */
export const BLOCK = 512

/** Entry types by their typeflag byte: only these are told apart; anything else is 'other'. */
export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'other'

export function typeOf(flag: string): TarType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file'
    case '5':
      return 'dir'
    case '2':
      return 'symlink'
    case '1':
      return 'hardlink'
    case 'x':
      return 'pax'
    case 'g':
      return 'pax-global'
    case 'L':
      return 'gnu-longname'
    case 'K':
      return 'gnu-longlink'
    default:
      return 'other'
  }
}

const FLAGS: Partial<Record<TarType, string>> = { file: '0', dir: '5', symlink: '2', pax: 'x' }

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

export interface HeaderFields {
  name: string
  type: 'file' | 'dir' | 'symlink' | 'pax'
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  linkname?: string
}

/** A ustar header; the caller has made sure name and linkname fit (else it writes a pax record first). */
export function encodeHeader(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(h.name, 0, 100, 'utf8')
  b.write(octal(h.mode & 0o7777, 8), 100, 'ascii')
  b.write(octal(h.uid, 8), 108, 'ascii')
  b.write(octal(h.gid, 8), 116, 'ascii')
  b.write(octal(h.size, 12), 124, 'ascii')
  b.write(octal(Math.floor(h.mtime), 12), 136, 'ascii')
  b.write('        ', 148, 'ascii') // the checksum counts itself as spaces
  b.write(FLAGS[h.type]!, 156, 'ascii')
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf8')
  b.write('ustar\x0000', 257, 'binary')
  let sum = 0
  for (const byte of b) sum += byte
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return b
}

/** Whether a name or link target fits its ustar field as it is (else a pax record carries it). */
export function fitsUstar(value: string): boolean {
  return Buffer.byteLength(value, 'utf8') <= 100
}

/** One pax record `"<len> <key>=<value>\n"`, its length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  const bodyLen = Buffer.byteLength(body, 'utf8')
  let len = bodyLen + String(bodyLen).length
  while (bodyLen + String(len).length !== len) len = bodyLen + String(len).length
  return `${len}${body}`
}

export interface ParsedHeader {
  name: string
  type: TarType
  mode: number
  size: number
  linkname: string
}

function cString(b: Buffer, start: number, len: number): string {
  const end = b.indexOf(0, start)
  return b.toString('utf8', start, end === -1 || end > start + len ? start + len : end)
}

function parseNumber(b: Buffer, start: number, len: number): number {
  if (b[start]! & 0x80) {
    // base-256 (GNU), for sizes past 8 GiB: big-endian in the remaining bytes
    let n = 0
    for (let i = start + 1; i < start + len; i++) n = n * 256 + b[i]!
    return n
  }
  const text = cString(b, start, len).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: a header field is not octal ('${text.slice(0, 20)}')`)
  return Number.parseInt(text, 8)
}

/** Parses one header block; undefined for an all-zero block (the archive's end). Throws on a bad checksum. */
export function parseHeader(b: Buffer): ParsedHeader | undefined {
  if (b.every(byte => byte === 0)) return undefined
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!
  if (parseNumber(b, 148, 8) !== sum) throw new Error('tar: a header checksum does not match')
  let name = cString(b, 0, 100)
  if (b.toString('binary', 257, 262) === 'ustar') {
    const prefix = cString(b, 345, 155)
    if (prefix) name = `${prefix}/${name}`
  }
  return {
    name,
    type: typeOf(String.fromCharCode(b[156]!)),
    mode: parseNumber(b, 100, 8),
    size: parseNumber(b, 124, 12),
    linkname: cString(b, 157, 100)
  }
}

/** The key=value pairs of a pax record block. */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  let i = 0
  while (i < data.length) {
    const space = data.indexOf(0x20, i)
    if (space === -1) break
    const len = Number(data.toString('ascii', i, space))
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) throw new Error('tar: a pax record is malformed')
    const record = data.toString('utf8', space + 1, i + len - 1)
    const eq = record.indexOf('=')
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1))
    i += len
  }
  return out
}
