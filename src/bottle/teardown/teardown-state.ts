import type { BackendRef } from '../../backend/types.js'

/** What the post step needs to tear down what the main step started (saved with core.saveState). */
export interface TeardownState extends BackendRef {
  /** every resource of the run carries the label bot-bottle.run=<slug> */
  slug?: string
  bottleName?: string
  networkName?: string
  stateDir?: string
  /** the main step removed the bottle, its relay and its network by name, each confirmed gone: the post step need not sweep */
  tornDown?: boolean
}

export const TEARDOWN_STATE_KEY = 'bottle'

export function encodeTeardownState(s: TeardownState): string {
  return JSON.stringify(s)
}

export function decodeTeardownState(text: string): TeardownState | undefined {
  if (!text) return undefined
  try {
    const v = JSON.parse(text) as TeardownState
    return v && (v.backend === 'docker' || v.backend === 'smolvm') ? v : undefined
  } catch {
    return undefined
  }
}
