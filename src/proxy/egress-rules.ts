import net from 'node:net'
import { InputError } from '../util/errors.js'

export type EgressMode = 'allowlist' | 'none' | 'open'

/** Documented presets for `allowed-host-presets`. A `*.` wildcard does not match its apex. */
export const PRESETS: Record<string, string[]> = {
  github: ['github.com', 'api.github.com', 'codeload.github.com', 'uploads.github.com', 'raw.githubusercontent.com', 'objects.githubusercontent.com', '*.githubusercontent.com'],
  npm: ['registry.npmjs.org', 'registry.yarnpkg.com'],
  pypi: ['pypi.org', 'files.pythonhosted.org']
}

export interface EgressPolicy {
  mode: EgressMode
  /** exact hosts, `*.suffix` wildcards, or IP literals */
  rules: string[]
}

const HOST_RULE = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/** Parses `allowed-hosts` (newline or comma separated) and `allowed-host-presets`. */
export function parseEgressPolicy(mode: string, hosts: string, presets: string): EgressPolicy {
  if (!['allowlist', 'none', 'open'].includes(mode || 'allowlist')) {
    throw new InputError('egress', `invalid value (got '${mode}')`, "Expected one of 'allowlist', 'none', 'open'")
  }
  const rules: string[] = []
  for (const raw of hosts.split(/[\n,]/).map(s => s.trim().toLowerCase()).filter(Boolean)) {
    if (!HOST_RULE.test(raw) && net.isIP(raw.replace(/^\[|\]$/g, '')) === 0) {
      throw new InputError('allowed-hosts', `'${raw}' is not a host name, a *.suffix wildcard or an IP address`, 'Write hosts without scheme, port or path, e.g. api.github.com or *.npmjs.org')
    }
    rules.push(raw.replace(/^\[|\]$/g, ''))
  }
  for (const p of presets.split(/[\n,]/).map(s => s.trim().toLowerCase()).filter(Boolean)) {
    const list = PRESETS[p]
    if (!list) throw new InputError('allowed-host-presets', `unknown preset '${p}'`, `Use any of: ${Object.keys(PRESETS).join(', ')}`)
    rules.push(...list)
  }
  return { mode: (mode || 'allowlist') as EgressMode, rules: [...new Set(rules)] }
}

/**
 * The rule that allows `host`, or undefined. Exact hosts match themselves; `*.example.com`
 * matches any name below example.com but not example.com itself. IP literals match only an
 * identical IP rule, never a wildcard.
 */
export function matchRule(policy: EgressPolicy, host: string): string | undefined {
  if (policy.mode === 'open') return 'egress: open'
  if (policy.mode === 'none') return undefined
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (net.isIP(h)) return policy.rules.find(r => r === h)
  return policy.rules.find(r => (r.startsWith('*.') ? h.endsWith(r.slice(1)) && h.length > r.length - 1 : r === h))
}
