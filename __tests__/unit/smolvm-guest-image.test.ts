/**
 * The image a smolvm VM boots reaches smolvm as a `docker save` archive, never as a registry
 * reference it would pull inside the VM: when the runner's docker holds it, saved once per image
 * ID, reused after; an image whose USER is not root is refused (smolvm execs run as the image's
 * USER). Real docker. Without docker the image is fetched from its registry: oci-pull.test.ts.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { guestImageArchive } from '../../src/backend/smolvm/guest-image.js'
import { BottleError } from '../../src/util/errors.js'
import { MUSL_IMAGE } from '../../test/harness/paths.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-guest-image-'))
const USER_IMAGE = `bb-smolvm-user-test:${process.pid}`

describe('guestImageArchive', () => {
  beforeAll(() => {
    const c = execFileSync('docker', ['create', MUSL_IMAGE, 'true'], { encoding: 'utf8' }).trim()
    try {
      execFileSync('docker', ['commit', '--change', 'USER 1234', c, USER_IMAGE], { stdio: 'ignore' })
    } finally {
      execFileSync('docker', ['rm', c], { stdio: 'ignore' })
    }
  })
  afterAll(() => execFileSync('docker', ['rmi', '-f', USER_IMAGE], { stdio: 'ignore' }))

  it('saves the docker copy once per image ID, then reuses it', async () => {
    const cache = path.join(tmp, 'cache')
    const first = await guestImageArchive(MUSL_IMAGE, cache)
    const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', MUSL_IMAGE], { encoding: 'utf8' }).trim().replace('sha256:', '')
    expect(first).toEqual({ archive: path.join(cache, `${id}.tar`), cached: false, source: { docker: true } })
    expect(execFileSync('tar', ['-tf', first.archive], { encoding: 'utf8' })).toContain('manifest.json') // a docker save archive
    expect(await guestImageArchive(MUSL_IMAGE, cache)).toEqual({ archive: first.archive, cached: true, source: { docker: true } })
    expect(fs.readdirSync(cache)).toEqual([`${id}.tar`]) // no partial left
  })

  it('refuses an image whose USER is not root, naming it and the fix', async () => {
    const err = await guestImageArchive(USER_IMAGE, path.join(tmp, 'cache2')).catch(e => e)
    expect(err).toBeInstanceOf(BottleError)
    expect(err.message).toMatch(
      /^smolvm: image bb-smolvm-user-test:\d+ sets USER 1234; smolvm runs every exec as the image's USER .*\. Use an image without a USER line \(or USER root\)$/
    )
  })
})
