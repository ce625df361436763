// Where the harness keeps what it built or fetched (see guest-image.sh, claude-package.sh).
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
export const GUEST_IMAGE = process.env.BB_GUEST_IMAGE ?? 'bot-bottle-test-guest:bookworm-2'
export const RELAY_IMAGE = process.env.BB_RELAY_IMAGE ?? 'bot-bottle-test-relay:1'
export const MUSL_IMAGE = process.env.BB_MUSL_IMAGE ?? 'bot-bottle-test-musl:1'
export const CLAUDE_PKG_DIR = process.env.BB_CLAUDE_PKG_DIR ?? '/var/cache/bot-bottle-test'

/** @returns {string} */
export function defaultClaudeVersion() {
  const src = fs.readFileSync(path.join(root, 'src', 'config', 'fields.ts'), 'utf8')
  const m = /DEFAULT_CLAUDE_VERSION = '([^']+)'/.exec(src)
  if (!m) throw new Error('cannot read DEFAULT_CLAUDE_VERSION from src/config/fields.ts')
  return /** @type {string} */ (m[1])
}

/** The real claude package that claude-package.sh cached, as the registry double serves it. */
export function claudePackage(version = defaultClaudeVersion(), platform = 'linux-x64') {
  const tarballPath = path.join(CLAUDE_PKG_DIR, `anthropic-ai-claude-code-${platform}-${version}.tgz`)
  const metaPath = path.join(CLAUDE_PKG_DIR, `claude-code-${platform}-${version}.json`)
  if (!fs.existsSync(tarballPath) || !fs.existsSync(metaPath)) {
    throw new Error(`the claude package ${version} is not cached in ${CLAUDE_PKG_DIR}: run 'bash test/harness/claude-package.sh' (needs the npm registry)`)
  }
  const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'))
  return { name: `@anthropic-ai/claude-code-${platform}`, version, tarballPath, integrity: meta.integrity, shasum: meta.shasum }
}
