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
    expect(loaded).toContain(path.join('src', 'bottle', 'teardown', 'undo.ts')) // the walk does follow imports
    const daemons = /src\/proxy\/(model-proxy|egress-proxy)\.ts$|src\/proxy\/providers\/|src\/gitgate\/git-gate\.ts$|src\/bottle\/launch\/daemons\.ts$/
    expect(loaded.filter(f => daemons.test(f))).toEqual([])
  })
})

describe('what loads the OpenTelemetry SDK', () => {
  /** The npm packages the files statically import (`import type` erased). */
  const packages = (files: Iterable<string>) =>
    [...files].flatMap(f =>
      [...fs.readFileSync(f, 'utf8').matchAll(/(?:^|\n)\s*import\s+(?!type\s)[^'"]*?from\s+['"](@opentelemetry\/[^'"]+)['"]/g)].map(m => m[1]!)
    )

  it('only src/telemetry/export.ts, which main imports lazily (with an endpoint set); the post step never', () => {
    const main = reachable(path.join(SRC, 'main.ts'))
    const post = reachable(path.join(SRC, 'post.ts'))
    const exporter = path.join(SRC, 'telemetry', 'export.ts')
    expect(packages([exporter])).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-metrics']))
    expect(main.has(path.join(SRC, 'telemetry', 'run-telemetry.ts'))).toBe(true) // the walk reaches telemetry
    expect(main.has(exporter)).toBe(false)
    expect(packages(main)).toEqual([])
    expect([...post].filter(f => f.includes(`${path.sep}telemetry${path.sep}`))).toEqual([])
    expect(packages(post)).toEqual([])
    // and run-telemetry loads it with a dynamic import, not a static one
    expect(fs.readFileSync(path.join(SRC, 'telemetry', 'run-telemetry.ts'), 'utf8')).toMatch(/import\('\.\/export\.js'\)/)
  })
})
