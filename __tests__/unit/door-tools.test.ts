/**
 * The door's tools checked before claude starts: GNU find (-printf) and GNU tar, as each image
 * answers; anything else is one error naming the image, what is missing and the fix.
 */
import type { Backend } from '../../src/backend/types.js'
import { checkDoorTools } from '../../src/workspace-door/guest-tools.js'
import { BottleError } from '../../src/util/errors.js'

type Answer = { code: number; stdout: string; stderr: string }
function guest(find: Answer, tar: Answer): { backend: Backend; argvs: string[][] } {
  const argvs: string[][] = []
  const backend = {
    exec: async (_name: string, argv: readonly string[]) => {
      argvs.push([...argv])
      return argv[0] === 'find' ? find : tar
    }
  } as unknown as Backend
  return { backend, argvs }
}
const GNU_FIND = { code: 0, stdout: 'd', stderr: '' }
const GNU_TAR = { code: 0, stdout: 'tar (GNU tar) 1.34\nCopyright (C) 2021 Free Software Foundation, Inc.\n', stderr: '' }
// what busybox 1.35's applets answer
const BUSYBOX_FIND = { code: 1, stdout: '', stderr: 'find: unrecognized: -printf\nBusyBox v1.35.0 multi-call binary.' }
const BUSYBOX_TAR = { code: 1, stdout: '', stderr: 'tar: unrecognized option: version' }
const user = { uid: 1001, gid: 1001 }

describe('the door tools check', () => {
  it('passes an image with GNU find and GNU tar, asking find about the workspace root', async () => {
    const g = guest(GNU_FIND, GNU_TAR)
    await expect(checkDoorTools(g.backend, 'b', user, '/work/ws', 'debian:bookworm')).resolves.toBeUndefined()
    expect(g.argvs).toEqual([
      ['find', '/work/ws', '-maxdepth', '0', '-printf', '%y'],
      ['tar', '--version']
    ])
  })

  it('refuses busybox with one error naming the image, both tools and the fix', async () => {
    const err = await checkDoorTools(guest(BUSYBOX_FIND, BUSYBOX_TAR).backend, 'b', user, '/w', 'alpine:3.20').catch(e => e)
    expect(err).toBeInstanceOf(BottleError)
    expect(err.message).toBe(
      "Input 'image': alpine:3.20 has no GNU find (find -printf) and no GNU tar (tar --format=pax), which the workspace door needs to bring the agent's changes back. " +
        "Install them in the image (Debian/Ubuntu: findutils and tar; Alpine: apk add findutils tar), or set 'workspace-changes: none' if nothing should come back"
    )
  })

  it.each([
    ['find prints something else', { code: 0, stdout: 'f', stderr: '' }, GNU_TAR, 'no GNU find (find -printf), which'],
    ['find exits non-zero', { code: 2, stdout: 'd', stderr: '' }, GNU_TAR, 'no GNU find (find -printf), which'],
    ['tar is bsdtar', GNU_FIND, { code: 0, stdout: 'bsdtar 3.6.2 - libarchive 3.6.2', stderr: '' }, 'no GNU tar (tar --format=pax), which'],
    ['tar is missing', GNU_FIND, { code: 127, stdout: '', stderr: 'sh: tar: not found' }, 'no GNU tar (tar --format=pax), which']
  ])('refuses when %s', async (_what, find, tar, says) => {
    const err = await checkDoorTools(guest(find, tar).backend, 'b', user, '/w', 'img').catch(e => e)
    expect(err).toBeInstanceOf(BottleError)
    expect(err.message).toContain(`'image': img has ${says}`)
  })
})
