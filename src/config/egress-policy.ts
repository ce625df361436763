import { parseRule, PRESETS, type EgressMode, type EgressPolicy } from './egress-rules.js'
import { InputError } from '../util/errors.js'
import { choiceField, listItems } from './fields.js'

/** Parses `egress`, `allowed-hosts` (newline or comma separated) and `allowed-host-presets`. */
export function parseEgressPolicy(mode: string, hosts: string, presets: string): EgressPolicy {
  const egress: EgressMode = choiceField({ egress: mode }, 'egress', ['allowlist', 'none', 'open'])
  const rules: string[] = []
  for (const raw of listItems(hosts)) {
    const rule = parseRule(raw)
    if (!rule) {
      throw new InputError(
        'allowed-hosts',
        `'${raw}' is not a host name, a *.suffix wildcard, an IP address or a CIDR network, optionally with :port`,
        'Write hosts without scheme or path, e.g. api.github.com, *.npmjs.org, github.com:22, 10.0.0.0/8 (ports 80 and 443 unless one is given)'
      )
    }
    rules.push(rule.text)
  }
  for (const p of listItems(presets).map(s => s.toLowerCase())) {
    const list = PRESETS[p]
    if (!list) throw new InputError('allowed-host-presets', `unknown preset '${p}'`, `Use any of: ${Object.keys(PRESETS).join(', ')}`)
    rules.push(...list)
  }
  return { mode: egress, rules: [...new Set(rules)] }
}
