/** Outputs a workflow may interpolate, and the job summary, cannot carry the agent's markup or code. */
import { vetOutputs, type Outputs } from '../../src/bottle/collect/outputs.js'
import { renderSummary } from '../../src/transcript/summary.js'

const base: Outputs = {
  conclusion: 'success',
  result: 'ok',
  'session-id': '123e4567-e89b-42d3-a456-426614174000',
  'num-turns': '2',
  'cost-usd': '0.0123',
  'input-tokens': '100',
  'output-tokens': '20',
  'duration-ms': '900',
  backend: 'docker',
  'transcript-dir': '/tmp/x',
  'pushed-refs': 'refs/heads/bot-bottle/fix',
  'structured-output': '{"verdict":"approve"}',
  'workspace-patch': '/tmp/x/workspace.patch',
  'review-url': 'https://github.com/octo/widgets/pull/7#pullrequestreview-80',
  'comment-url': 'https://github.com/octo/widgets/pull/7#issuecomment-1',
  'pull-request-url': 'https://github.com/octo/widgets/pull/8'
}

describe('outputs', () => {
  it('keeps values of their fixed forms, result verbatim', () => {
    const warned: string[] = []
    const hostile = { ...base, result: '"; touch pwned; " $(id) `id`\nline' }
    expect(vetOutputs(hostile, m => warned.push(m))).toEqual(hostile)
    expect(warned).toEqual([])
  })
  it('drops what is not of its form, with a warning naming the output', () => {
    const warned: string[] = []
    const v = vetOutputs(
      {
        ...base,
        conclusion: 'success"; id; "',
        'session-id': '$(touch x)',
        'cost-usd': '1; id',
        'num-turns': '2`id`',
        backend: 'docker$(id)',
        'pushed-refs': 'refs/heads/ok\nrefs/heads/$(touch x)\nrefs/heads/a..b',
        'review-url': 'https://github.com/o/r/pull/1 $(id)',
        'comment-url': 'javascript:alert(1)',
        'pull-request-url': 'https://github.com/o/r/pull/2\nhttps://evil.example/'
      },
      m => warned.push(m)
    )
    expect(v).toMatchObject({ conclusion: 'error', 'session-id': '', 'cost-usd': '0', 'num-turns': '0', backend: '', 'pushed-refs': 'refs/heads/ok' })
    expect(v).toMatchObject({ 'review-url': '', 'comment-url': '', 'pull-request-url': '' })
    expect(warned.map(w => w.split("'")[1])).toEqual([
      'conclusion',
      'backend',
      'session-id',
      'num-turns',
      'cost-usd',
      'pushed-refs',
      'review-url',
      'comment-url',
      'pull-request-url'
    ])
  })
})

describe('job summary', () => {
  const hostileText = '[success](https://evil.example) ![x](https://evil.example/i.png) <img src=x onerror=alert(1)> **PASSED** <details>'
  const summary = renderSummary({
    outputs: { ...base, result: `fine\n\`\`\`\`\`\`\n# ✅ All checks passed\n${hostileText}\n\`\`\`\`` },
    figures: { source: 'model-proxy', turns: 2, inputTokens: 1, outputTokens: 1, costUsd: 0, refusedModelRequests: 0, discrepancies: [hostileText] },
    model: { events: [{ k: 'tool', name: hostileText }] } as never,
    blockedEgress: 0,
    pushedRefs: ['refs/heads/bot-bottle/fix'],
    transcriptDir: '/tmp/x'
  })
  it("shows the agent's words as text: no link, image, HTML or emphasis outside the result fence", () => {
    const fence = /^(`{4,})$/m.exec(summary.slice(summary.indexOf('**Result**')))![1]!
    const [before, inFence] = [summary.slice(0, summary.indexOf(fence)), summary.slice(summary.indexOf(fence) + fence.length, summary.lastIndexOf(fence))]
    expect(before).not.toMatch(/(^|[^\\])\]\(|<img|<details|(^|[^\\])\*\*PASSED/)
    expect(before).toContain('\\[success\\](https://evil.example)')
    // the result cannot close its fence: the fence is longer than any backtick run inside
    expect(fence.length).toBeGreaterThan(6)
    expect(inFence).toContain('# ✅ All checks passed')
    expect(summary.slice(summary.lastIndexOf(fence) + fence.length)).not.toContain('All checks passed')
  })
})
