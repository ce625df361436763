#!/usr/bin/env node
// The smolvm CLI double's model of smolvm's virtio-net gateway (smolvm v1.9.3, crates/smolvm-network),
// in two processes joined by a unix socket, as smolvm's own userspace stack joins the guest's
// frames to host sockets:
//   gateway  runs in a network namespace of its own holding 100.96.0.1/30 (lib.rs:173-181), the
//            far end of the guest's eth0. Every guest TCP connection, to any address, is
//            redirected here (iptables REDIRECT; its original destination read back from
//            conntrack), and decided as tcp_relay.rs:283-296 decides it: on the ORIGINAL
//            destination, by the egress policy (egress.rs:330-352, floor egress.rs:133-198).
//            Denied: recorded as "egress policy denied connect to D" (tcp_relay.rs:293-294) in
//            egress-denials.log, then reset. Allowed: the gateway address is mapped to the
//            host's 127.0.0.1:port (tcp_relay.rs:235-249), anything else is dialed as-is.
//            DNS on 100.96.0.1:53 (udp): host.smolvm.internal is answered with the gateway
//            (dns.rs:47, stack.rs:815-820); with no --allow-host every other query is forwarded
//            upstream (stack.rs:821-822); with one, only allowed names are (stack.rs:824-835).
//            The double never forwards: it records the query it would forward in dns.jsonl and
//            answers SERVFAIL.
//   dialer   runs in the host's namespace and makes the host-side connections the gateway asks for.
// Not modelled: IPv6 (the guest gets no fd53:4d00::2), UDP other than DNS, ICMP; a denied
// connection is accepted then reset at once here, where smolvm drops the SYN (the guest sees a reset,
// or a failed connect when the reset beats it, instead of only a failed connect).
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'

const [mode, ...args] = process.argv.slice(2)
const GATEWAY = '100.96.0.1'
const GUEST = '100.96.0.2'
const MAX_LIFE_MS = 3 * 3_600_000 // bounded: a forgotten gateway dies on its own
const alive = pid => fs.existsSync(`/proc/${pid}`)
/** Exits when the VM (its container's init) is gone, or after MAX_LIFE_MS. */
function watch(vmPid, onExit) {
  const t0 = Date.now()
  setInterval(() => {
    if (!alive(vmPid) || Date.now() - t0 > MAX_LIFE_MS) {
      onExit?.()
      process.exit(0)
    }
  }, 300).unref?.()
  setInterval(() => {}, 60_000) // keeps the process up between connections
}

if (mode === 'dialer') {
  // dialer SOCKET VMPID: one line "host port\n" per connection, then bytes both ways
  const [sock, vmPid] = args
  fs.rmSync(sock, { force: true })
  net
    .createServer(c => {
      let head = Buffer.alloc(0)
      const onData = d => {
        head = Buffer.concat([head, d])
        const nl = head.indexOf(10)
        if (nl < 0) {
          if (head.length > 200) c.destroy()
          return
        }
        c.off('data', onData)
        c.pause() // until piped: bytes arriving before the host connection is up must wait, not drop
        const [host, port] = head.subarray(0, nl).toString().split(' ')
        const rest = head.subarray(nl + 1)
        const up = net.connect(Number(port), host)
        up.on('connect', () => {
          if (rest.length) up.write(rest)
          c.pipe(up)
          up.pipe(c)
        })
        up.on('error', () => c.destroy())
        c.on('error', () => up.destroy())
        c.on('close', () => up.destroy())
      }
      c.on('data', onData)
    })
    .listen(sock, () => fs.writeFileSync(`${sock}.ready`, ''))
  watch(Number(vmPid))
} else if (mode === 'gateway') {
  // gateway POLICY.json DIALER_SOCKET LISTEN_PORT VMPID LOGDIR
  const [policyFile, sock, listenPort, vmPid, logDir] = args
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'))
  const denials = `${logDir}/egress-denials.log`
  const record = line => fs.appendFileSync(denials, `${new Date().toISOString()} ${line}\n`)
  let listening = 0
  const up = () => {
    if (++listening === 2) fs.writeFileSync(`${logDir}/gateway.ready`, '')
  } // TCP and DNS both serve

  /** conntrack's original destination of the guest flow from GUEST:sport (REDIRECT rewrote it). */
  function originalDestination(sport) {
    for (let i = 0; i < 20; i++) {
      const table = fs.readFileSync('/proc/net/nf_conntrack', 'utf8')
      for (const line of table.split('\n')) {
        const m = new RegExp(`\\bsrc=${GUEST.replaceAll('.', '\\.')} dst=(\\S+) sport=${sport} dport=(\\d+)\\b`).exec(line)
        if (m) return { ip: m[1], port: Number(m[2]) }
      }
    }
    return undefined
  }

  net
    .createServer(guest => {
      const dst = originalDestination(guest.remotePort)
      if (!dst) return guest.resetAndDestroy()
      if (!allowedDestination(policy, dst.ip, dst.port)) {
        record(`egress policy denied connect to ${dst.ip}:${dst.port}`)
        return guest.resetAndDestroy()
      }
      const target = hostConnectAddr(policy, dst.ip, dst.port)
      const up = net.connect(sock)
      up.write(`${target.ip} ${target.port}\n`)
      guest.pipe(up)
      up.pipe(guest)
      up.on('error', () => guest.destroy())
      guest.on('error', () => up.destroy())
      up.on('close', () => guest.destroy())
    })
    .listen(Number(listenPort), GATEWAY, () => up())

  const dnsLog = `${logDir}/dns.jsonl`
  const udp = dgram.createSocket('udp4')
  udp.on('message', (q, from) => {
    const name = questionName(q)
    if (name === 'host.smolvm.internal') return udp.send(answerA(q, GATEWAY), from.port, from.address)
    const filtered = policy.allowHosts !== null
    const forward = !filtered || (name !== undefined && hostnameAllowed(name, policy.allowHosts))
    fs.appendFileSync(dnsLog, `${JSON.stringify({ name, verdict: forward ? 'forwarded upstream' : 'nxdomain' })}\n`)
    udp.send(errorAnswer(q, forward ? 2 /* SERVFAIL: the double has no upstream */ : 3 /* NXDOMAIN */), from.port, from.address)
  })
  udp.bind(53, GATEWAY, () => up())
  watch(Number(vmPid))
} else {
  process.stderr.write('usage: smolvm-double-gateway.mjs dialer|gateway ...\n')
  process.exit(2)
}

