import fs from 'node:fs'
import path from 'node:path'
import { runCommand } from '../util/process.js'

/**
 * The accepted changes as one patch (git's diff format, binary included; `git apply` takes it),
 * made with git in a scratch repository of the door's own: the runner's old files committed,
 * the staged new ones put over them. git runs with no system or global config and no hooks, so
 * the agent's `.gitattributes` can name a filter or diff driver but nothing defines one.
 */

export interface PatchEntry {
  path: string
  /** the runner's file before (undefined: it did not exist, or was not a regular file) */
  oldFile?: string
  /** the staged new file (undefined: deleted) */
  newFile?: string
  executable?: boolean
}

function env(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'bot-bottle',
    GIT_AUTHOR_EMAIL: 'bot-bottle@localhost',
    GIT_COMMITTER_NAME: 'bot-bottle',
    GIT_COMMITTER_EMAIL: 'bot-bottle@localhost'
  }
}

function place(tree: string, rel: string, from: string, executable: boolean): void {
  const to = path.join(tree, rel)
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.rmSync(to, { force: true })
  fs.copyFileSync(from, to)
  fs.chmodSync(to, executable ? 0o755 : 0o644)
}

/** Writes the patch to `patchFile`; returns false when there was nothing to diff. */
export async function writePatch(scratch: string, entries: readonly PatchEntry[], patchFile: string): Promise<boolean> {
  if (!entries.length) return false
  const tree = path.join(scratch, 'tree')
  const gitDir = path.join(scratch, 'repo.git')
  fs.mkdirSync(tree, { recursive: true, mode: 0o700 })
  const e = env(scratch)
  const git = async (args: string[]) => {
    const r = await runCommand('git', ['--git-dir', gitDir, '--work-tree', tree, '-c', 'core.hooksPath=/dev/null', '-c', 'core.autocrlf=false', ...args], {
      env: e
    })
    if (r.code !== 0) throw new Error(`git ${args[0]} for the patch failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`)
    return r.stdout
  }
  await git(['init', '-q'])
  for (const entry of entries) if (entry.oldFile) place(tree, entry.path, entry.oldFile, (fs.statSync(entry.oldFile).mode & 0o100) !== 0)
  await git(['add', '-A', '-f'])
  await git(['commit', '-q', '--allow-empty', '--no-verify', '-m', 'before'])
  for (const entry of entries) {
    if (entry.newFile) place(tree, entry.path, entry.newFile, entry.executable ?? false)
    else fs.rmSync(path.join(tree, entry.path), { force: true })
  }
  await git(['add', '-A', '-f'])
  await git(['diff', '--cached', '--binary', '--full-index', '--no-ext-diff', '--no-textconv', `--output=${patchFile}`, 'HEAD'])
  fs.chmodSync(patchFile, 0o600)
  return fs.statSync(patchFile).size > 0
}
