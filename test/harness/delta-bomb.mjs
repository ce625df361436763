// A git pack (format v2, git's Documentation/gitformat-pack.txt) whose objects inflate far beyond
// its size: a small blob, then OFS_DELTA objects each copying its base many times over (a copy
// instruction with no size bytes copies 0x10000 bytes; with one size byte, up to 0xff0000).
// Each delta object ends with an insert of its own index, so every object differs. Built by hand
// because git itself never writes such a pack; the gate must index it with real git.
import crypto from 'node:crypto'
import zlib from 'node:zlib'

/** git's pack object header: type and size, 4 bits then 7 per byte */
function objHeader(type, size) {
  const out = [((type & 7) << 4) | (size & 15)]
  size = Math.floor(size / 16)
  while (size > 0) {
    out[out.length - 1] |= 0x80
    out.push(size & 0x7f)
    size = Math.floor(size / 128)
  }
  return Buffer.from(out)
}
/** the size varint of a delta header (little-endian 7-bit groups) */
function deltaSize(n) {
  const out = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return Buffer.from(out)
}
/** OFS_DELTA's negative offset to the base (git's offset encoding) */
function ofs(n) {
  const out = [n & 0x7f]
  while ((n >>= 7)) out.unshift(0x80 | (--n & 0x7f))
  return Buffer.from(out)
}

/**
 * A pack holding `commit` objects first (raw `{type: 1|2, body}` entries, e.g. a commit and its
 * tree, so a ref update can point at it), then a 64 KiB blob, a 16 MiB delta on it, and `count`
 * delta objects of `mib` MiB each on the 16 MiB one.
 * @param {{ count: number, mib: number, objects?: { type: number, body: Buffer }[] }} o
 */
export function deltaBombPack(o) {
  const parts = []
  const offsets = []
  let at = 12
  const push = buf => {
    parts.push(buf)
    at += buf.length
  }
  const entries = o.objects ?? []
  for (const e of entries) push(Buffer.concat([objHeader(e.type, e.body.length), zlib.deflateSync(e.body)]))
  const base = Buffer.alloc(0x10000, 'a')
  offsets.push(at)
  push(Buffer.concat([objHeader(3, base.length), zlib.deflateSync(base)]))
  // 16 MiB: 256 copies of the whole base (0x80: offset 0, size 0x10000)
  const mid = Buffer.concat([deltaSize(base.length), deltaSize(256 * 0x10000), Buffer.alloc(256, 0x80)])
  const midAt = at
  push(Buffer.concat([objHeader(6, mid.length), ofs(midAt - offsets[0]), zlib.deflateSync(mid)]))
  const copies = o.mib / 16 // 16 MiB = two copies of 8 MiB (0xc0 0x80: offset 0, size byte 3 = 0x80)
  for (let i = 0; i < o.count; i++) {
    const tag = Buffer.from(String(i).padStart(8, '0'))
    const instr = Buffer.alloc(copies * 2 * 2)
    for (let k = 0; k < copies * 2; k++) {
      instr[2 * k] = 0xc0 // copy, offset 0, size byte 3 (bits 16-23) present
      instr[2 * k + 1] = 0x80 // size 0x800000 = 8 MiB
    }
    const delta = Buffer.concat([deltaSize(16 * 1024 * 1024), deltaSize(o.mib * 1024 * 1024 + tag.length), instr, Buffer.from([tag.length]), tag])
    const here = at
    push(Buffer.concat([objHeader(6, delta.length), ofs(here - midAt), zlib.deflateSync(delta)]))
  }
  const header = Buffer.alloc(12)
  header.write('PACK', 0)
  header.writeUInt32BE(2, 4)
  header.writeUInt32BE(entries.length + 2 + o.count, 8)
  const body = Buffer.concat([header, ...parts])
  return Buffer.concat([body, crypto.createHash('sha1').update(body).digest()])
}
