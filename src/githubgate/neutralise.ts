import type { Redactor } from '../transcript/redact.js'
import { BIDI, INVISIBLE } from '../trigger/event-text.js'

/**
 * Text the agent wrote, made safe to post as the workflow's token. What a reader would not see is
 * taken out or made visible, so the post cannot carry instructions for the next agent that reads
 * it: HTML comments go; invisible, filler and bidirectional-control characters go; every other raw
 * HTML tag is shown as text (no `<details>`, `hidden`, `<img alt>`, `<script>` or `<sub>` can hide
 * anything); an image's alt text becomes a link's visible text; a link reference definition (which
 * renders as nothing) is shown as text. Every `@` before a login gets a word joiner after it, so
 * GitHub links and notifies no one — inside code spans too, where backticks would have closed the
 * author's own span and let a mention out.
 */

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g
// characters that render as blank space or nothing, beyond the zero-width ones: Hangul fillers, braille blank
const FILLERS = /[\u115f\u1160\u3164\uffa0\u2800]/g
const TAG = /<(?=[A-Za-z/!?])/g
const IMAGE = /!+\[/g
const LINK_DEFINITION = /^( {0,3})\[([^\]\n]*)\]:/gm
const WORD_JOINER = '\u2060'
// an @ GitHub would read as a mention (a login's first character after it), whatever comes before it
const MENTION = /@(?=[A-Za-z0-9])/g

export interface Neutralised {
  text: string
  /** what was changed, for the decision log ("HTML comments", "mentions") */
  changed: string[]
}

export function neutralise(text: string): Neutralised {
  const changed = new Set<string>()
  const take = (re: RegExp, what: string, by: string | ((...m: string[]) => string)) => (s: string) =>
    s.replace(re, (...m: string[]) => {
      changed.add(what)
      return typeof by === 'function' ? by(...m) : by
    })
  let t = text
  // invisible characters first (the word joiner among them): one inside "<!--" would hide a comment from the pattern
  t = take(INVISIBLE, 'zero-width characters', '')(t)
  t = take(BIDI, 'bidirectional-control characters', '')(t)
  t = take(FILLERS, 'blank filler characters', '')(t)
  t = take(HTML_COMMENT, 'HTML comments', '')(t)
  t = take(TAG, 'HTML tags', '&lt;')(t)
  t = take(IMAGE, 'image alt text', '[')(t)
  t = take(LINK_DEFINITION, 'link reference definitions', (_m, indent, label) => `${indent}\\[${label}]:`)(t)
  t = take(MENTION, 'mentions', `@${WORD_JOINER}`)(t)
  return { text: t, changed: [...changed] }
}

/**
 * The forms a secret may take in text GitHub renders: as written, with HTML entities decoded and
 * markdown backslash-escapes dropped (each renders as the bare character). The secret scan reads
 * them all.
 */
export function renderedForms(text: string): string[] {
  const decoded = text
    .replace(/&#x([0-9a-f]{1,6});?/gi, (m, h) => safeChar(Number.parseInt(h, 16)) ?? m)
    .replace(/&#([0-9]{1,7});?/g, (m, d) => safeChar(Number(d)) ?? m)
    .replace(/&(amp|lt|gt|quot|apos);/g, (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[n] ?? '')
  const unescaped = decoded.replace(/\\([!-/:-@[-`{-~])/g, '$1')
  const untagged = unescaped.replace(/<[^>\n]{0,200}>/g, '')
  return [...new Set([text, decoded, unescaped, untagged])]
}

/**
 * The kinds of secret in texts the agent asked to post, in any form GitHub would show: each text as
 * asked and as neutralised (taking out a zero-width character can join a token back together), all
 * of them joined, both ways (a token split across two comments, or a title and a body), each as
 * rendered (renderedForms). apply.ts drops a write on any; the progress comment leaves the result out.
 */
export function secretKindsShown(asked: readonly string[], redactor: Pick<Redactor, 'kindsIn'>): string[] {
  const sent = asked.map(t => neutralise(t).text)
  const all = [...asked, ...sent, asked.join(''), sent.join('')]
  return [...new Set(all.flatMap(renderedForms).flatMap(t => redactor.kindsIn(t)))]
}

const safeChar = (code: number) => (code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined)
