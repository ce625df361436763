import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

/**
 * Which process on which machine (and boot) owns a run's resources, written as a label on each
 * of them, so a later run can tell a run that is still going (leave it) from one whose step was
 * killed without a post step (reap it). A pid alone is not enough: pids are reused, so the
 * process's start time goes with it, and the boot id tells a reboot apart.
 */
export const OWNER_LABEL = 'bot-bottle.owner'

interface Owner {
  host: string
  boot: string
  pid: number
  start: string
}

function bootId(): string {
  if (fs.existsSync('/proc/sys/kernel/random/boot_id')) return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  const r = spawnSync('sysctl', ['-n', 'kern.boottime'], { encoding: 'utf8' }) // macOS
  return r.status === 0 ? r.stdout.trim().replace(/\s+/g, ' ') : ''
}

/** The start time of a process as the kernel knows it, or undefined when there is no such process. */
export function startTimeOf(pid: number): string | undefined {
  try {
    // field 22 of /proc/<pid>/stat, counted after the command name (which may hold spaces and ')')
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    if (fs.existsSync('/proc/self/stat')) return undefined // Linux: no such process
  }
  const r = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }) // macOS
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined
}

export function currentOwner(): string {
  const owner: Owner = { host: os.hostname(), boot: bootId(), pid: process.pid, start: startTimeOf(process.pid) ?? '' }
  return [owner.host, owner.boot, owner.pid, owner.start].map(v => String(v).replace(/[|=,\s]/g, '_')).join('|')
}

/**
 * True only when the owner is provably gone: same machine, and either another boot or a pid that
 * no longer runs the process that made the label. Another machine's runs (a shared engine) and
 * labels we cannot read are never someone we may reap.
 */
export function ownerIsGone(label: string | undefined): boolean {
  const [host, boot, pid, start] = (label ?? '').split('|')
  const me = currentOwner().split('|')
  if (!host || !boot || !pid || !start || host !== me[0] || !me[1]) return false
  if (boot !== me[1]) return true
  const now = startTimeOf(Number(pid))
  return now === undefined || now.replace(/[|=,\s]/g, '_') !== start
}
