/**
 * docs/configuration.md is generated from action.yml (scripts/docs-config.mjs), and checked fresh
 * here as check-dist checks dist/: a changed input without the regenerated page fails the suite.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { configurationPage } from '../../scripts/docs-config.mjs'
import { docPages } from './doc-pages.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const actionYml = fs.readFileSync(path.join(root, 'action.yml'), 'utf8')

describe('docs/configuration.md', () => {
  it('is what action.yml makes (run `node scripts/docs-config.mjs` after changing action.yml)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'docs-config.mjs'), '--check'], { encoding: 'utf8' })
    expect({ code: r.status, err: r.stderr }).toEqual({ code: 0, err: '' })
  })

  it('names every input with its default and every output; a new input changes the page', () => {
    const page: string = configurationPage(actionYml)
    const action = parse(actionYml) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> }
    for (const name of Object.keys(action.inputs)) expect(page).toContain(`| \`${name}\` |`)
    for (const name of Object.keys(action.outputs)) expect(page).toContain(`| \`${name}\` |`)
    expect(page).toContain('| `max-turns` |')
    const changed: string = configurationPage(actionYml.replace(/^inputs:\n/m, "inputs:\n  brand-new:\n    description: 'a | b'\n    default: 'x'\n"))
    expect(changed).not.toBe(page)
    expect(changed).toContain('| `brand-new` | `x` | a \\| b |')
  })
})

describe('README and docs/', () => {
  it('every relative link points at a file that exists', () => {
    const pages = docPages()
    const broken: string[] = []
    for (const page of pages) {
      const text = fs.readFileSync(path.join(root, page), 'utf8')
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(m[1]!)) continue
        if (!fs.existsSync(path.join(root, path.dirname(page), m[1]!))) broken.push(`${page} → ${m[1]}`)
      }
    }
    expect(broken).toEqual([])
    expect(pages.length).toBeGreaterThan(12)
  })
})
