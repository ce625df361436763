import { splitShellWords } from '../../src/config/shell-words.js'

describe('splitShellWords', () => {
  it.each([
    ['', []],
    ['  a  b\tc\nd ', ['a', 'b', 'c', 'd']],
    [`--allowedTools "Bash(git log:*)" Edit`, ['--allowedTools', 'Bash(git log:*)', 'Edit']],
    [`'single $HOME "x"'`, ['single $HOME "x"']],
    [`"double \\"q\\" \\\\ \\$HOME"`, ['double "q" \\ $HOME']],
    [`a\\ b c`, ['a b', 'c']],
    [`pre"mid"'post'`, ['premidpost']],
    [`""`, ['']],
    [`--x=$HOME`, ['--x=$HOME']]
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual(words)
  })

  it.each([
    [`"open`, /unterminated double quote/],
    [`'open`, /unterminated single quote/],
    [`end\\`, /trailing backslash/]
  ])('rejects %j', (text, msg) => {
    expect(() => splitShellWords(text)).toThrow(msg)
  })
})
