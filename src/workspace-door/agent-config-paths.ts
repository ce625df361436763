/**
 * What claude reads from a workspace as instructions, hooks, MCP and LSP servers, plugins and
 * settings — `.claude/`, `.claude-plugin/`, `.mcp.json`, `.lsp.json`, `.claude.json`, `CLAUDE.md`,
 * `CLAUDE.local.md`, `AGENTS.md` (claude's built-in agents-md plugin loads it as the project's
 * instructions where there is no CLAUDE.md) — and `.gitmodules`: at the top and in every
 * directory (claude loads a subdirectory's CLAUDE.md, rules and skills when it reads files there).
 * The names the bottle takes from a pull request's base (base-config.ts), whose changes the door
 * never brings back.
 */
export const AGENT_CONFIG_PATHS: readonly string[] = [
  '.claude',
  '.claude-plugin',
  '.mcp.json',
  '.lsp.json',
  '.claude.json',
  'CLAUDE.md',
  'CLAUDE.local.md',
  'AGENTS.md',
  '.gitmodules'
]

/** Whether a workspace path is, or lies under, one of them (at any depth). */
export function isAgentConfigPath(rel: string): boolean {
  return rel.split('/').some(c => AGENT_CONFIG_PATHS.includes(c))
}
