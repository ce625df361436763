/**
 * Refused paths as a reader wants them named: a path under another refused path is counted under
 * it, not listed (a copied git directory is a few lines, not a thousand). The record keeps them all.
 */
export interface Folded<T extends { path: string }> {
  item: T
  /** refused paths under this one */
  under: number
}

export function foldUnder<T extends { path: string }>(items: readonly T[]): Folded<T>[] {
  const sorted = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const out: Folded<T>[] = []
  for (const item of sorted) {
    const top = out.at(-1)
    if (top && item.path.startsWith(`${top.item.path}/`)) top.under++
    else out.push({ item, under: 0 })
  }
  return out
}
