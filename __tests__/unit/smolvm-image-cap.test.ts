/**
 * smolvm refuses an image archive over 8 GiB at create, or over SMOLVM_MAX_IMAGE_BYTES when the
 * runner sets it (src/data/image_source.rs:149-156,235-237): the backend says so first, in one
 * line with the size, the limit and the fix, before smolvm runs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { maxArchiveBytes } from '../../src/backend/smolvm/guest-image.js'
import { testSpec } from './recording-backend.js'
import { SmolvmBackend } from '../../src/backend/smolvm/smolvm-backend.js'

describe('the image archive limit', () => {
  it.each([
    [undefined, 8589934592],
    ['1000', 1000],
    [' 1000 ', 1000],
    ['+1000', 1000],
    ['0', 8589934592],
    ['-5', 8589934592],
    ['16GiB', 8589934592],
    ['1e9', 8589934592],
    ['', 8589934592]
  ])('SMOLVM_MAX_IMAGE_BYTES=%p gives %p bytes', (value, bytes) => {
    expect(maxArchiveBytes(value === undefined ? {} : { SMOLVM_MAX_IMAGE_BYTES: value })).toBe(bytes)
  })

  it('create refuses an archive over the limit before smolvm runs, naming size, limit and fix', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-image-cap-'))
    try {
      // the runner's docker: an image of root, saved as 5000 bytes
      const docker = path.join(dir, 'docker')
      fs.writeFileSync(
        docker,
        '#!/bin/sh\ncase "$1 $2" in\n"image inspect") echo "sha256:0123abcd " ;;\n"save --output") head -c 5000 /dev/zero > "$3" ;;\n*) exit 9 ;;\nesac\n',
        { mode: 0o755 }
      )
      const calls: string[] = []
      const backend = new SmolvmBackend('/nonexistent/smolvm', docker, path.join(dir, 'cache'), { SMOLVM_MAX_IMAGE_BYTES: '4999' })
      Object.assign(backend, { run: async (args: string[]) => (calls.push(args.join(' ')), { code: 0, stdout: '', stderr: '' }) })
      const err = await backend.create(testSpec('bb-cap', dir, { image: 'big-image' })).catch((e: Error) => e)
      expect((err as Error).message).toContain(
        'smolvm: the archive of image big-image is 0.0 GiB (5000 bytes); smolvm refuses an image archive over 0.0 GiB (4999 bytes)'
      )
      expect((err as Error).message).toContain('SMOLVM_MAX_IMAGE_BYTES')
      expect(calls.filter(c => c.startsWith('machine create'))).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
