import fs from 'node:fs'
import { BottleError } from '../../util/errors.js'
import type { Mount } from '../types.js'

/**
 * Host paths smolvm v1.9.3 refuses to mount into a VM (src/data/storage.rs:36-68, checked on the
 * canonical path by storage.rs:173-187): exact, or with the whole subtree.
 */
const PROTECTED: Partial<Record<NodeJS.Platform, [string, boolean][]>> = {
  darwin: [
    ['/', false],
    ['/private/var', false],
    ['/private/var/run', true],
    ['/private/var/log', true],
    ['/private/etc', true],
    ['/usr', true],
    ['/bin', true],
    ['/sbin', true],
    ['/lib', true],
    ['/System', true],
    ['/Library', true]
  ],
  linux: [
    ['/', false],
    ['/var', false],
    ['/var/run', true],
    ['/var/log', true],
    ['/etc', true],
    ['/boot', true],
    ['/usr', true],
    ['/bin', true],
    ['/sbin', true],
    ['/lib', true],
    ['/proc', true],
    ['/sys', true],
    ['/dev', true],
    ['/run', true]
  ]
}

/** The protected path `canonical` falls under on `platform`, if any. */
export function protectedBy(canonical: string, platform: NodeJS.Platform): string | undefined {
  for (const [p, subtree] of PROTECTED[platform] ?? []) {
    if (canonical === p || (subtree && canonical.startsWith(p === '/' ? '/' : `${p}/`))) return p
  }
  return undefined
}

/** Refuses, before smolvm does and with the fix, a mount whose source smolvm will not mount. */
export function checkMountSources(mounts: readonly Mount[], platform: NodeJS.Platform = process.platform): void {
  for (const m of mounts) {
    const canonical = fs.realpathSync(m.host)
    const under = protectedBy(canonical, platform)
    if (under) {
      throw new BottleError(
        `smolvm refuses to mount ${canonical}${canonical !== m.host ? ` (${m.host})` : ''} into the VM: ` +
          `it is ${canonical === under ? '' : 'under '}${under}, a protected system path on ${platform === 'darwin' ? 'macOS' : platform}`,
        "Put the workspace, RUNNER_TEMP and the runner's tool cache under the runner's home (e.g. /Users/<runner>/...), or use the docker backend"
      )
    }
  }
}
