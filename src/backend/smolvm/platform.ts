/**
 * Whether this runner can boot smolvm micro-VMs, decided from facts read at the OS boundary
 * (platform, arch, /dev/kvm, glibc). The facts are gathered by `readHostFacts`; tests pass
 * their own.
 */
import fs from 'node:fs'
import os from 'node:os'
import { execFileSync } from 'node:child_process'

export interface HostFacts {
  platform: NodeJS.Platform
  arch: string
  /** Linux: does /dev/kvm exist, and can this user read and write it */
  kvm: 'missing' | 'denied' | 'ok'
  /** Linux: the glibc version (e.g. "2.36"), or undefined when there is no glibc */
  glibc?: string
  /** macOS: kern.hv_support (false on GitHub-hosted macOS runners, which cannot boot VMs) */
  hypervisor?: boolean
}

/** The release asset platform, or why there is none. */
export function smolvmPlatform(f: Pick<HostFacts, 'platform' | 'arch'>): { platform: string } | { refused: string } {
  if (f.platform === 'darwin' && f.arch === 'arm64') return { platform: 'darwin-arm64' }
  if (f.platform === 'linux' && f.arch === 'x64') return { platform: 'linux-x86_64' }
  if (f.platform === 'linux' && f.arch === 'arm64') return { platform: 'linux-arm64' }
  if (f.platform === 'darwin') return { refused: 'smolvm: macOS on Intel has no smolvm release (use a self-hosted Apple Silicon runner)' }
  return { refused: `smolvm: no smolvm release for ${f.platform}/${f.arch} (smolvm runs on Apple Silicon macOS and Linux x86_64/arm64)` }
}

const MIN_GLIBC = [2, 35] // the Linux assets are built on ubuntu-22.04

function glibcAtLeast(v: string): boolean {
  const [maj = 0, min = 0] = v.split('.').map(Number)
  return maj > MIN_GLIBC[0]! || (maj === MIN_GLIBC[0] && min >= MIN_GLIBC[1]!)
}

/** Why smolvm cannot boot VMs here (one line with the fix), or undefined when it can. */
export function smolvmRefusal(f: HostFacts): string | undefined {
  const p = smolvmPlatform(f)
  if ('refused' in p) return p.refused
  if (f.platform === 'darwin') {
    if (f.hypervisor === false) {
      return (
        'smolvm: this macOS runner has no Hypervisor.framework support ' +
        '(GitHub-hosted macOS runners cannot boot VMs: use a self-hosted Apple Silicon runner)'
      )
    }
    return undefined
  }
  if (f.kvm === 'missing') return 'smolvm: /dev/kvm does not exist (enable KVM / nested virtualization on this runner, or `modprobe kvm`)'
  if (f.kvm === 'denied') {
    return (
      'smolvm: /dev/kvm is not readable and writable by this user (add a udev rule: KERNEL=="kvm", GROUP="kvm", MODE="0666", ' +
      'then `udevadm control --reload-rules && udevadm trigger --name-match=kvm`; or add the user to the kvm group)'
    )
  }
  if (!f.glibc) return 'smolvm: no glibc on this runner (the Linux release needs glibc 2.35 or newer)'
  if (!glibcAtLeast(f.glibc)) return `smolvm: glibc ${f.glibc} is older than 2.35, which the Linux release needs (use Ubuntu 22.04 or newer)`
  return undefined
}

/** Reads the facts from this machine. */
export function readHostFacts(kvmPath = '/dev/kvm'): HostFacts {
  const facts: HostFacts = { platform: process.platform, arch: os.arch(), kvm: 'missing' }
  if (process.platform === 'linux') {
    if (fs.existsSync(kvmPath)) {
      try {
        fs.accessSync(kvmPath, fs.constants.R_OK | fs.constants.W_OK)
        facts.kvm = 'ok'
      } catch {
        facts.kvm = 'denied'
      }
    }
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
    facts.glibc = report?.header?.glibcVersionRuntime
  }
  if (process.platform === 'darwin') {
    try {
      facts.hypervisor = execFileSync('sysctl', ['-n', 'kern.hv_support'], { encoding: 'utf8' }).trim() === '1'
    } catch {
      facts.hypervisor = false
    }
  }
  return facts
}
