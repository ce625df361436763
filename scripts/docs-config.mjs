// Writes docs/configuration.md from action.yml: every input (default, description) and every
// output, so the page cannot drift from what the action declares. `--check` writes nothing and
// exits 1 when the page is not what action.yml makes (a unit test runs it, as check-dist does for dist/).
// Usage: node scripts/docs-config.mjs [--check]
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
export const PAGE = path.join(root, 'docs', 'configuration.md')

/** One table cell: one line, pipes escaped. */
const cell = text =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()

/** The page action.yml makes. */
export function configurationPage(actionYml) {
  const action = parse(actionYml)
  const inputs = Object.entries(action.inputs ?? {})
  const outputs = Object.entries(action.outputs ?? {})
  const lines = [
    '# Configuration: every input and output',
    '',
    '<!-- Generated from action.yml by `node scripts/docs-config.mjs`: edit action.yml, then run it. A unit test fails when this page is stale. -->',
    '',
    `${action.description}`,
    '',
    `## Inputs (${inputs.length})`,
    '',
    '| input | default | what it does |',
    '|---|---|---|',
    ...inputs.map(([name, i]) => `| \`${name}\` | ${i.default === undefined || i.default === '' ? '—' : `\`${cell(i.default)}\``} | ${cell(i.description)} |`),
    '',
    "Boolean inputs accept `true`, `True`, `TRUE`, `false`, `False` or `FALSE` (YAML 1.2's core schema, as `core.getBooleanInput`",
    'reads them); empty means the default. Every default above is the one the code applies (`src/config/fields.ts`; a unit',
    'test holds action.yml to it).',
    '',
    'Every invalid input fails the step before anything starts, with one line naming the input, the bad value (never a',
    "secret's) and what is accepted, e.g. `Input 'max-turns': invalid value (got 'many'). Expected a whole number of turns, 1 or more`.",
    '',
    `## Outputs (${outputs.length})`,
    '',
    '| output | what it holds |',
    '|---|---|',
    ...outputs.map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
    '',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the page warns about
    "`result` and `structured-output` are the agent's own text: pass them to a shell through `env:`, never as `${{ }}` inside",
    '`run:`. What each `conclusion` means and what to do about it: [troubleshooting](troubleshooting.md).',
    ''
  ]
  return lines.join('\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const want = configurationPage(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'))
  if (process.argv.includes('--check')) {
    const have = fs.existsSync(PAGE) ? fs.readFileSync(PAGE, 'utf8') : ''
    if (have !== want) {
      console.error('docs/configuration.md is stale: action.yml changed. Run `node scripts/docs-config.mjs` and commit the page.')
      process.exit(1)
    }
    console.log('docs-config: docs/configuration.md is up to date')
  } else {
    fs.writeFileSync(PAGE, want)
    console.log(`docs-config: wrote ${path.relative(root, PAGE)}`)
  }
}
