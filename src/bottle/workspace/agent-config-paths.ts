/**
 * What claude reads from a workspace as instructions, hooks, MCP servers and settings
 * (`.claude/`, `.mcp.json`, `.claude.json`, `CLAUDE.md`, `CLAUDE.local.md`), and `.gitmodules`:
 * the top-level names the bottle takes from a pull request's base (base-config.ts), whose changes
 * the door never brings back.
 */
export const AGENT_CONFIG_PATHS: readonly string[] = ['.claude', '.mcp.json', '.claude.json', 'CLAUDE.md', 'CLAUDE.local.md', '.gitmodules']

/** Whether a workspace path is (under) one of them. */
export function isAgentConfigPath(rel: string): boolean {
  return AGENT_CONFIG_PATHS.includes(rel.split('/')[0]!)
}
