/**
 * claude's flags for the GitHub gate: one MCP server, `github`, over streamable HTTP at the
 * gate's guest URL (its path holds the per-run secret, as the git gate's does). Its tools are
 * `mcp__github__<tool>`. The flag takes several values: a flag always follows it in the argv.
 */
export function mcpFlags(githubUrl: string | undefined): string[] {
  if (!githubUrl) return []
  return ['--mcp-config', JSON.stringify({ mcpServers: { github: { type: 'http', url: githubUrl } } })]
}
