import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BottleError } from '../../util/errors.js'
import type { Guest } from '../launch/guest.js'
import type { GuestRepo } from './guest-repo.js'
import type { Manifest } from '../../workspace-door/manifest.js'
import { GUEST_STAGE, STAGE_LIST, STAGE_TREE, type Staged } from './stage.js'
import { tarIntoGuest } from './tar-into-guest.js'
import { chunksOf, holdBackSecret, needlesOf, openRegular, vet } from './vet.js'

export interface CopiedIn {
  files: number
  bytes: number
  /** of those files, how many went in through the stage */
  staged: number
}

/**
 * One exec does the whole copy in, as the guest user: the staged files copied by the guest itself
 * (in the background; exactly the files the stage lists, files only, so the stream's directory
 * modes stand) beside the tar stream on its stdin (directories, links, small files, the
 * repository). Each part that fails says so on the exec's stdout (fd 3), where nothing else
 * writes: a copy that lost files silently would read to the door as the agent deleting them.
 * Without GNU tar (busybox, with `workspace-changes: none`), the stage goes first as one archive.
 */
const COPY_IN_SCRIPT = `exec 3>&1
cd "$2" || { echo "bot-bottle: the workspace is not there" >&3; exit 1; }
p=
if [ -n "$1" ]; then
  [ -r "$1/${STAGE_LIST}" ] || { echo "bot-bottle: the stage is not there" >&3; exit 1; }
  if tar --version 2>/dev/null | grep -q "GNU tar"; then
    { { cd "$1/${STAGE_TREE}" && tar -c --null --verbatim-files-from --no-recursion -T "$1/${STAGE_LIST}" -f -; } ||
        echo "bot-bottle: reading the staged files failed" >&3; } |
      { tar -x -p -f - || { echo "bot-bottle: copying the staged files failed" >&3; exit 1; }; } &
    p=$!
  else
    { { cd "$1/${STAGE_TREE}" && tar -c -f - .; } || echo "bot-bottle: reading the staged files failed" >&3; } |
      { tar -x -p -f - || { echo "bot-bottle: copying the staged files failed" >&3; exit 1; }; }
  fi
fi
tar -x -p -f -
s=$?
if [ -n "$p" ]; then wait "$p" || s=1; fi
exit $s`

/**
 * Copies the workspace (as `manifest` lists it) and the bottle's own `.git` into the guest at
 * the same path. With a stage, every large file the guest user can read goes in as a vetted copy the
 * guest copies from; the rest (directories with their modes, symlinks, files only their owner
 * can read, the repository) as one tar stream untarred there by the guest user. A file that
 * holds one of the run's secrets stays out (one warning naming it) and is held back in the
 * manifest, so the door never writes or deletes it after the run.
 */
export async function copyWorkspaceIn(
  guest: Guest,
  manifest: Manifest,
  repo: GuestRepo | undefined,
  secrets: readonly string[],
  staging?: Promise<Staged>
): Promise<CopiedIn> {
  const needles = needlesOf(secrets)
  const staged = (await staging) ?? { files: new Set<string>(), bytes: 0 }
  /** directories its owner may not write: made writable while files go in, their modes set at the end */
  const locked: [string, number][] = []
  const copied: CopiedIn = { files: staged.files.size, bytes: staged.bytes, staged: staged.files.size }
  const { uid, gid } = guest.plan.guestUser
  const argv = ['sh', '-c', COPY_IN_SCRIPT, 'sh', staged.files.size ? GUEST_STAGE : '', manifest.root]
  const why = await tarIntoGuest(guest, argv, { uid, gid }, async tar => {
    for (const [rel, e] of [...manifest.entries]) {
      if (e.type === 'dir') {
        // tar sets an existing directory's mode at once (the stage's copy made it): a read-only one would refuse its files
        await tar.directory(rel, e.mode | 0o700, e.mtime)
        if ((e.mode & 0o700) !== 0o700) locked.push([rel, e.mode])
      } else if (e.type === 'symlink') await tar.symlink(rel, e.target ?? '', e.mtime)
      else if (e.data) {
        // the base's agent configuration: bytes from git, vetted as a workspace file is
        if (needles.some(n => e.data!.includes(n))) {
          holdBackSecret(manifest, rel)
          continue
        }
        await tar.file(rel, e.mode, e.mtime, e.data.length, [e.data])
        copied.files++
        copied.bytes += e.data.length
      } else if (!staged.files.has(rel)) {
        const opened = openRegular(path.join(manifest.root, rel))
        if (!opened) {
          manifest.entries.delete(rel)
          manifest.heldBack.set(rel, 'not readable on the runner')
          continue
        }
        const { fd, size } = opened
        try {
          const { secret, whole } = vet(fd, size, needles)
          if (secret) {
            holdBackSecret(manifest, rel)
            continue
          }
          await tar.file(rel, e.mode, e.mtime, whole?.length ?? size, whole ? [whole] : chunksOf(fd, size))
          e.size = whole?.length ?? size
          copied.files++
          copied.bytes += e.size
        } finally {
          fs.closeSync(fd)
        }
      }
    }
    for (const [rel, why] of manifest.heldBack)
      if (why.startsWith('a credential file')) core.warning(`workspace: ${rel} is ${why}: it is not copied into the bottle`)
    for (const p of repo?.pieces ?? []) {
      const rel = `.git/${p.rel}`
      if ('dir' in p) await tar.directory(rel, 0o755, 0)
      else if ('data' in p) await tar.file(rel, 0o644, Math.floor(Date.now() / 1000), p.data.length, [p.data])
      else {
        const opened = openRegular(p.hostPath)
        if (!opened) throw new Error(`cannot read ${p.hostPath}`)
        try {
          await tar.file(rel, 0o444, Math.floor(Date.now() / 1000), opened.size, chunksOf(opened.fd, opened.size))
        } finally {
          fs.closeSync(opened.fd)
        }
      }
    }
  })
  if (why !== undefined) {
    throw new BottleError(
      `copying the workspace into the bottle failed (${why})`,
      'The guest image needs `sh` and `tar`; raise `workspace-max-mb` or `memory` if the copy does not fit'
    )
  }
  if (locked.length) await restoreDirModes(guest, manifest.root, locked)
  return copied
}

/** Directories per chmod exec (an argv stays far below the kernel's limit). */
const MODES_PER_EXEC = 256

/** Sets the modes of directories the copy kept writable, deepest first. */
async function restoreDirModes(guest: Guest, root: string, dirs: [string, number][]): Promise<void> {
  const deepestFirst = [...dirs].sort((a, b) => b[0].split('/').length - a[0].split('/').length)
  for (let i = 0; i < deepestFirst.length; i += MODES_PER_EXEC) {
    const args = deepestFirst.slice(i, i + MODES_PER_EXEC).flatMap(([rel, mode]) => [mode.toString(8), `./${rel}`])
    const script = 'cd "$1" || exit 1; shift; while [ $# -gt 0 ]; do chmod "$1" "$2" || exit 1; shift 2; done'
    const r = await guest.backend.exec(guest.name, ['sh', '-c', script, 'sh', root, ...args], { user: guest.plan.guestUser })
    if (r.code !== 0)
      throw new BottleError(
        `copying the workspace into the bottle failed (setting the modes of read-only directories: exit ${r.code})`,
        'The guest image needs `chmod`'
      )
  }
}
