/**
 * Whether this runner can boot smolvm micro-VMs, decided from facts read at the OS boundary
 * (platform, arch, /dev/kvm, glibc). The facts are gathered by `readHostFacts`; unit tests pass
 * their own, e2e tests name their own KVM device node (TEST_KVM_DEVICE_VAR).
 */
import fs from 'node:fs'
import os from 'node:os'
import { execFileSync } from 'node:child_process'

export const KVM_DEVICE = '/dev/kvm'

/**
 * Test-only: the path of a KVM device node to check instead of /dev/kvm. The e2e tests that
 * drive the smolvm CLI double run the built action as a real process; on a runner without KVM
 * they would get the docker fallback. The harness makes a real KVM node (`mknod c 10 232`, as
 * root) in the test's own directory and names it here; the action still checks it exists and
 * that this user can read and write it. Only KVM's device node passes, so a plain file (or a
 * link) cannot claim KVM; a path where nothing exists is a missing KVM device.
 */
export const TEST_KVM_DEVICE_VAR = 'BOT_BOTTLE_TEST_KVM_DEVICE'

export interface HostFacts {
  platform: NodeJS.Platform
  arch: string
  /**
   * Linux: does the KVM device exist, and can this user read and write it; `not-kvm`: the test
   * device named by BOT_BOTTLE_TEST_KVM_DEVICE is something other than KVM's device node
   */
  kvm: 'missing' | 'denied' | 'ok' | 'not-kvm'
  /** Linux: the KVM device node checked (default /dev/kvm) */
  kvmDevice?: string
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
  const dev = f.kvmDevice ?? KVM_DEVICE
  if (f.kvm === 'missing') return `smolvm: ${dev} does not exist (enable KVM / nested virtualization on this runner, or \`modprobe kvm\`)`
  if (f.kvm === 'not-kvm') {
    return `smolvm: ${dev}, named by ${TEST_KVM_DEVICE_VAR}, is not KVM's device node (make one with \`mknod -m 0666 ${dev} c 10 232\`, as root)`
  }
  if (f.kvm === 'denied') {
    return (
      `smolvm: ${dev} is not readable and writable by this user (add a udev rule: KERNEL=="kvm", GROUP="kvm", MODE="0666", ` +
      'then `udevadm control --reload-rules && udevadm trigger --name-match=kvm`; or add the user to the kvm group)'
    )
  }
  if (!f.glibc) return 'smolvm: no glibc on this runner (the Linux release needs glibc 2.35 or newer)'
  if (!glibcAtLeast(f.glibc)) return `smolvm: glibc ${f.glibc} is older than 2.35, which the Linux release needs (use Ubuntu 22.04 or newer)`
  return undefined
}

/** The KVM device node to check: /dev/kvm, or the test's own (`test` true). */
export interface KvmDevice {
  path: string
  test: boolean
}

export function kvmDeviceFrom(env: NodeJS.ProcessEnv): KvmDevice {
  const named = env[TEST_KVM_DEVICE_VAR]
  return named ? { path: named, test: true } : { path: KVM_DEVICE, test: false }
}

/** KVM's device number: misc major 10, KVM_MINOR 232 (include/linux/miscdevice.h). */
const KVM_MAJOR = 10n
const KVM_MINOR = 232n

/** What is at the test's path, itself (lstat: a link to a KVM node is not one): glibc's gnu_dev_major / gnu_dev_minor. */
function testNodeKind(p: string): 'missing' | 'not-kvm' | 'kvm' {
  let st: fs.BigIntStats
  try {
    st = fs.lstatSync(p, { bigint: true })
  } catch {
    return 'missing'
  }
  if (!st.isCharacterDevice()) return 'not-kvm'
  const major = ((st.rdev >> 8n) & 0xfffn) | ((st.rdev >> 32n) & ~0xfffn)
  const minor = (st.rdev & 0xffn) | ((st.rdev >> 12n) & ~0xffn)
  return major === KVM_MAJOR && minor === KVM_MINOR ? 'kvm' : 'not-kvm'
}

function kvmAccess(dev: KvmDevice): HostFacts['kvm'] {
  if (dev.test) {
    const kind = testNodeKind(dev.path)
    if (kind !== 'kvm') return kind
  } else if (!fs.existsSync(dev.path)) {
    return 'missing'
  }
  try {
    fs.accessSync(dev.path, fs.constants.R_OK | fs.constants.W_OK)
    return 'ok'
  } catch {
    return 'denied'
  }
}

/** Reads the facts from this machine; `kvm` is the device node to check. */
export function readHostFacts(kvm: KvmDevice = { path: KVM_DEVICE, test: false }): HostFacts {
  const facts: HostFacts = { platform: process.platform, arch: os.arch(), kvm: 'missing' }
  if (process.platform === 'linux') {
    facts.kvmDevice = kvm.path
    facts.kvm = kvmAccess(kvm)
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
