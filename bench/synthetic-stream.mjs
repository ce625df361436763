// A claude stream-json transcript of a long run, for the benchmarks: each turn a text, a Bash
// call, and a 40-line tool output; then a result line.
import fs from 'node:fs'

/** Writes the transcript of `turns` turns to `file`. */
export function writeSyntheticStream(file, turns) {
  const lines = [JSON.stringify({ type: 'system', subtype: 'init', session_id: 's', model: 'm' })]
  for (let t = 1; t <= turns; t++) {
    lines.push(
      JSON.stringify({
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: `Turn ${t}: looking at src/file${t}.ts` },
            { type: 'tool_use', id: `tu${t}`, name: 'Bash', input: { command: `npm test -- file${t}` } }
          ],
          usage: { input_tokens: 2000, output_tokens: 150 }
        }
      })
    )
    lines.push(
      JSON.stringify({
        type: 'user',
        message: { content: [{ type: 'tool_result', tool_use_id: `tu${t}`, content: `PASS src/file${t}.test.ts\n`.repeat(40) }] }
      })
    )
  }
  lines.push(
    JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'done',
      num_turns: turns,
      total_cost_usd: 12.3,
      duration_ms: 600000,
      usage: { input_tokens: 1, output_tokens: 1 }
    })
  )
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
}
