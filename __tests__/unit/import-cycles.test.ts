/**
 * No import cycles among src/ files: a module can be read, tested and moved without the
 * ones that import it. Every import counts, `import type` too (a type cycle is still two
 * modules that cannot be understood apart). And no import runs upward between src/'s
 * top-level folders: LAYERS says which may import which.
 */
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const SRC = path.join(root, 'src')

/**
 * Known cycles, each to be removed by the issue named. An entry is the cycle's files,
 * sorted, joined by ' ↔ '.
 */
const ALLOWED = new Set<string>([])

/**
 * src/'s top-level folders (and its top-level files, by name without `.ts`), lowest first. A
 * file may import from its own folder and from folders before it, never from one after it:
 * what two layers share lives in the lower one.
 */
export const LAYERS = [
  'util',
  'transcript',
  'artifact',
  'trigger',
  'config',
  'proxy',
  'oci',
  'install',
  'backend',
  'gitgate',
  'githubgate',
  'workspace-door',
  'telemetry',
  'bottle',
  'setup',
  'main',
  'post',
  'entry'
] as const

/** The top-level folder of a src/ file (a file directly in src/ is its own, named without `.ts`). */
export function layerOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep)
  return rest.length ? first! : first!.replace(/\.ts$/, '')
}

/** Each import of `graph` that runs from a lower layer to a higher one (or touches a folder LAYERS does not name), as `from -> to`. */
export function upwardImports(graph: Map<string, string[]>, layers: readonly string[] = LAYERS): string[] {
  const rank = (f: string) => layers.indexOf(layerOf(f))
  const out: string[] = []
  for (const [from, targets] of graph)
    for (const to of targets) {
      if (layerOf(from) === layerOf(to)) continue
      if (rank(from) < 0 || rank(to) < 0 || rank(to) > rank(from)) out.push(`${path.relative(SRC, from)} -> ${path.relative(SRC, to)}`)
    }
  return out.sort()
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

/** The src/ files `file` imports (relative specifiers; `x.js` is `x.ts` in the source). */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!
    const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))
    if (target.startsWith(SRC + path.sep)) out.push(target)
  }
  return out
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return found
}

describe('import cycles among src/ files', () => {
  const files = sourceFiles(SRC)
  const graph = new Map(files.map(f => [f, importsOf(f, fs.readFileSync(f, 'utf8'))]))
  const label = (scc: string[]) => scc.map(f => path.relative(SRC, f)).join(' ↔ ')

  it('reads the imports of every file (the parser sees what the compiler sees)', () => {
    expect(files.length).toBeGreaterThan(100)
    const config = graph.get(path.join(SRC, 'config', 'config.ts'))!.map(f => path.relative(SRC, f))
    expect(config).toEqual(expect.arrayContaining(['config/fields.ts', 'config/sections.ts', 'util/errors.ts', 'artifact/settings.ts'])) // `import type` counts
    for (const targets of graph.values()) for (const t of targets) expect(fs.existsSync(t) ? t : `missing: ${t}`).toBe(t)
  })

  it('finds none but the allow-listed ones', () => {
    expect(
      cycles(graph)
        .map(label)
        .filter(c => !ALLOWED.has(c))
    ).toEqual([])
  })

  it('each allow-listed cycle still exists (remove its entry once it is gone)', () => {
    const present = new Set(cycles(graph).map(label))
    for (const c of ALLOWED) expect(present.has(c) ? c : `gone: ${c}`).toBe(c)
  })

  it('no upward import between top-level folders', () => {
    expect(upwardImports(graph)).toEqual([])
  })

  it('LAYERS names every top-level folder and file of src/, each once', () => {
    const present = [...new Set(files.map(layerOf))].sort()
    expect([...LAYERS].sort()).toEqual(present)
    expect(new Set(LAYERS).size).toBe(LAYERS.length)
  })

  it('the layer check catches an upward import, a type-only one too', () => {
    const low = path.join(SRC, 'util', 'x.ts')
    const high = path.join(SRC, 'bottle', 'y.ts')
    const g = new Map([
      [low, importsOf(low, "import type { Y } from '../bottle/y.js'\n")],
      [high, importsOf(high, "import { x } from '../util/x.js'\n")]
    ])
    expect(upwardImports(g)).toEqual(['util/x.ts -> bottle/y.ts'])
  })

  it('the check catches a cycle, a type-only one too', () => {
    const a = path.join(SRC, 'a.ts')
    const b = path.join(SRC, 'b.ts')
    const g = new Map([
      [a, importsOf(a, "import { x } from './b.js'\n")],
      [b, importsOf(b, "import type { Y } from './a.js'\n")]
    ])
    expect(cycles(g).map(label)).toEqual(['a.ts ↔ b.ts'])
  })
})
