import { spawn } from 'node:child_process'
import path from 'node:path'
import { CommandError } from '../util/errors.js'
import type { Backend, ExecOptions } from './types.js'

/**
 * Copies a host file or directory into `guestDir` (created if missing) with one exec: tar on
 * the host, untar in the guest as opts.user, so the files end up owned by that user. Any
 * backend whose exec forwards stdin can use it.
 */
export async function copyInByTar(exec: Backend['exec'], name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
  // macOS tar would add an AppleDouble `._name` file beside each file with extended attributes
  const tar = spawn('tar', ['-c', '-C', path.dirname(hostPath), path.basename(hostPath)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COPYFILE_DISABLE: '1' }
  })
  const untar = ['sh', '-c', 'mkdir -p "$1" && tar -x -o -f - -C "$1"', 'sh', guestDir]
  const r = await exec(name, untar, { ...opts, input: tar.stdout })
  if (r.code !== 0) throw new CommandError(`copy ${hostPath} into the guest`, r.code, r.stderr, 'The guest image needs `sh` and `tar`')
}
