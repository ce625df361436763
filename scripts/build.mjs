// Builds dist/ from src/: tsc → lib/, then ncc bundles each entry (ESM) into dist/<entry>/.
// Usage: node scripts/build.mjs [outDir]   (check-dist builds into a temp dir and compares)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'))
const bin = name => path.join(root, 'node_modules', '.bin', name)
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })

fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true })
run(bin('tsc'), ['-p', 'tsconfig.build.json'])
fs.rmSync(outDir, { recursive: true, force: true })
for (const entry of ['main', 'post']) {
  run(bin('ncc'), ['build', path.join('lib', 'entry', `${entry}.js`), '-o', path.join(outDir, entry), '--license', 'licenses.txt', '--quiet'])
}
