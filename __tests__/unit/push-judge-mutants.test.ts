/**
 * judgePush on its own, with the ancestry check passed in: a push is refused whole when any of
 * its updates is, and an ancestry check that gives no answer for an update does not make it a
 * fast-forward.
 */
import { judgePush } from '../../src/gitgate/push-judge.js'
import type { PushPolicy } from '../../src/config/git-policy.js'
import type { ReceivePackRequest, RefUpdate } from '../../src/gitgate/receive-pack.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const ZERO = '0'.repeat(40)
const policy: PushPolicy = { patterns: ['refs/heads/bot-bottle/*'], allowForce: false }
const push = (...updates: RefUpdate[]): ReceivePackRequest => ({ updates, capabilities: ['report-status'], packOffset: 0 })

describe('judgePush', () => {
  it('refuses the whole push when one update is refused, the allowed ones with the reason that another was', async () => {
    const verdicts = await judgePush(
      push({ ref: 'refs/heads/bot-bottle/fix', old: ZERO, new: A }, { ref: 'refs/heads/main', old: ZERO, new: B }),
      policy,
      async () => []
    )
    expect(verdicts).toEqual([
      { allowed: false, reason: 'refused because another ref of this push was refused' },
      { allowed: false, reason: 'bot-bottle: refs/heads/main is not in git-push (refs/heads/bot-bottle/*)' }
    ])
  })

  it('lets a push through whole when every update is allowed', async () => {
    const verdicts = await judgePush(
      push({ ref: 'refs/heads/bot-bottle/a', old: ZERO, new: A }, { ref: 'refs/heads/bot-bottle/b', old: A, new: B }),
      policy,
      async () => [true]
    )
    expect(verdicts).toEqual([
      { allowed: true, rule: 'refs/heads/bot-bottle/*' },
      { allowed: true, rule: 'refs/heads/bot-bottle/*' }
    ])
  })

  it('counts an update the ancestry check gives no answer for as not a fast-forward', async () => {
    const verdicts = await judgePush(push({ ref: 'refs/heads/bot-bottle/fix', old: A, new: B }), policy, async () => [])
    expect(verdicts).toEqual([{ allowed: false, reason: 'bot-bottle: refs/heads/bot-bottle/fix is not a fast-forward (set git-allow-force: true to allow)' }])
  })
})
