/** Who owns a run's resources, and when that owner is provably gone (so its leftovers may be reaped). */
import { spawnSync } from 'node:child_process'
import { currentOwner, ownerIsGone } from '../../src/bottle/teardown/owner.js'

describe('run owner', () => {
  const [host, boot, pid, start] = currentOwner().split('|')
  it('names this host, boot, pid and start time', () => {
    expect(host).toBeTruthy()
    expect(boot).toBeTruthy()
    expect(Number(pid)).toBe(process.pid)
    expect(start).toMatch(/^\S+$/)
  })
  it('a live owner is not gone; a dead pid, a reused pid or an earlier boot is', () => {
    expect(ownerIsGone(currentOwner())).toBe(false)
    const dead = spawnSync('true').pid! // exited already
    expect(ownerIsGone([host, boot, dead, start].join('|'))).toBe(true)
    expect(ownerIsGone([host, boot, pid, `${start}0`].join('|'))).toBe(true) // same pid, another process
    expect(ownerIsGone([host, 'another-boot', pid, start].join('|'))).toBe(true)
  })
  it('never reaps what it cannot be sure of: another machine, or no owner label', () => {
    expect(ownerIsGone(['another-host', boot, 999999, start].join('|'))).toBe(false)
    expect(ownerIsGone(undefined)).toBe(false)
    expect(ownerIsGone('garbage')).toBe(false)
  })
})
