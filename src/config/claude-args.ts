import { InputError } from '../util/errors.js'
import { splitShellWords } from './shell-words.js'

/** Flags the action sets itself; passing them through `claude-args` would break the run's contract. */
const OWNED_FLAGS: Record<string, string> = {
  '-p': 'the action always runs claude with -p and the `prompt` input',
  '--print': 'the action always runs claude with -p and the `prompt` input',
  '--output-format': 'the action parses stream-json output',
  '--input-format': 'the action passes the prompt as text',
  '--verbose': 'the action always passes --verbose (stream-json needs it)',
  '--dangerously-skip-permissions': 'the action always passes it: the bottle is the sandbox',
  '--allow-dangerously-skip-permissions': 'the action always passes --dangerously-skip-permissions',
  '--permission-mode': 'the action always passes --dangerously-skip-permissions',
  '--append-system-prompt': 'use the `append-system-prompt` input',
  '--append-system-prompt-file': 'use the `append-system-prompt-file` input',
  '--max-turns': 'use the `max-turns` input',
  '--model': 'use the `model` input',
  '--json-schema': 'use the `json-schema` input (the answer is then checked on the runner too)',
  '--settings': 'the bottle owns claude settings',
  '--resume': 'each run is a fresh session',
  '-r': 'each run is a fresh session',
  '--continue': 'each run is a fresh session',
  '-c': 'each run is a fresh session'
}

/** Parses `claude-args` into argv words and refuses the flags the action owns. */
export function parseClaudeArgs(text: string): string[] {
  let words: string[]
  try {
    words = splitShellWords(text)
  } catch (err) {
    throw new InputError('claude-args', `cannot be split into words (${(err as Error).message})`, 'Close every quote')
  }
  for (const word of words) {
    const flag = word.startsWith('--') ? word.split('=', 1)[0]! : word
    const why = OWNED_FLAGS[flag]
    if (why) {
      throw new InputError('claude-args', `'${flag}' is set by the action and cannot be passed`, `Remove it: ${why}`)
    }
  }
  return words
}
