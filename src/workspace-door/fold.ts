/**
 * Refused paths grouped as a reader wants them: a path under another refused path goes in that
 * one's group, so the tops (what the agent planted) can be named first and a copied git
 * directory does not bury them.
 */
export interface Folded<T extends { path: string }> {
  item: T
  /** refused paths under this one */
  under: T[]
}

export function foldUnder<T extends { path: string }>(items: readonly T[]): Folded<T>[] {
  const sorted = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const out: Folded<T>[] = []
  for (const item of sorted) {
    const top = out.at(-1)
    if (top && item.path.startsWith(`${top.item.path}/`)) top.under.push(item)
    else out.push({ item, under: [] })
  }
  return out
}

/** "1 path under it", "3 paths under it": how the log, the summary and the report count a group. */
export function pathsUnder(n: number): string {
  return `${n} ${n === 1 ? 'path' : 'paths'} under it`
}
