// The reference every bottle benchmark compares with: the same claude binary run directly on
// the host, against the loopback Messages API double, in a config dir of its own.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export const CLAUDE_FLAGS = ['-p', 'go', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions']

/** Runs `binary` in `ws` against `apiUrl`; resolves to its wall time in ms (throws unless it exits 0). */
export async function bareClaude(binary, ws, apiUrl, key, scratch) {
  const cfg = fs.mkdtempSync(path.join(scratch, 'cfg-'))
  const t0 = performance.now()
  // async: the API double runs in this process and must keep answering
  const code = await new Promise(resolve => {
    const child = spawn(binary, CLAUDE_FLAGS, {
      cwd: ws,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        HOME: cfg,
        CLAUDE_CONFIG_DIR: cfg,
        ANTHROPIC_BASE_URL: apiUrl,
        ANTHROPIC_API_KEY: key,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        IS_SANDBOX: '1'
      }
    })
    child.on('close', resolve)
  })
  const ms = performance.now() - t0
  if (code !== 0) throw new Error(`bare claude exited ${code}`)
  return ms
}
