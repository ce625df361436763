import type { Backend } from '../backend/types.js'
import { BottleError } from '../util/errors.js'
import { listingProbeArgv } from './listing.js'

/**
 * The door lists the bottle's tree with GNU find (`-printf`) and reads files out with GNU tar
 * (`--format=pax`). An image without them (busybox, Alpine's defaults) could run the agent but
 * bring nothing back, so it is refused before claude starts: no model spend on work that would
 * be lost. Not needed when `workspace-changes: none`.
 */
export async function checkDoorTools(backend: Backend, bottle: string, user: { uid: number; gid: number }, root: string, image: string): Promise<void> {
  const [find, tar] = await Promise.all([findCanList(backend, bottle, user, root), backend.exec(bottle, ['tar', '--version'], { user, timeoutMs: 30_000 })])
  const missing = [...(find.ok ? [] : ['GNU find (find -printf)']), ...(tar.code === 0 && /GNU tar/.test(tar.stdout) ? [] : ['GNU tar (tar --format=pax)'])]
  if (missing.length === 0) return
  throw new BottleError(
    `Input 'image': ${image} has no ${missing.join(' and no ')}, which the workspace door needs to bring the agent's changes back`,
    "Install them in the image (Debian/Ubuntu: findutils and tar; Alpine: apk add findutils tar), or set 'workspace-changes: none' if nothing should come back"
  )
}

/**
 * Whether the guest's find can list the tree under `root` (see listingProbeArgv): asked before
 * claude starts (the door asks again, in its listing's own exec). `said`: find's first line of
 * complaint, when it could not.
 */
export async function findCanList(backend: Backend, bottle: string, user: { uid: number; gid: number }, root: string): Promise<{ ok: boolean; said?: string }> {
  const probe = await backend.exec(bottle, listingProbeArgv(root), { user, timeoutMs: 30_000 })
  if (probe.code === 0 && probe.stdout === 'd') return { ok: true }
  return { ok: false, said: probe.stderr.trim().split('\n')[0]?.slice(0, 200) }
}
