// A throwaway certificate authority and a server certificate it signed for localhost and
// 127.0.0.1, made with the system openssl, for TLS tests that must not trust anything real.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function makeTestCa() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-ca-'))
  const f = name => path.join(dir, name)
  const ssl = (...a) => execFileSync('openssl', a, { stdio: 'pipe' })
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=bot-bottle test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  )
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr'))
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem')
  )
  const read = name => fs.readFileSync(f(name), 'utf8')
  const out = { dir, caFile: f('ca.pem'), ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') }
  return out
}
