// Fails when the committed dist/ differs from a fresh build of src/.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-bottle-dist-'))
try {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), fresh], { cwd: root, stdio: 'inherit' })
  const diff = []
  const walk = rel => {
    const a = path.join(root, 'dist', rel)
    const b = path.join(fresh, rel)
    const names = new Set([...(fs.existsSync(a) ? fs.readdirSync(a) : []), ...(fs.existsSync(b) ? fs.readdirSync(b) : [])])
    for (const n of names) {
      const r = path.join(rel, n)
      const pa = path.join(root, 'dist', r)
      const pb = path.join(fresh, r)
      if (fs.existsSync(pb) && fs.statSync(pb).isDirectory()) walk(r)
      else if (!fs.existsSync(pa) || !fs.existsSync(pb) || !fs.readFileSync(pa).equals(fs.readFileSync(pb))) diff.push(r)
    }
  }
  walk('')
  if (diff.length) {
    console.error(`check-dist: dist/ is stale (${diff.join(', ')}): run 'npm run build' and commit dist/`)
    process.exit(1)
  }
  console.log('check-dist: dist/ is up to date')
} finally {
  fs.rmSync(fresh, { recursive: true, force: true })
}