// ---- the policy, as crates/smolvm-network/src/egress.rs and tcp_relay.rs decide it ----

function ipv4(ip) {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0)
}
function inCidr(ip, cidr) {
  if (!net.isIPv4(ip)) return false
  const [base, len = '32'] = cidr.split('/')
  if (!net.isIPv4(base)) return false
  const bits = Number(len)
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return (ipv4(ip) & mask) >>> 0 === (ipv4(base) & mask) >>> 0
}
/** egress.rs:170-198: the floor for `mode` ('off' | 'metadata' | 'strict'). */
function floored(ip, mode) {
  if (mode === 'off') return false
  if (mode === 'metadata') return inCidr(ip, '169.254.0.0/16')
  return ['127.0.0.0/8', '169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '0.0.0.0/32', '255.255.255.255/32', '100.64.0.0/10'].some(c =>
    inCidr(ip, c)
  )
}
/** tcp_relay.rs:214-220 + egress.rs:330-352 */
function allowedDestination(policy, ip, port) {
  const hostService = policy.hostService && policy.hostService.guestPort === port && ip === GATEWAY
  if (hostService) return true
  if (floored(ip, policy.floor)) return false
  if (policy.allowCidrs === null) return true // no policy: everything but the floor
  return policy.allowCidrs.some(c => inCidr(ip, c))
}
/** tcp_relay.rs:235-249 */
function hostConnectAddr(policy, ip, port) {
  if (ip !== GATEWAY) return { ip, port }
  const mapped = policy.hostService && policy.hostService.guestPort === port ? policy.hostService.hostPort : port
  return { ip: '127.0.0.1', port: mapped }
}
/** dns.rs:66: exact name or a subdomain of an allowed one. */
function hostnameAllowed(name, hosts) {
  return hosts.some(h => name === h || name.endsWith(`.${h}`))
}

// ---- just enough DNS ----
function questionName(q) {
  const labels = []
  let i = 12
  for (let n = 0; n < 128 && i < q.length; n++) {
    const len = q[i]
    if (len === 0) return labels.join('.').toLowerCase()
    if (len > 63) return undefined
    labels.push(q.subarray(i + 1, i + 1 + len).toString('latin1'))
    i += 1 + len
  }
  return undefined
}
function errorAnswer(q, rcode) {
  const a = Buffer.from(q)
  a[2] = 0x80 | (q[2] & 0x01) // QR, RD kept
  a[3] = 0x80 | rcode // RA, rcode
  a.writeUInt16BE(0, 6)
  a.writeUInt16BE(0, 8)
  a.writeUInt16BE(0, 10)
  return a
}
function answerA(q, ip) {
  const end = q.indexOf(0, 12) + 5 // name, type, class
  const head = Buffer.from(q.subarray(0, end))
  head[2] = 0x84 | (q[2] & 0x01)
  head[3] = 0x80
  head.writeUInt16BE(1, 6)
  head.writeUInt16BE(0, 8)
  head.writeUInt16BE(0, 10)
  const rr = Buffer.alloc(16)
  rr.writeUInt16BE(0xc00c, 0)
  rr.writeUInt16BE(1, 2)
  rr.writeUInt16BE(1, 4)
  rr.writeUInt32BE(60, 6)
  rr.writeUInt16BE(4, 10)
  ip.split('.').forEach((o, k) => {
    rr[12 + k] = Number(o)
  })
  return Buffer.concat([head, rr])
}
