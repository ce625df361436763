import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BottleError } from '../../util/errors.js'
import type { Guest } from '../launch/guest.js'
import { AGENT_CONFIG_PATHS } from '../../workspace-door/agent-config-paths.js'
import type { Manifest } from '../../workspace-door/manifest.js'
import { tarIntoGuest } from './tar-into-guest.js'
import { chunksOf, needlesOf, openRegular, vet } from './vet.js'

/**
 * Where the bottle keeps a pull request's own agent configuration when the workspace has the
 * base's (agent-config-from-base): for the agent to read and review, owned by root and read-only,
 * outside the workspace (nothing there comes back). Every agent-config name there carries
 * PULL_REQUEST_SUFFIX, so claude loads nothing from it even through a link the pull request
 * points there (claude loads a directory's CLAUDE.md, rules and skills by their names).
 */
export const GUEST_PULL_REQUEST_CONFIG = '/opt/bot-bottle/pull-request-config'
export const PULL_REQUEST_SUFFIX = '.pull-request'

/** The path in the read-only copy: each agent-config name with the suffix (`CLAUDE.md` → `CLAUDE.md.pull-request`). */
export function pullRequestCopyPath(rel: string): string {
  return rel
    .split('/')
    .map(c => (AGENT_CONFIG_PATHS.includes(c) ? `${c}${PULL_REQUEST_SUFFIX}` : c))
    .join('/')
}

/** Copies the pull request's versions (as the runner's workspace holds them, vetted for secrets) read-only into the guest. */
export async function copyPullRequestConfigIn(guest: Guest, manifest: Manifest, secrets: readonly string[]): Promise<number> {
  const entries = manifest.pullRequestConfig
  if (!entries?.size) return 0
  const needles = needlesOf(secrets)
  const script = 'mkdir -p "$1" && cd "$1" && tar -x -f - --no-same-owner && chmod -R a-w "$1"'
  let files = 0
  const why = await tarIntoGuest(guest, ['sh', '-c', script, 'sh', GUEST_PULL_REQUEST_CONFIG], { uid: 0, gid: 0 }, async tar => {
    for (const [rel, e] of entries) {
      // made writable, then all made read-only at the end (the guest's root has no capability to write past modes);
      // files readable by the agent whatever their mode was
      const to = pullRequestCopyPath(rel)
      if (e.type === 'dir') await tar.directory(to, 0o755, e.mtime)
      else if (e.type === 'symlink') await tar.symlink(to, e.target ?? '', e.mtime)
      else {
        const opened = openRegular(path.join(manifest.root, rel))
        if (!opened) continue
        try {
          const { secret, whole } = vet(opened.fd, opened.size, needles)
          if (secret) {
            core.warning(`workspace: the pull request's ${rel} holds one of the run's secrets: it is not copied into the bottle`)
            continue
          }
          await tar.file(to, 0o444 | (e.mode & 0o111), e.mtime, whole?.length ?? opened.size, whole ? [whole] : chunksOf(opened.fd, opened.size))
          files++
        } finally {
          fs.closeSync(opened.fd)
        }
      }
    }
  })
  if (why !== undefined)
    throw new BottleError(`copying the pull request's agent configuration into the bottle failed (${why})`, 'The guest image needs `sh`, `tar` and `chmod`')
  return files
}
