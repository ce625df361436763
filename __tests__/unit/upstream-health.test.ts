/** What the host concludes from the model upstream's answers, before claude's minutes of retries. */
import { UpstreamHealth, type UpstreamVerdict } from '../../src/proxy/upstream-health.js'

function watch() {
  let t = 0
  const verdicts: UpstreamVerdict[] = []
  const notices: string[] = []
  const h = new UpstreamHealth(
    v => verdicts.push(v),
    { attempts: 4, windowMs: 30_000, noticeEveryMs: 60_000 },
    () => t,
    l => notices.push(l)
  )
  return { h, verdicts, notices, advance: (ms: number) => (t += ms) }
}

describe('upstream health', () => {
  it("a rejected credential ends the run at the first 401 or 403, with the API's message, once", () => {
    const w = watch()
    w.h.answered(200)
    expect(w.verdicts).toEqual([])
    w.h.answered(401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}')
    w.h.answered(401, '{}')
    expect(w.verdicts).toEqual([{ conclusion: 'auth-error', detail: 'the API answered 401: invalid x-api-key' }])
  })
  it('an unreachable API ends the run after N failed attempts in a row, or after the window', () => {
    const w = watch()
    for (let i = 0; i < 3; i++) w.h.unreachable(new Error('connect ECONNREFUSED 127.0.0.1:9'))
    w.h.answered(200) // an answer resets the count
    for (let i = 0; i < 3; i++) w.h.unreachable(new Error('connect ECONNREFUSED 127.0.0.1:9'))
    expect(w.verdicts).toEqual([])
    w.h.unreachable(new Error('connect ECONNREFUSED 127.0.0.1:9'))
    expect(w.verdicts).toEqual([{ conclusion: 'api-unreachable', detail: '4 attempt(s) in 0 s failed (connect ECONNREFUSED 127.0.0.1:9)' }])
    const slow = watch()
    slow.h.unreachable(new Error('getaddrinfo ENOTFOUND api.example'))
    slow.advance(30_000)
    slow.h.unreachable(new Error('getaddrinfo ENOTFOUND api.example'))
    expect(slow.verdicts.map(v => v.conclusion)).toEqual(['api-unreachable'])
  })
  it("rate limits and overload are claude's to retry: a notice at most once a minute, no verdict", () => {
    const w = watch()
    w.h.answered(429)
    w.h.answered(529)
    w.advance(60_000)
    w.h.answered(529)
    w.h.answered(503)
    expect(w.notices).toEqual(['The model API is rate-limiting; claude is retrying', 'The model API is overloaded; claude is retrying'])
    expect(w.verdicts).toEqual([])
  })
})
