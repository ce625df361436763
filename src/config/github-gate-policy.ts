import { InputError } from '../util/errors.js'
import { booleanField, choiceField, inputOrDefault, listItems } from './fields.js'
import type { InputName, RawInputs } from './inputs.js'
import { type GitHubGatePolicy, type GitHubTool, READ_TOOLS, WRITE_TOOLS } from './github-gate-tools.js'

/** The conclusions a run can end with (the `conclusion` output's words, which outputs.ts vets and `github-apply-on` names). */
export const RUN_CONCLUSIONS = [
  'success',
  'failure',
  'max-turns',
  'timeout',
  'cancelled',
  'auth-error',
  'api-unreachable',
  'budget-exceeded',
  'invalid-output',
  'refused-changes',
  'error'
] as const

const LABEL = /^[^\s,][^,\n]{0,49}$/
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/

const words = (raw: RawInputs, name: InputName) => listItems(inputOrDefault(raw, name))

/** `github-tools`: tool names, `read` (every read tool) or `none`. */
function toolsField(raw: RawInputs): Set<GitHubTool> {
  const known: readonly string[] = [...READ_TOOLS, ...WRITE_TOOLS]
  const tools = new Set<GitHubTool>()
  const listed = words(raw, 'github-tools')
  if (listed.length === 1 && listed[0] === 'none') return tools
  for (const w of listed) {
    if (w === 'read') for (const t of READ_TOOLS) tools.add(t)
    else if (known.includes(w)) tools.add(w as GitHubTool)
    else
      throw new InputError(
        'github-tools',
        `${JSON.stringify(w.slice(0, 60))} is not a GitHub gate tool`,
        `Name tools from: ${known.join(', ')}; or 'read' for every read tool, or 'none'`
      )
  }
  return tools
}

/** `github-apply-on`: the conclusions after which queued writes are applied, or `always`. */
function applyOnField(raw: RawInputs): Set<string> {
  const listed = words(raw, 'github-apply-on')
  if (listed.length === 1 && listed[0] === 'always') return new Set(RUN_CONCLUSIONS)
  for (const w of listed)
    if (!(RUN_CONCLUSIONS as readonly string[]).includes(w))
      throw new InputError(
        'github-apply-on',
        `${JSON.stringify(w.slice(0, 60))} is not a conclusion`,
        `Name conclusions from: ${RUN_CONCLUSIONS.join(', ')}; or 'always'`
      )
  if (!listed.length) throw new InputError('github-apply-on', 'is empty', "Name at least one conclusion, e.g. 'success'")
  return new Set(listed)
}

/** The GitHub gate's inputs: github-tools, github-read-scope, github-labels, github-pull-request-bases, github-apply-on, progress-comment. */
export function githubGateSection(raw: RawInputs): GitHubGatePolicy {
  const labels = words(raw, 'github-labels')
  for (const l of labels)
    if (!LABEL.test(l))
      throw new InputError('github-labels', `${JSON.stringify(l.slice(0, 60))} is not a label name`, 'Give label names of up to 50 characters')
  const pullRequestBases = words(raw, 'github-pull-request-bases')
  for (const b of pullRequestBases)
    if (!BRANCH.test(b) || b.includes('..'))
      throw new InputError('github-pull-request-bases', `${JSON.stringify(b.slice(0, 60))} is not a branch name`, "Give branch names, e.g. 'main'")
  return {
    tools: toolsField(raw),
    readScope: choiceField(raw, 'github-read-scope', ['trigger', 'repository']),
    labels,
    pullRequestBases,
    applyOn: applyOnField(raw),
    progressComment: booleanField(raw, 'progress-comment')
  }
}
