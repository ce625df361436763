/**
 * A pull request's diff as the agent reads it and as a review comment must fit it: each file's
 * patch (GitHub's `pulls/list-files` hunks) with the old and new line numbers beside each line,
 * and the lines a comment may be put on (GitHub refuses any other: "Line could not be resolved").
 */

export interface CommentableLines {
  /** new-file lines: context or added (side RIGHT) */
  right: Set<number>
  /** old-file lines: context or removed (side LEFT) */
  left: Set<number>
}

export interface NumberedPatch extends CommentableLines {
  /** the patch with `old new |` columns before each line */
  text: string
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/** Numbers a unified-diff patch; lines outside any hunk (there are none in GitHub's patches) are left as they are. */
export function numberPatch(patch: string): NumberedPatch {
  const right = new Set<number>()
  const left = new Set<number>()
  const out: string[] = []
  let oldLine = 0
  let newLine = 0
  let inHunk = false
  const col = (n: number | undefined) => (n === undefined ? '' : String(n)).padStart(5)
  for (const line of patch.split('\n')) {
    const hunk = HUNK.exec(line)
    if (hunk) {
      oldLine = Number(hunk[1])
      newLine = Number(hunk[2])
      inHunk = true
      out.push(line)
      continue
    }
    if (!inHunk || line.startsWith('\\')) {
      out.push(line)
      continue
    }
    if (line.startsWith('+')) {
      right.add(newLine)
      out.push(`${col(undefined)} ${col(newLine++)} | ${line}`)
    } else if (line.startsWith('-')) {
      left.add(oldLine)
      out.push(`${col(oldLine++)} ${col(undefined)} | ${line}`)
    } else {
      right.add(newLine)
      left.add(oldLine)
      out.push(`${col(oldLine++)} ${col(newLine++)} | ${line}`)
    }
  }
  return { text: out.join('\n'), right, left }
}

/** Compact ranges of a line set, e.g. "3-7, 12", for an error the agent can act on. */
export function lineRanges(lines: ReadonlySet<number>): string {
  const sorted = [...lines].sort((a, b) => a - b)
  const ranges: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    ranges.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return ranges.join(', ') || 'none'
}
