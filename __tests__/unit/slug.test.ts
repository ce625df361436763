/**
 * The run's slug names its docker container and network and its smolvm machine. smolvm refuses a
 * machine name that is empty, over 128 bytes, starts with anything but a letter or digit, ends
 * with a hyphen, has two hyphens in a row or any character but [A-Za-z0-9_-] (src/data/mod.rs:49-100,
 * checked at create, src/cli/vm_common.rs:586); docker allows less than that. The rule is written
 * out here, not taken from the product.
 */
import fc from 'fast-check'
import { makeSlug } from '../../src/bottle/prepare/slug.js'

const smolvmAccepts = (name: string) =>
  name.length >= 1 && name.length <= 128 && /^[A-Za-z0-9]/.test(name) && !name.endsWith('-') && !name.includes('--') && /^[A-Za-z0-9_-]+$/.test(name)

describe('makeSlug', () => {
  it('is a name smolvm and docker take, whatever the run id and attempt hold', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9a-f]{8}$/), (runId, attempt, random) => {
        const slug = makeSlug(runId, attempt, random)
        return smolvmAccepts(slug) && /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(slug)
      }),
      { seed: 20261207, numRuns: 2000 }
    )
  })

  it('a run id cut right after a separator leaves no doubled hyphen', () => {
    expect(makeSlug('aaaaaaaaaaaaaaaaaaa-bbb', '1', '0123abcd')).toBe('bb-aaaaaaaaaaaaaaaaaaa-1-0123abcd')
    expect(makeSlug('12345', '2', 'deadbeef')).toBe('bb-12345-2-deadbeef')
    expect(makeSlug('--', '', 'deadbeef')).toBe('bb-x-x-deadbeef')
  })
})
