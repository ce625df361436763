/** The project's documentation pages, for the tests that check what they say (examples, links). */
import fs from 'node:fs'
import path from 'node:path'

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** README, the other top-level pages and every docs/ page, relative to the root. */
export function docPages(): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
  return ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md', ...docs]
}

/** README and every docs/ page as one text: where the workflow examples live (each stays checked). */
export function docsText(): string {
  return docPages()
    .filter(p => p === 'README.md' || p.startsWith('docs/'))
    .map(p => fs.readFileSync(path.join(root, p), 'utf8'))
    .join('\n')
}
