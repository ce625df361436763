import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Config } from '../../config/config.js'
import { InputError } from '../../util/errors.js'
import { resolveCheckoutPath } from '../../config/checkout-path.js'
import { CLAUDE_TOOL_NAME } from '../../install/claude.js'
import { makePlaceholder } from '../../proxy/model-proxy.js'
import { guestUserFor } from './guest-user.js'
import { RUN_LABEL, type Plan, type SkillRef } from './plan.js'
import { currentOwner, OWNER_LABEL } from '../teardown/owner.js'
import { makeSlug } from './slug.js'
import { PROMPT_FILE } from '../../transcript/record-files.js'

/** Checks each skill directory holds a SKILL.md; names must be unique. */
export function resolveSkills(paths: string[], workspace: string): SkillRef[] {
  const seen = new Set<string>()
  return paths.map(given => {
    if (!fs.existsSync(given) || !fs.statSync(given).isDirectory()) {
      throw new InputError('skills', `skill directory '${given}' does not exist`, 'List directories that exist in the workspace, one per line')
    }
    const p = resolveCheckoutPath('skills', given, workspace, 'directory') // never a link out of the checkout
    if (!fs.existsSync(path.join(p, 'SKILL.md'))) {
      throw new InputError('skills', `skill directory '${p}' has no SKILL.md`, 'Each skill directory must hold a SKILL.md')
    }
    const name = path.basename(p)
    if (seen.has(name)) throw new InputError('skills', `two skills are named '${name}'`, 'Give each skill directory a distinct name')
    seen.add(name)
    return { name, hostPath: p }
  })
}

/**
 * Host side only, nothing started: makes the run's state dir (0700), writes the
 * system-prompt file (0600, empty when there is none) and the prompt's text (0600, for the
 * report), resolves skills and the guest user.
 */
export function prepare(config: Config, slug = makeSlug(config.runner.runId, config.runner.runAttempt)): Plan {
  const skills = resolveSkills(config.skills, config.workspace)
  const guestUser = guestUserFor(config.workspace)

  const stateDir = path.join(config.runner.runnerTemp, 'bot-bottle', slug)
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  fs.chmodSync(stateDir, 0o700)
  const systemPromptFile = path.join(stateDir, 'system-prompt.txt')
  fs.writeFileSync(systemPromptFile, config.appendSystemPrompt, { mode: 0o600 })
  // the report's copy of the task, read now: after the run prompt-file may be the agent's link
  fs.writeFileSync(path.join(stateDir, PROMPT_FILE), config.prompt, { mode: 0o600 })

  const claudeConfigDir = path.join(stateDir, 'claude-config')
  fs.mkdirSync(claudeConfigDir, { mode: 0o700 })
  const claudeCacheDir = path.join(config.runner.toolCache, CLAUDE_TOOL_NAME)
  fs.mkdirSync(claudeCacheDir, { recursive: true })

  return {
    config,
    slug,
    stateDir,
    systemPromptFile,
    claudeConfigDir,
    claudeCacheDir,
    skills,
    guestUser,
    bottleName: slug,
    networkName: `${slug}-net`,
    labels: { [RUN_LABEL]: slug, [OWNER_LABEL]: currentOwner() },
    placeholder: makePlaceholder(),
    daemonSecret: crypto.randomBytes(16).toString('hex')
  }
}
