// A benchmark's working tree: `files` files of `bytes` random hex bytes each, in dirs of 100,
// committed as a checkout when `commit`, owned by `owner` (the agent's uid in the bottle).
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export function makeWorkTree(ws, files, bytes, commit, owner) {
  for (let i = 0; i < files; i++) {
    const dir = path.join(ws, `d${Math.floor(i / 100)}`)
    if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(
      path.join(dir, `f${i}.txt`),
      crypto
        .randomBytes(Math.ceil(bytes / 2))
        .toString('hex')
        .slice(0, bytes)
    )
  }
  if (commit) {
    const git = (...a) => execFileSync('git', ['-C', ws, '-c', 'user.name=b', '-c', 'user.email=b@b', '-c', 'safe.directory=*', ...a], { stdio: 'ignore' })
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'tree')
  }
  execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, ws])
  return ws
}
