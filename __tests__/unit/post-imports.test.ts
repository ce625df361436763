/**
 * The post step runs at the end of every job: it loads only what it uses. Its value imports
 * (`import type` is erased) must not reach the host daemons or the SDKs they load, which would
 * put megabytes into dist/post and its start-up.
 */
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const SRC = path.join(root, 'src')

/** The src/ files a module loads when it runs: static value imports only (types erased, dynamic imports lazy). */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+([^'"]*?)\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const clause = m[2]!.trim()
    if (clause.startsWith('type ')) continue
    const braces = /^\{([^}]*)\}$/.exec(clause)
    if (braces && braces[1]!.split(',').every(s => !s.trim() || s.trim().startsWith('type '))) continue
    out.push(path.resolve(path.dirname(file), m[3]!.replace(/\.js$/, '.ts')))
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')))
  return out.filter(f => f.startsWith(SRC + path.sep))
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>()
  const walk = (f: string) => {
    if (seen.has(f)) return
    seen.add(f)
    for (const g of valueImports(f)) walk(g)
  }
  walk(entry)
  return seen
}

describe('what the post step loads', () => {
  it('never the model proxy, the egress proxy, the git gate or the provider SDK wrappers', () => {
    const loaded = [...reachable(path.join(SRC, 'post.ts'))].map(f => path.relative(root, f))
    expect(loaded).toContain(path.join('src', 'bottle', 'undo.ts')) // the walk does follow imports
    const daemons = /src\/proxy\/(model-proxy|egress-proxy)\.ts$|src\/proxy\/providers\/|src\/gitgate\/git-gate\.ts$|src\/bottle\/daemons\.ts$/
    expect(loaded.filter(f => daemons.test(f))).toEqual([])
  })
})
