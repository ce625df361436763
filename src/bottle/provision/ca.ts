import fs from 'node:fs'
import path from 'node:path'
import { CommandError } from '../../util/errors.js'
import { GUEST_CA_BUNDLE, GUEST_CA_DIR, GUEST_CA_FILE, type Guest } from '../launch/guest.js'

// As root: the system store via update-ca-certificates where the image has it (else appended to
// the distro bundle), then one bundle of the system roots plus ours at a fixed path.
const INSTALL = `set -e
if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates >/dev/null 2>&1
else mkdir -p /etc/ssl/certs; cat "$1" >> /etc/ssl/certs/ca-certificates.crt; fi
mkdir -p "$(dirname "$2")"
for b in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
  if [ -f "$b" ]; then cat "$b" > "$2"; break; fi
done
grep -qF "$(sed -n 2p "$1")" "$2" 2>/dev/null || cat "$1" >> "$2"
chmod 0644 "$1" "$2"`

/** Installs the run's extra CAs into the guest (nothing to do without `ca-certificates`). */
export async function provisionCa(bottle: Guest): Promise<void> {
  const certs = bottle.plan.config.caCertificates
  if (certs.length === 0) return
  const dir = path.join(bottle.plan.stateDir, 'ca')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, path.basename(GUEST_CA_FILE))
  fs.writeFileSync(file, certs.join(''), { mode: 0o644 })
  const root = { uid: 0, gid: 0 }
  await bottle.backend.copyIn(bottle.name, file, GUEST_CA_DIR, { user: root })
  const r = await bottle.backend.exec(bottle.name, ['sh', '-c', INSTALL, 'sh', GUEST_CA_FILE, GUEST_CA_BUNDLE], { user: root })
  if (r.code !== 0) throw new CommandError('installing ca-certificates in the guest', r.code, r.stderr, 'The guest image needs sh, cat and grep')
}
