import { InputError } from '../util/errors.js'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Variables the bottle sets itself; a user value would break the run or leak around the proxy. */
const RESERVED = new RegExp(
  `^(${[
    'ANTHROPIC_.*',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDE_CODE_USE_.*',
    'CLAUDE_CODE_SKIP_.*_AUTH',
    'CLOUD_ML_REGION',
    'CLAUDE_CONFIG_DIR',
    'HOME',
    'USER',
    'PATH',
    'IS_SANDBOX',
    'HTTPS?_PROXY',
    'https?_proxy',
    'NO_PROXY',
    'no_proxy'
  ].join('|')})$`
)

/** Parses newline-separated KEY=VALUE lines (blank lines and `#` comments skipped). */
export function parseEnvPairs(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '')
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const eq = line.indexOf('=')
    const name = (eq < 0 ? line : line.slice(0, eq)).trim()
    if (eq < 0) {
      throw new InputError('env', `line '${name}' has no '='`, 'Write one KEY=VALUE pair per line')
    }
    if (!NAME.test(name)) {
      throw new InputError('env', `'${name}' is not a valid variable name`, 'Use letters, digits and _ , not starting with a digit')
    }
    if (RESERVED.test(name)) {
      throw new InputError('env', `'${name}' is set by the bottle and cannot be overridden`, 'Remove it from `env`')
    }
    env[name] = line.slice(eq + 1)
  }
  return env
}
