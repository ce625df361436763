/**
 * What mutation testing of the GitHub gate's neutraliser and rendered forms found untested (npm run
 * mutate github-neutralise): each change named, an unclosed comment, every entity form GitHub
 * decodes and the code points it does not.
 */
import { lineRanges, numberPatch } from '../../src/githubgate/diff-lines.js'
import { neutralise, renderedForms } from '../../src/githubgate/neutralise.js'

describe('neutralise, each change named', () => {
  it('names what it changed, once each, in order', () => {
    expect(neutralise('a\u200b\u202e\u3164<!-- x -->@bob <b> ![i](u)\n[r]: http://x').changed).toEqual([
      'zero-width characters',
      'bidirectional-control characters',
      'blank filler characters',
      'HTML comments',
      'HTML tags',
      'image alt text',
      'link reference definitions',
      'mentions'
    ])
    expect(neutralise('plain text').changed).toEqual([])
  })

  it('an HTML comment never closed hides the rest: it goes too', () => {
    expect(neutralise('shown<!-- hidden to the end').text).toBe('shown')
  })

  it('a word joiner the agent wrote before a mention does not hide it: it is taken out and the @ joined anew', () => {
    expect(neutralise('@\u2060\u2060alice').text).toBe('@\u2060alice')
  })
})

describe('renderedForms: what GitHub would show', () => {
  const shown = (s: string) => renderedForms(s)
  it('decodes hexadecimal and decimal entities, with or without the semicolon', () => {
    for (const e of ['&#x5a;', '&#x5A', '&#90;', '&#90']) expect(shown(`${e}q`)).toContain('Zq')
  })

  it('decodes the named entities GitHub decodes, each to its own character', () => {
    expect(shown('&amp;&lt;&gt;&quot;&apos;')).toContain('&<>"\'')
  })

  it('leaves a code point that is no character as it was written', () => {
    for (const e of ['&#0;', '&#x0;', '&#x110000;', '&#1114112;']) expect(shown(`a${e}`)).toEqual(expect.arrayContaining([`a${e}`]))
    expect(shown('&#x10ffff;').join('')).toContain('\u{10ffff}')
    expect(shown('&#1;').join('')).toContain('\u0001')
  })

  it('drops backslash-escapes of punctuation only, and tags of up to 200 characters on one line', () => {
    expect(shown('a\\_b\\zc')).toContain('a_b\\zc')
    expect(shown(`x<${'a'.repeat(200)}>y`)).toContain('xy')
    expect(shown(`x<${'a'.repeat(201)}>y`).some(f => f.includes('xy'))).toBe(false)
    expect(shown('x<a\nb>y').some(f => f.includes('xy'))).toBe(false)
  })

  it('is the text itself, once, when nothing is encoded', () => {
    expect(shown('plain')).toEqual(['plain'])
  })
})

describe('numberPatch, hunk headers as git writes them', () => {
  it('a header without counts, counts of several digits, text before the first hunk, a line that only looks like a header', () => {
    const one = numberPatch(['@@ -1 +1 @@', '-a', '+b'].join('\n'))
    expect([[...one.left], [...one.right]]).toEqual([[1], [1]])
    const wide = numberPatch(['@@ -10,12 +20,13 @@', ' x', '+ @@ -99 +99 @@ not a header'].join('\n'))
    expect([[...wide.left], [...wide.right]]).toEqual([[10], [20, 21]])
    const before = numberPatch(['diff --git a/x b/x', '+not in a hunk', '@@ -3,1 +3,1 @@', ' y'].join('\n'))
    expect(before.text.split('\n').slice(0, 2)).toEqual(['diff --git a/x b/x', '+not in a hunk'])
    expect([...before.right]).toEqual([3])
    expect(numberPatch('x @@ -5 +5 @@\n+y').right.size).toBe(0)
  })

  it('lineRanges: a single line is itself, a run ends where the lines stop', () => {
    expect(lineRanges(new Set([5]))).toBe('5')
    expect(lineRanges(new Set([1, 2, 4]))).toBe('1-2, 4')
  })
})
