import fs from 'node:fs'
import { BottleError } from '../../util/errors.js'
import { runCommand, type RunResult } from '../../util/process.js'

/**
 * What else a smolvm guest can reach on the runner. smolvm relays its gateway to every port
 * the host has on 127.0.0.1 (tcp_relay.rs:235-249, v1.9.3) and has no per-port allow-list, so
 * the services listening there before the run are reachable from the bottle beside the three
 * daemons. They are named in the log; a `smolvm serve` API among them is refused (it creates
 * machines with host mounts: a full escape).
 */
export interface LoopbackListener {
  /** as the OS shows it: 127.0.0.1, *, 0.0.0.0, [::] … */
  address: string
  port: number
  /** the listening process's name, where the OS tells it */
  command?: string
}

/** Addresses the gateway's relay to 127.0.0.1 reaches: loopback v4 and the wildcards. */
function reachable(address: string): boolean {
  return address === '*' || address === '0.0.0.0' || address === '[::]' || address === '::' || /^127\./.test(address)
}

/** `lsof -nP -iTCP -sTCP:LISTEN -F cn` (macOS, Linux): `c<command>` then `n<addr>:<port>` lines per process. */
export function parseLsof(out: string): LoopbackListener[] {
  const found: LoopbackListener[] = []
  let command: string | undefined
  for (const line of out.split('\n')) {
    if (line.startsWith('p')) command = undefined
    else if (line.startsWith('c')) command = line.slice(1)
    else if (line.startsWith('n')) {
      const m = /^(.*):(\d+)$/.exec(line.slice(1))
      if (m && reachable(m[1]!)) found.push({ address: m[1]!, port: Number(m[2]), command })
    }
  }
  return found
}

/** /proc/net/tcp and tcp6 (Linux without lsof): state 0A is LISTEN; addresses are hex, little-endian for v4. */
export function parseProcNetTcp(text: string, v6: boolean): LoopbackListener[] {
  const found: LoopbackListener[] = []
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols[3] !== '0A' || !cols[1]) continue
    const [hex, portHex] = cols[1].split(':')
    if (!hex || !portHex) continue
    let address: string
    if (v6) address = /^0+$/.test(hex) ? '[::]' : hex === '00000000000000000000000001000000' ? '[::1]' : `[${hex}]`
    else
      address = (hex.match(/../g) ?? [])
        .reverse()
        .map(b => parseInt(b, 16))
        .join('.')
    if (reachable(address)) found.push({ address, port: parseInt(portHex, 16) })
  }
  return found
}

type Run = (cmd: string, args: string[]) => Promise<RunResult>

/** The runner's listeners a smolvm guest could reach (deduplicated, by port). */
export async function loopbackListeners(run: Run = (c, a) => runCommand(c, a, { timeoutMs: 10_000 }), procNet = '/proc/net'): Promise<LoopbackListener[]> {
  const lsof = await run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '-F', 'cn']).catch(() => undefined)
  let found: LoopbackListener[]
  // lsof exits 1 when nothing matches: that is an answer too
  if (lsof && (lsof.code === 0 || (lsof.code === 1 && !lsof.stdout.trim()))) found = parseLsof(lsof.stdout)
  else {
    found = []
    for (const [file, v6] of [
      ['tcp', false],
      ['tcp6', true]
    ] as const) {
      const proc = `${procNet}/${file}`
      const text = fs.existsSync(proc) ? fs.readFileSync(proc, 'utf8') : '' // no /proc (macOS without lsof): nothing to name
      found.push(...parseProcNetTcp(text, v6))
    }
  }
  const byPort = new Map<number, LoopbackListener>()
  for (const l of found) if (!byPort.has(l.port) || (l.command && !byPort.get(l.port)!.command)) byPort.set(l.port, l)
  return [...byPort.values()].sort((a, b) => a.port - b.port)
}

/** Refuses a runner whose loopback serves smolvm's own API; otherwise the log line naming what the guest can reach. */
export function loopbackVerdict(listeners: LoopbackListener[]): string {
  const api = listeners.find(l => /^smolvm/.test(l.command ?? ''))
  if (api) {
    throw new BottleError(
      `smolvm: ${api.command} listens on ${api.address}:${api.port} on this runner, and a smolvm guest reaches every port of the runner's loopback: ` +
        'the agent could use that API to create machines with host mounts',
      'Stop `smolvm serve` (or bind it where the gateway does not relay) before running bot-bottle with backend smolvm'
    )
  }
  if (!listeners.length) return "smolvm: nothing else listens on the runner's loopback: the guest reaches only the bottle's daemons there"
  const list = listeners.map(l => `${l.address}:${l.port}${l.command ? ` (${l.command})` : ''}`).join(', ')
  return (
    "smolvm: besides the bottle's daemons, the guest can reach these services on the runner's loopback " +
    `(smolvm relays its gateway to every loopback port): ${list}. Keep nothing unauthenticated there`
  )
}
