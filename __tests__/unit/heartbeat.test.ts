/** A quiet run says it is alive every few minutes, with what the model proxy saw. */
import { jest } from '@jest/globals'
import { startHeartbeat } from '../../src/bottle/run/heartbeat.js'

describe('heartbeat', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())
  it('logs one line per interval until stopped', () => {
    let t = 0
    const lines: string[] = []
    const usage = { requests: 34, refused: 0, input_tokens: 100, cache_creation_input_tokens: 20, cache_read_input_tokens: 3000, output_tokens: 456 }
    const stop = startHeartbeat(
      () => usage,
      l => lines.push(l),
      180_000,
      () => t
    )
    t = 179_000
    jest.advanceTimersByTime(179_000)
    expect(lines).toEqual([])
    t = 720_000
    jest.advanceTimersByTime(541_000)
    expect(lines.at(-1)).toBe('still running: 12 min, 34 model call(s), 3120 tokens in, 456 out so far')
    const n = lines.length
    stop()
    jest.advanceTimersByTime(600_000)
    expect(lines.length).toBe(n)
  })
})
