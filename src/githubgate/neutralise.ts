import { BIDI, INVISIBLE } from '../trigger/event-text.js'

/**
 * Text the agent wrote, made safe to post as the workflow's token: what a reader would not see
 * (HTML comments, zero-width and bidirectional-control characters) is taken out, so the post
 * cannot carry instructions for the next agent that reads it, and every `@mention` is put in a
 * code span, so the agent cannot page people or teams (GitHub does not notify from code).
 */

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g
// a login or org/team after @ where GitHub would link it: not inside a word, an e-mail address or a path
const MENTION = /(^|[^\w`@/.-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]{1,100})?)(?![\w-])/g

export interface Neutralised {
  text: string
  /** what was changed, for the decision log ("HTML comments", "mentions") */
  changed: string[]
}

export function neutralise(text: string): Neutralised {
  const changed = new Set<string>()
  const take = (re: RegExp, what: string, by: (...m: string[]) => string) => (s: string) =>
    s.replace(re, (...m: string[]) => {
      changed.add(what)
      return by(...m)
    })
  let t = text
  // the invisible characters first: one between "<!" and "--" would otherwise hide a comment from the pattern
  t = take(INVISIBLE, 'zero-width characters', () => '')(t)
  t = take(BIDI, 'bidirectional-control characters', () => '')(t)
  t = take(HTML_COMMENT, 'HTML comments', () => '')(t)
  t = take(MENTION, 'mentions', (_m, before, name) => `${before}\`@${name}\``)(t)
  return { text: t, changed: [...changed] }
}
