import fs from 'node:fs'
import { runCommand } from '../util/process.js'
import type { RefUpdate } from './receive-pack.js'

/**
 * Answers "is this update a fast-forward?" from objects the gate owns: a bare scratch repo on
 * the host (never in the bottle), filled from the upstream itself with the gate's credential,
 * plus the pushed pack indexed into it. Objects the agent could write (the workspace's
 * .git) are never consulted, so a forged object cannot fake an ancestry.
 */
export class FastForwardChecker {
  private ready: Promise<void> | undefined

  constructor(
    private readonly dir: string,
    private readonly upstreamUrl: string,
    /** extra env for host git: the credential header and CA bundle, never in argv */
    private readonly gitEnv: NodeJS.ProcessEnv
  ) {}

  private git(args: string[], input?: NodeJS.ReadableStream) {
    return runCommand('git', ['--git-dir', this.dir, ...args], {
      input,
      timeoutMs: 10 * 60_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...this.gitEnv }
    })
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
      const r = await this.git(['init', '--bare', '--quiet'])
      if (r.code !== 0) throw new Error(`git init failed: ${r.stderr.trim()}`)
    })()
    return this.ready
  }

  private async fetch(refspecs: string[]): Promise<boolean> {
    const r = await this.git(['fetch', '--no-tags', '--quiet', this.upstreamUrl, ...refspecs])
    return r.code === 0
  }

  /**
   * For each update (by index), whether old is an ancestor of new (the pack, read from `pack()`,
   * holds new's objects; old is fetched from the upstream). An object that cannot be found
   * counts as "not a fast-forward".
   */
  async check(pack: () => NodeJS.ReadableStream, updates: readonly RefUpdate[]): Promise<boolean[]> {
    await this.init()
    await this.fetch(updates.map((u, i) => `+${u.ref}:refs/bot-bottle-gate/${i}`))
    let indexed = await this.git(['index-pack', '--stdin', '--fix-thin'], pack())
    if (indexed.code !== 0) {
      // a thin pack may lean on objects of other upstream refs: fetch them and try again
      await this.fetch(['+refs/heads/*:refs/bot-bottle-gate/heads/*', '+refs/tags/*:refs/bot-bottle-gate/tags/*'])
      indexed = await this.git(['index-pack', '--stdin', '--fix-thin'], pack())
    }
    const result: boolean[] = []
    for (const u of updates) {
      const r = indexed.code === 0 ? await this.git(['merge-base', '--is-ancestor', u.old, u.new]) : { code: 128 }
      result.push(r.code === 0)
    }
    return result
  }
}
