/**
 * Parsers differ on an object that names a key twice (JSON.parse keeps the last, others the
 * first or refuse), so a body the proxy vetted could mean something else upstream. Claude
 * never sends a repeated key; the proxy refuses a body that has one.
 */

/** Whether the quote at `at` is escaped (preceded by an odd run of backslashes). */
function escapedQuote(text: string, at: number): boolean {
  let n = 0
  while (text.charCodeAt(at - 1 - n) === 0x5c) n++
  return n % 2 === 1
}

/** The first key named twice in one object of `text`, which must be valid JSON (already parsed). */
export function duplicateKey(text: string): string | undefined {
  const open: (Set<string> | undefined)[] = [] // a key set per open object, undefined per open array
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      let end = i
      do end = text.indexOf('"', end + 1)
      while (escapedQuote(text, end))
      const keys = open.at(-1)
      if (expectKey && keys) {
        const raw = text.slice(i, end + 1)
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        if (keys.has(key)) return key
        keys.add(key)
        expectKey = false
      }
      i = end
    } else if (c === 0x7b) {
      open.push(new Set())
      expectKey = true
    } else if (c === 0x5b) open.push(undefined)
    else if (c === 0x7d || c === 0x5d) open.pop()
    else if (c === 0x2c) expectKey = open.at(-1) !== undefined
  }
  return undefined
}
