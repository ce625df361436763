// Decoy hosts in a network namespace the test creates (`ip netns add` + a veth pair), so
// escape attempts have a real, routable target that is neither loopback nor anyone else's
// address. The decoy answers TCP on 8080 (IPv4 and IPv6) and UDP on 53 (a would-be resolver, echoing),
// and records every packet that reaches it.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const DECOY = `
const net = require('node:net'), dgram = require('node:dgram'), fs = require('node:fs')
const log = process.argv[1]
const hit = (kind, from) => fs.appendFileSync(log, JSON.stringify({ kind, from }) + '\\n')
net.createServer(s => { hit('tcp', s.remoteAddress); s.end('HTTP/1.1 200 OK\\r\\ncontent-length: 6\\r\\nconnection: close\\r\\n\\r\\ndecoy\\n') }).listen(8080, '::', () => {
  const udp = dgram.createSocket('udp6') // dual stack: IPv4 too
  udp.on('message', (m, r) => { hit('udp', r.address); udp.send(m, r.port, r.address) }).bind(53, '::') // answers, like a resolver would
  setTimeout(() => console.log('ready'), 200)
})
`

/** Creates namespace + veth + decoy; `n` picks the subnet (10.213.n.0/30, fd00:bb:n::/64). */
export async function startNetnsDecoy(n = 1) {
  const ns = `bbtest-${process.pid}-${n}`
  const hostIf = `bbh${process.pid % 10000}${n}`
  const nsIf = `bbn${process.pid % 10000}${n}`
  const ip = (...a) => execFileSync('ip', a, { stdio: 'pipe' })
  const v4 = { host: `10.213.${n}.1`, decoy: `10.213.${n}.2` }
  const v6 = { host: `fd00:bb:${n}::1`, decoy: `fd00:bb:${n}::2` }
  ip('netns', 'add', ns)
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf)
    ip('link', 'set', nsIf, 'netns', ns)
    ip('addr', 'add', `${v4.host}/30`, 'dev', hostIf)
    ip('-6', 'addr', 'add', `${v6.host}/64`, 'dev', hostIf, 'nodad')
    ip('link', 'set', hostIf, 'up')
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${v4.decoy}/30`, 'dev', nsIf)
    ip('netns', 'exec', ns, 'ip', '-6', 'addr', 'add', `${v6.decoy}/64`, 'dev', nsIf, 'nodad')
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up')
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up')
    ip('netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', v4.host)
  } catch (err) {
    try { ip('link', 'del', hostIf) } catch {}
    ip('netns', 'del', ns)
    throw err
  }
  const hitsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'decoy-')), 'hits.jsonl')
  fs.writeFileSync(hitsFile, '')
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', DECOY, hitsFile], { stdio: ['ignore', 'pipe', 'inherit'] })
  const close = async () => {
    child.kill('SIGKILL')
    try { ip('link', 'del', hostIf) } catch {}
    try { ip('netns', 'del', ns) } catch {}
    fs.rmSync(path.dirname(hitsFile), { recursive: true, force: true })
  }
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('netns decoy did not start within 10 s')), 10_000)
      child.stdout.once('data', () => { clearTimeout(t); resolve() })
      child.once('exit', code => { clearTimeout(t); reject(new Error(`netns decoy exited ${code}`)) })
    })
  } catch (err) {
    await close()
    throw err
  }
  return {
    ns, v4, v6, close,
    hits: () => fs.readFileSync(hitsFile, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
  }
}
