import fs from 'node:fs'
import path from 'node:path'
import { InputError } from '../util/errors.js'
import { readRegularFile } from '../util/no-follow.js'

/**
 * Paths of files the action reads from the checkout (`prompt-file`, `append-system-prompt-file`,
 * `skills`, `ca-certificates` files). The checkout may come from an untrusted pull request, whose
 * author can make `task.md` a link to `/proc/self/environ` or `~/.ssh/id_rsa`: a relative path (or
 * one inside the workspace) must resolve, links and all, to an entry inside the workspace. An
 * absolute path outside the workspace is what the workflow's author wrote, and is taken as given.
 */

const FIX =
  'Give a regular file inside the workspace (links that leave the workspace are refused: ' +
  'the checkout may come from an untrusted pull request), or an absolute path outside it'

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep)

/** The real path of `given` (relative to the workspace), checked as above; throws naming `input`. */
export function resolveCheckoutPath(input: string, given: string, workspace: string, kind: 'file' | 'directory'): string {
  const resolved = path.resolve(workspace, given)
  let real: string
  try {
    real = fs.realpathSync(resolved)
  } catch (err) {
    throw new InputError(
      input,
      `cannot read '${resolved}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'Give a path that exists, relative to the workspace or absolute'
    )
  }
  const realWorkspace = fs.realpathSync(workspace)
  const authorWroteOutside = path.isAbsolute(given) && !inside(workspace, resolved) && !inside(realWorkspace, resolved)
  if (!authorWroteOutside && !inside(realWorkspace, real)) throw new InputError(input, `'${given}' leads outside the workspace through a link`, FIX)
  const st = fs.statSync(real)
  if (kind === 'file' ? !st.isFile() : !st.isDirectory())
    throw new InputError(input, `'${given}' is not a ${kind === 'file' ? 'regular file' : 'directory'}`, FIX)
  return real
}

/** The text of a checked file input (at most 1 MiB: a prompt, a system prompt, a CA bundle). */
export function readCheckoutFile(input: string, given: string, workspace: string): string {
  const real = resolveCheckoutPath(input, given, workspace, 'file')
  const data = readRegularFile(real, 1024 * 1024)
  if (!data) throw new InputError(input, `'${given}' is not a readable regular file of at most 1 MiB`, FIX)
  return data.toString('utf8')
}
