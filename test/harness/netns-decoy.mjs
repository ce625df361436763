// Decoy hosts in a network namespace the test creates (`ip netns add` + a veth pair), so
// escape attempts have a real, routable target that is neither loopback nor anyone else's
// address. The decoy answers TCP on 8080 (IPv4 and IPv6) and UDP on 53 (a would-be resolver, echoing),
// optionally TLS on 443 (given a certificate), and records every packet that reaches it.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const DECOY = `
const net = require('node:net'), dgram = require('node:dgram'), fs = require('node:fs')
const log = process.argv[1]
const hit = (kind, from, extra) => fs.appendFileSync(log, JSON.stringify({ kind, from, ...extra }) + '\\n')
if (process.argv[2]) {
  const tls = require('node:tls')
  const server = tls.createServer({ cert: fs.readFileSync(process.argv[2]), key: fs.readFileSync(process.argv[3]) }, s => { hit('tls', s.remoteAddress, { servername: s.servername }); s.end('HTTP/1.1 200 OK\\r\\ncontent-length: 10\\r\\nconnection: close\\r\\n\\r\\ntls decoy\\n') })
  server.on('connection', s => hit('tls-tcp', s.remoteAddress)) // any TCP reach counts, handshake or not
  server.listen(443, '::')
}
net.createServer(s => { hit('tcp', s.remoteAddress); s.end('HTTP/1.1 200 OK\\r\\ncontent-length: 6\\r\\nconnection: close\\r\\n\\r\\ndecoy\\n') }).listen(8080, '::', () => {
  const udp = dgram.createSocket('udp6') // dual stack: IPv4 too
  udp.on('message', (m, r) => { hit('udp', r.address); udp.send(m, r.port, r.address) }).bind(53, '::') // answers, like a resolver would
  setTimeout(() => console.log('ready'), 200)
})
`

/**
 * Creates namespace + veth + decoy; `n` picks the subnet (10.213.n.0/30, fd00:bb:n::/64).
 * @param {number} [n]
 * @param {{ tls?: { cert: string, key: string } }} [opts] a certificate and key (PEM): also answer TLS on 443
 */
export async function startNetnsDecoy(n = 1, opts = {}) {
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
    try {
      ip('link', 'del', hostIf)
    } catch {}
    ip('netns', 'del', ns)
    throw err
  }
  const hitsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'decoy-')), 'hits.jsonl')
  fs.writeFileSync(hitsFile, '')
  const tlsArgs = []
  if (opts.tls) {
    for (const [name, pem] of [
      ['cert.pem', opts.tls.cert],
      ['key.pem', opts.tls.key]
    ]) {
      fs.writeFileSync(path.join(path.dirname(hitsFile), name), pem, { mode: 0o600 })
      tlsArgs.push(path.join(path.dirname(hitsFile), name))
    }
  }
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', DECOY, hitsFile, ...tlsArgs], { stdio: ['ignore', 'pipe', 'inherit'] })
  const close = async () => {
    child.kill('SIGKILL')
    try {
      ip('link', 'del', hostIf)
    } catch {}
    try {
      ip('netns', 'del', ns)
    } catch {}
    fs.rmSync(path.dirname(hitsFile), { recursive: true, force: true })
  }
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('netns decoy did not start within 10 s')), 10_000)
      child.stdout.once('data', () => {
        clearTimeout(t)
        resolve()
      })
      child.once('exit', code => {
        clearTimeout(t)
        reject(new Error(`netns decoy exited ${code}`))
      })
    })
  } catch (err) {
    await close()
    throw err
  }
  return {
    ns,
    v4,
    v6,
    close,
    hits: () =>
      fs
        .readFileSync(hitsFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l))
  }
}

/**
 * Names for the action's own process (the host-side daemons resolve through it), as lines in
 * /etc/hosts would give them, without editing this machine's /etc/hosts: a module loaded with
 * NODE_OPTIONS=--import that answers dns.lookup and dns.promises.lookup for exactly these
 * names and passes every other name to the real resolver.
 * @param {Record<string, string>} names name → address
 */
export function hostNames(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-names-'))
  const file = path.join(dir, 'names.mjs')
  fs.writeFileSync(
    file,
    `import dns from 'node:dns'
const names = ${JSON.stringify(Object.fromEntries(Object.entries(names).map(([k, v]) => [k.toLowerCase(), v])))}
const answer = host => { const a = names[String(host).toLowerCase()]; return a && { address: a, family: a.includes(':') ? 6 : 4 } }
const realLookup = dns.lookup
dns.lookup = function (host, options, cb) {
  const a = answer(host)
  if (!a) return realLookup.apply(this, arguments)
  if (typeof options === 'function') [cb, options] = [options, {}]
  const all = typeof options === 'object' && options !== null && options.all
  process.nextTick(() => (all ? cb(null, [a]) : cb(null, a.address, a.family)))
}
const realPromise = dns.promises.lookup
dns.promises.lookup = async function (host, options) {
  const a = answer(host)
  if (!a) return realPromise.apply(this, arguments)
  return options && options.all ? [a] : a
}
`
  )
  return { env: { NODE_OPTIONS: `--import ${file}` }, close: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
