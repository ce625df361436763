import { PassThrough } from 'node:stream'
import { TarWriter } from '../../util/tar/tar-writer.js'
import type { Guest } from '../launch/guest.js'

/** How much of the stream is buffered ahead of the guest's tar. */
const BUFFER_BYTES = 4 * 1024 * 1024

/**
 * Streams the tar archive `write` makes into `argv` run in the guest as `user` (its stdin), the
 * entries owned by `user`. Undefined when both sides ended well; else why not, in a few words:
 * the writer's error, the guest's own `bot-bottle:` line on stdout, or its first line of complaint (not
 * tar's closing summary).
 */
export async function tarIntoGuest(
  guest: Guest,
  argv: readonly string[],
  user: { uid: number; gid: number },
  write: (tar: TarWriter) => Promise<void>
): Promise<string | undefined> {
  const input = new PassThrough({ highWaterMark: BUFFER_BYTES })
  const untar = guest.backend.exec(guest.name, argv, { user, input })
  const tar = new TarWriter(input, user)
  const written = write(tar)
    .then(() => tar.end())
    .then(
      () => undefined,
      (err: unknown) => {
        input.destroy()
        return err as Error
      }
    )
  const [r, failed] = await Promise.all([untar, written])
  // a part of the guest's script that failed but could not set the exit code says so on stdout, with a `bot-bottle:` line
  const marked = r.stdout.split('\n').find(l => l.startsWith('bot-bottle: '))
  if (r.code === 0 && !failed && !marked) return undefined
  const said =
    marked?.slice('bot-bottle: '.length) ??
    r.stderr
      .trim()
      .split('\n')
      .find(l => l && !/Exiting with failure status/.test(l))
  return failed?.message ?? said ?? `exit ${r.code}`
}
