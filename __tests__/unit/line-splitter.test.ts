import { LineSplitter, type OverlongLine } from '../../src/util/line-splitter.js'

function split(chunks: (string | Buffer)[], maxBytes: number) {
  const events: (string | OverlongLine)[] = []
  const s = new LineSplitter(
    l => events.push(l),
    o => events.push(o),
    maxBytes
  )
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c)
  s.end()
  return events
}

describe('LineSplitter', () => {
  it('splits on newlines across chunks, keeps multi-byte characters whole, takes CRLF and a last unterminated line', () => {
    const euro = Buffer.from('€')
    expect(split(['a', 'b\nc', 'd\r\n', euro.subarray(0, 1), euro.subarray(1), '\n\nlast'], 100)).toEqual(['ab', 'cd', '€', '', 'last'])
  })

  it('drops a line over the cap, holding none of it, and goes on with the next', () => {
    const chunk = Buffer.alloc(1 << 20, 0x61)
    const events: (string | OverlongLine)[] = []
    const s = new LineSplitter(
      l => events.push(l),
      o => events.push(o),
      4 << 20
    )
    s.push(Buffer.from('{"type":"system"}\n'))
    const before = process.memoryUsage().arrayBuffers
    for (let i = 0; i < 64; i++) s.push(chunk) // one 64 MiB line
    // nothing of it is held: memory does not grow with the line
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20)
    s.push(Buffer.from('tail\n{"type":"result"}\n'))
    s.end()
    expect(events).toEqual(['{"type":"system"}', { bytes: (64 << 20) + 4, maxBytes: 4 << 20 }, '{"type":"result"}'])
  })

  it('a line of exactly the cap passes', () => {
    expect(split([`${'x'.repeat(10)}\n`], 10)).toEqual(['x'.repeat(10)])
    expect(split([`${'x'.repeat(11)}\n`], 10)).toEqual([{ bytes: 11, maxBytes: 10 }])
  })
})
