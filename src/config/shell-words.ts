/**
 * Splits a string into words the way a POSIX shell would, without expanding anything:
 * single quotes are literal, double quotes allow \" \\ \$ \` escapes, backslash escapes
 * outside quotes, and newlines separate words like spaces.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (ch === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new Error('unterminated single quote')
      word += text.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (ch === '"') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated double quote')
        const c = text[i]!
        if (c === '"') break
        if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1]
          i += 2
        } else {
          word += c
          i++
        }
      }
      inWord = true
      i++
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new Error('trailing backslash')
      if (text[i + 1] !== '\n') word += text[i + 1]
      inWord = true
      i += 2
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
      i++
    } else {
      word += ch
      inWord = true
      i++
    }
  }
  if (inWord) words.push(word)
  return words
}
