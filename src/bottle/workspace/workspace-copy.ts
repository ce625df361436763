import fs from 'node:fs'
import * as core from '@actions/core'
import type { BackendKind, Mount } from '../../backend/types.js'
import type { Config } from '../../config/config.js'
import { gateOrigin, type GateOrigin } from '../../gitgate/origin.js'
import { Redactor } from '../../transcript/redact.js'
import { BottleError } from '../../util/errors.js'
import { checkDoorTools } from '../../workspace-door/guest-tools.js'
import { readGitCredentials, workspaceGitSecrets } from '../../gitgate/git-credentials.js'
import type { Guest } from '../launch/guest.js'
import { copyWorkspaceIn } from './copy-in.js'
import { gitDirBytes, heldBackInRepo, type RepoDraft, readGuestRepo, shareableObjects } from './guest-repo.js'
import { GUEST_OBJECTS, MEMORY_DIR, makeStage, packDirOf, Stage, type Staged, stageMounts, stageWant, stageWorkspace } from './stage.js'
import { copyPullRequestConfigIn } from './pull-request-config-in.js'
import { footprint, type Manifest, readManifest } from '../../workspace-door/manifest.js'

/**
 * The bottle works on its own copy of the workspace. Before anything starts: the runner's tree
 * is listed (the manifest the door compares with after the run), the checkout's credentials are
 * read for the redactor and the git gate (never changed, never copied), and the gate's upstream
 * found. Once the bottle runs: the copy goes in.
 */
export interface WorkspaceCopy {
  manifest: Manifest
  /** bytes the bottle's repository takes (the runner's objects and index) */
  repoBytes: number
  /** the known secrets and every credential of the checkout */
  redactor: Redactor
  secrets: string[]
  /** the upstream the git gate serves (undefined: no http(s) origin, no gate) */
  origin?: GateOrigin
  /** the runner's git objects, when the bottle borrows them read-only instead of a copy */
  objectsDir?: string
  /** where vetted copies of files are written for the guest to copy (made with the bottle's mounts) */
  stage?: Stage
  /** the staging under way while the bottle starts */
  staging?: Promise<Staged>
  /** the bottle's repository, read from the runner's while the bottle starts */
  repo?: Promise<RepoDraft | undefined>
  /** where its objects are packed when they are not borrowed (removed once copied) */
  packDir?: string
}

export async function readWorkspace(config: Config, known: string[]): Promise<WorkspaceCopy> {
  const gitSecrets = workspaceGitSecrets(config.workspace)
  for (const s of gitSecrets) core.setSecret(s)
  const secrets = [...known, ...gitSecrets]
  const manifest = readManifest(config.workspace)
  const origin = await gateOrigin(config.workspace, await readGitCredentials(config.workspace), config.git.token)
  if (!origin) core.info('git gate: off (the workspace has no http(s) origin)')
  const objectsDir = await shareableObjects(config.workspace)
  return { manifest, repoBytes: gitDirBytes(config.workspace, objectsDir !== undefined), redactor: new Redactor(secrets), secrets, origin, objectsDir }
}

/**
 * The bottle's read-only mounts for the copy in (the staging directory, the borrowed objects).
 * Makes the staging directory and starts filling it, to run while the bottle starts.
 */
export function workspaceMounts(copy: WorkspaceCopy, stateDir: string, backend: BackendKind): Mount[] {
  // smolvm refuses to mount anything under /dev (its storage.rs:36-68): its stage is on disk
  const stage = new Stage(makeStage(stateDir, stageWant(copy.manifest), backend === 'docker' ? MEMORY_DIR : null))
  copy.stage = stage
  copy.staging = stageWorkspace(copy.manifest, stage, copy.secrets)
  copy.staging.catch(() => undefined) // awaited by the copy in; a run that ends before it only clears the stage
  copy.packDir = packDirOf(stateDir)
  copy.repo = readGuestRepo(copy.manifest.root, copy.objectsDir ? { borrowAt: GUEST_OBJECTS } : { packInto: copy.packDir })
  copy.repo.catch(() => undefined)
  return stageMounts(stage.dir, copy.objectsDir)
}

/** The bottle's workspace directory: room for the copy plus what the door lets come back. */
export function workspaceRoom(copy: WorkspaceCopy, config: Config): { path: string; maxBytes: number; maxEntries: number } {
  const { bytes, entries } = footprint(copy.manifest)
  // 64 MiB and 10,000 entries of slack cover git's own bookkeeping (a commit's objects, the index rewritten)
  return {
    path: config.workspace,
    maxBytes: bytes + copy.repoBytes + config.workspaceChanges.maxBytes + 64 * 1024 * 1024,
    maxEntries: entries + 2 * config.workspaceChanges.maxFiles + 10_000
  }
}

/**
 * Copies the workspace and the bottle's own repository (origin at the gate's guest URL) into the
 * bottle, once the image is known to have the tools the door needs to bring changes back.
 */
export async function provisionWorkspace(
  guest: Guest,
  copy: WorkspaceCopy,
  gateUrl: string | undefined,
  config: Pick<Config, 'image' | 'workspaceChanges'>
): Promise<void> {
  const started = Date.now()
  // asked beside the copy (an exec's round trip less); an image without the tools fails with that, not with what its tar said
  const tools =
    config.workspaceChanges.mode !== 'none'
      ? checkDoorTools(guest.backend, guest.name, guest.plan.guestUser, copy.manifest.root, config.image)
      : Promise.resolve()
  tools.catch(() => undefined)
  try {
    if (!copy.repo) throw new Error('the bottle was started without its workspace mounts (workspaceMounts)')
    const repo = (await copy.repo)?.withOrigin(gateUrl)
    const copied = await copyWorkspaceIn(guest, copy.manifest, repo, copy.secrets, copy.staging).catch(async err => {
      await tools
      throw err
    })
    await tools
    await copyPullRequestConfigIn(guest, copy.manifest, copy.secrets)
    // before claude starts: a file kept out must not be in the bottle's git either
    const tracked = repo ? await heldBackInRepo(copy.manifest.root, copy.manifest.heldBack, copy.secrets) : []
    if (tracked.length)
      throw new BottleError(
        `workspace: ${tracked.join(', ')} ${tracked.length > 1 ? 'are' : 'is'} kept out of the bottle (${copy.manifest.heldBack.get(tracked[0]!)}), ` +
          `but git tracks ${tracked.length > 1 ? 'them' : 'it'}: the content would reach the agent through the bottle's repository ` +
          '(the index or HEAD). Claude was not started',
        'Untrack it in the step that added it (`git rm --cached <path>`), or write it outside the workspace'
      )
    if (copy.stage && !copy.stage.usable) core.info('workspace: the stage could not take more files: the rest went through the exec stream')
    const where = copy.stage?.dir.startsWith(`${MEMORY_DIR}/`) ? ' (in memory)' : ''
    core.info(
      `workspace: copied into the bottle in ${Date.now() - started} ms (${copied.files} files, ${copied.staged} of them through the stage${where}, ` +
        `${(copied.bytes / 1048576).toFixed(1)} MiB${repo ? `; its own repository: ${repo.summary}` : '; not a git checkout'})`
    )
  } finally {
    // emptied while claude starts: the copies are of no use once the guest has its own (what it sees meanwhile is what it has)
    copy.stage?.clear().catch(() => undefined)
    if (copy.packDir) fs.promises.rm(copy.packDir, { recursive: true, force: true }).catch(() => undefined)
  }
}
