// A KVM device node for one test, so the tests that drive the smolvm CLI double do not depend
// on this machine's /dev/kvm. It is a real node (character device 10:232, as /dev/kvm is), made
// with mknod in the test's own directory; the built action is pointed at it through
// BOT_BOTTLE_TEST_KVM_DEVICE and still checks that it exists and is readable and writable.
// Nothing opens it: the smolvm double boots no VM.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export const TEST_KVM_DEVICE_VAR = 'BOT_BOTTLE_TEST_KVM_DEVICE'

/**
 * Makes `<dir>/kvm` (mode 0666). Fails, with what is needed, where mknod is not allowed (not root).
 * @param {string} dir
 * @returns {{ path: string, env: Record<string, string>, remove(): void }}
 */
export function makeTestKvmDevice(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const dev = path.join(dir, 'kvm')
  fs.rmSync(dev, { force: true })
  try {
    execFileSync('mknod', ['-m', '0666', dev, 'c', '10', '232'], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const why = /** @type {{ stderr?: Buffer }} */ (err).stderr?.toString().trim() || String(err)
    throw new Error(
      `the smolvm e2e tests need a KVM device node of their own (\`mknod -m 0666 ${dev} c 10 232\`), and mknod failed: ${why}. ` +
        'Run the suite as root (CAP_MKNOD), as CI does.'
    )
  }
  return { path: dev, env: { [TEST_KVM_DEVICE_VAR]: dev }, remove: () => fs.rmSync(dev, { force: true }) }
}
