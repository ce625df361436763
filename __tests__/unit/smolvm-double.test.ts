/**
 * The rebuilt smolvm CLI double enforces what smolvm v1.9.3 enforces (each rule cites the source
 * line it models, in test/harness/smolvm-cli-double.mjs): error texts and exit codes, what its
 * database keeps, archives staged at create, the workload launched at start, and the network a
 * guest really gets: its own loopback, the host only through the gateway, under the egress policy.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import * as argv from '../../src/backend/smolvm/argv.js'
import { GUEST_IMAGE, MUSL_IMAGE } from '../../test/harness/paths.mjs'

const DOUBLE = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'test', 'harness', 'smolvm-cli-double.mjs')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-smolvm-double-'))
const state = path.join(tmp, 'state')
const run = (args: string[], env: Record<string, string> = {}, input = '') =>
  spawnSync(process.execPath, [DOUBLE, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SMOLVM_DOUBLE_STATE: state, XDG_CACHE_HOME: path.join(state, 'user-cache'), ...env },
    input,
    timeout: 120_000
  })
const machine = (...args: string[]) => run(['machine', ...args])
/** In the guest, without blocking this process (it serves the host daemons the guest dials). */
function guest(name: string, script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [DOUBLE, 'machine', 'exec', '--name', name, '--', 'sh', '-c', script], {
      env: { ...process.env, SMOLVM_DOUBLE_STATE: state, XDG_CACHE_HOME: path.join(state, 'user-cache') },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('close', status => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }))
  })
}

describe('the smolvm CLI double: grammar, errors and records', () => {
  it('errors as smolvm does: `Error: …` exit 1 for a command, clap usage errors exit 2', () => {
    expect(machine('start', '--name', 'ghost')).toMatchObject({ status: 1, stderr: 'Error: vm not found: ghost\n' })
    expect(machine('delete', '--name', 'ghost', '--force')).toMatchObject({ status: 1, stderr: 'Error: vm not found: ghost\n' })
    expect(machine('exec', '--name', 'ghost', '--', 'true')).toMatchObject({
      status: 1,
      stderr: "Error: agent operation failed: connect: machine 'ghost' not found\n"
    })
    expect(machine('create', '--bogus')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^error: unexpected argument '--bogus' found\n\nUsage: smolvm machine create/)
    })
    expect(machine('exec', '-n', 'x', '--', 'true')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: unexpected argument '-n' found/) })
    expect(machine('delete', '--force')).toMatchObject({ status: 2, stderr: expect.stringContaining('--name <NAME>') })
  })

  it('keeps --env values in its database and --secret-file only by path; delete without --force asks on stderr and cancels', () => {
    const secret = path.join(tmp, 'secret')
    fs.writeFileSync(secret, 'sk-secret-value\n', { mode: 0o600 })
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'))
    expect(
      machine(
        'create',
        '--name',
        'm1',
        '--image',
        GUEST_IMAGE,
        '--allow-host',
        '100.96.0.1',
        '--volume',
        `${ws}:/w`,
        '--env',
        'PLAIN=on-argv',
        '--secret-file',
        `KEY=${secret}`,
        '--label',
        'k=v'
      ).status
    ).toBe(0)
    const record = fs.readFileSync(path.join(state, 'm1.json'), 'utf8')
    expect(record).toContain('on-argv')
    expect(record).not.toContain('sk-secret-value')
    expect(JSON.parse(machine('ls', '--json').stdout)).toEqual([expect.objectContaining({ name: 'm1', state: 'created', labels: { k: 'v' }, mounts: 1 })])
    expect(machine('exec', '--name', 'm1', '--', 'true')).toMatchObject({
      status: 1,
      stderr: "Error: agent operation failed: connect: machine 'm1' is not running. Use 'smolvm machine start --name m1' first.\n"
    })
    expect(machine('delete', '--name', 'm1')).toMatchObject({ status: 0, stdout: 'Cancelled\n', stderr: "Delete machine 'm1'? [y/N] " })
    expect(machine('delete', '--name', 'm1', '--force').status).toBe(0)
    expect(machine('ls', '--json').stdout.trim()).toBe('[]')
  })

  it('refuses protected mount sources and relative secret files, as storage.rs and secrets.rs do', () => {
    expect(machine('create', '--name', 'p', '--image', GUEST_IMAGE, '--volume', '/etc:/x')).toMatchObject({
      status: 1,
      stderr: 'Error: mount operation failed: validate host path: source path on host is a protected system path and cannot be mounted: /etc\n'
    })
    expect(run(['machine', 'create', '--name', 'p', '--image', GUEST_IMAGE, '--volume', '/usr/share:/x'], { SMOLVM_DOUBLE_HOST_OS: 'darwin' })).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('protected system path and cannot be mounted: /usr/share')
    })
    expect(machine('create', '--name', 'p', '--image', GUEST_IMAGE, '--secret-file', 'K=rel/path')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('must be absolute')
    })
  })

  it('refuses machine names as validate_vm_name does (data/mod.rs:49-100)', () => {
    for (const [name, why] of [
      ['-x', 'machine name must start with a letter or digit (got: "-x")'],
      ['x-', 'machine name cannot end with a hyphen (got: "x-")'],
      ['a--b', 'machine name cannot contain consecutive hyphens'],
      ['a/b', 'machine name cannot contain path separators'],
      ['a.b', "machine name contains invalid character: '.'"],
      ['a'.repeat(129), 'machine name too long: 129 characters (max 128)']
    ]) {
      expect({ name, ...run(['machine', 'create', '--name', name!, '--image', GUEST_IMAGE]) }).toMatchObject({
        name,
        status: 1,
        stderr: `Error: config operation failed: create machine: ${why}\n`
      })
    }
  })

  it('refuses an image archive over the limit at create, as image_source.rs does (8 GiB, or SMOLVM_MAX_IMAGE_BYTES)', () => {
    const tar = path.join(tmp, 'small.tar')
    fs.writeFileSync(tar, Buffer.alloc(4096))
    expect(run(['machine', 'create', '--name', 'cap', '--image', tar], { SMOLVM_MAX_IMAGE_BYTES: '4095' })).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('config operation failed: --image: image archive is 4096 bytes, over the 4095-byte limit.')
    })
    // at the limit it is taken; a limit that is not a positive number is ignored (the 8 GiB default)
    for (const limit of ['4096', '0', 'lots']) {
      const made = run(['machine', 'create', '--name', 'cap', '--image', tar], { SMOLVM_MAX_IMAGE_BYTES: limit })
      expect({ limit, status: made.status, stderr: made.stderr }).toEqual({ limit, status: 0, stderr: '' })
      run(['machine', 'delete', '--name', 'cap', '--force'])
    }
  })
})

describe('the smolvm CLI double: a running machine (docker + network namespaces)', () => {
  let archive = ''
  let daemon: http.Server
  let other: http.Server
  const portOf = (s: http.Server) => (s.address() as AddressInfo).port
  beforeAll(async () => {
    execFileSync('docker', ['info'], { stdio: 'ignore' })
    archive = path.join(tmp, 'guest.tar')
    execFileSync('docker', ['save', '--output', archive, GUEST_IMAGE])
    daemon = http.createServer((_q, s) => s.end('daemon\n'))
    other = http.createServer((_q, s) => s.end('something else on the runner\n'))
    await Promise.all([daemon, other].map(s => new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()))))
  }, 120_000)
  afterAll(() => {
    daemon?.close()
    other?.close()
  })

  /** Creates and starts `name` with `flags`, runs `fn`, and always deletes it. */
  async function withMachine(name: string, flags: string[], fn: () => void | Promise<void>, env: Record<string, string> = {}) {
    const created = run(['machine', 'create', '--name', name, '--image', archive, '--mem', '512', ...flags], env)
    expect(created.stderr).toBe('')
    try {
      const started = run(['machine', 'start', '--name', name], env)
      expect({ status: started.status, stderr: started.stderr }).toEqual({ status: 0, stderr: '' })
      await fn()
    } finally {
      run(['machine', 'delete', '--name', name, '--force'])
    }
  }
  const curl = (url: string) => `curl -sS --max-time 5 ${url} 2>&1; echo " exit=$?"`
  const denials = (name: string) => fs.readFileSync(path.join(state, `${name}.vm`, 'egress-denials.log'), 'utf8')

  it('resolves --secret-file at start as secrets.rs does: trailing line breaks trimmed, over 1 MiB and non-UTF-8 refused by class', async () => {
    const file = (name: string, body: Buffer | string) => {
      const p = path.join(tmp, name)
      fs.writeFileSync(p, body, { mode: 0o600 })
      return p
    }
    const trimmed = file('trimmed', 'one\ntwo\r\n\n')
    await withMachine('sf', ['--secret-file', `SF=${trimmed}`], async () => {
      expect((await guest('sf', 'printf "[%s]" "$SF"')).stdout).toBe('[one\ntwo]')
    })
    for (const [name, body, cls] of [
      ['big', Buffer.alloc(1024 * 1024 + 1, 0x61), 'file_too_large'],
      ['latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'file_read_failed']
    ] as const) {
      const m = `sf-${name}`
      expect(run(['machine', 'create', '--name', m, '--image', archive, '--mem', '512', '--secret-file', `K=${file(name, body)}`]).status).toBe(0)
      try {
        expect(run(['machine', 'start', '--name', m])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining(`config operation failed: resolve secret 'K': ${cls}`)
        })
      } finally {
        run(['machine', 'delete', '--name', m, '--force'])
      }
    }
  }, 180_000)

  it('exec --timeout as smolvm-agent does: --stream exits 124 saying nothing and the command runs on; buffered kills it and says so', async () => {
    await withMachine('to', [], async () => {
      const streamed = run([
        'machine',
        'exec',
        '--name',
        'to',
        '--stream',
        '--timeout',
        '1s',
        '--',
        'sh',
        '-c',
        'echo started; sleep 20; echo ran-on > /tmp/streamed'
      ])
      expect({ status: streamed.status, stdout: streamed.stdout, stderr: streamed.stderr }).toEqual({ status: 124, stdout: 'started\n', stderr: '' })
      const buffered = run(['machine', 'exec', '--name', 'to', '--timeout', '1s', '--', 'sh', '-c', 'echo started; exec sleep 20'])
      expect({ status: buffered.status, stdout: buffered.stdout, stderr: buffered.stderr }).toEqual({
        status: 124,
        stdout: 'started\n',
        stderr: '\ncommand timed out after 1000ms'
      })
      const ps = run(['machine', 'exec', '--name', 'to', '--', 'sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done'])
      // the streamed command is still there; the buffered one is gone
      expect(
        ps.stdout
          .split('\n')
          .map(l => l.trim())
          .filter(l => /^(sh -c echo started|sleep 20)/.test(l))
          .sort()
      ).toEqual(['sh -c echo started; sleep 20; echo ran-on > /tmp/streamed', 'sleep 20'])
    })
  }, 120_000)

  it('start refuses an archive of two images, and one with no manifest.json, as crane export does (storage.rs:1180-1280)', () => {
    // two small images: the musl test image and an empty one imported here
    execFileSync('sh', ['-c', 'tar -cf - -T /dev/null | docker import - bb-test-empty:1 >/dev/null'])
    const two = path.join(tmp, 'two.tar')
    execFileSync('docker', ['save', '--output', two, MUSL_IMAGE, 'bb-test-empty:1'])
    const none = path.join(tmp, 'none.tar')
    execFileSync('tar', ['-cf', none, '-C', tmp, 'two.tar'])
    try {
      for (const [file, why] of [
        [two, 'tarball must contain only a single image to be used with tarball.Image'],
        [none, 'file manifest.json not found in tar']
      ] as const) {
        expect(run(['machine', 'create', '--name', 'img', '--image', file, '--mem', '512']).status).toBe(0)
        try {
          expect(run(['machine', 'start', '--name', 'img'])).toMatchObject({
            status: 1,
            stderr: `Error: agent operation failed: import image: crane export failed: ${why} (is the image a valid \`docker save\` / OCI archive?)\n`
          })
        } finally {
          run(['machine', 'delete', '--name', 'img', '--force'])
        }
      }
    } finally {
      execFileSync('docker', ['rmi', 'bb-test-empty:1'], { stdio: 'ignore' })
    }
  }, 120_000)

  it("today's wiring reaches nothing: 127.0.0.1 is the guest's own loopback, the gateway is outside --outbound-localhost-only", async () => {
    await withMachine('old', ['--net', '--outbound-localhost-only'], async () => {
      expect((await guest('old', curl(`http://127.0.0.1:${portOf(daemon)}/`))).stdout).toMatch(/Failed to connect to 127\.0\.0\.1 port \d+[\s\S]* exit=7/)
      expect((await guest('old', curl(`http://100.96.0.1:${portOf(daemon)}/`))).stdout).toMatch(
        /(reset by peer|Recv failure|Failed to connect)[\s\S]* exit=(7|56|52)/
      ) // a reset right after the handshake may surface as a failed connect
      expect(denials('old')).toContain(`egress policy denied connect to 100.96.0.1:${portOf(daemon)}`)
      // no --allow-host: the gateway forwards every name upstream (a DNS channel out)
      await guest('old', 'getent hosts exfil-1234.example.com || true')
      expect(fs.readFileSync(path.join(state, 'old.vm', 'dns.jsonl'), 'utf8')).toContain('{"name":"exfil-1234.example.com","verdict":"forwarded upstream"}')
    })
  }, 120_000)

  it("the backend's wiring: the gateway reaches the host's loopback (every port of it), nothing else, and no name is forwarded", async () => {
    const flags = argv.createArgv({ name: 'x', archive, cpus: 1, memory: '512m', mounts: [], envFiles: {}, labels: {} })
    const policy = flags.slice(flags.indexOf('--net'), flags.indexOf('--'))
    await withMachine('new', policy, async () => {
      expect((await guest('new', curl(`http://${argv.GATEWAY}:${portOf(daemon)}/`))).stdout).toBe('daemon\n exit=0\n')
      expect((await guest('new', curl(`http://host.smolvm.internal:${portOf(daemon)}/`))).stdout).toBe('daemon\n exit=0\n')
      // what the README documents: the gateway relays to ANY port the runner has on loopback
      expect((await guest('new', curl(`http://${argv.GATEWAY}:${portOf(other)}/`))).stdout).toBe('something else on the runner\n exit=0\n')
      expect((await guest('new', curl(`http://127.0.0.1:${portOf(daemon)}/`))).stdout).toMatch(/exit=7/)
      expect((await guest('new', curl('http://10.213.250.2:8080/'))).stdout).toMatch(/exit=(56|52|7)/)
      expect(denials('new')).toContain('egress policy denied connect to 10.213.250.2:8080')
      await guest('new', 'getent hosts exfil-1234.example.com || true')
      expect(fs.readFileSync(path.join(state, 'new.vm', 'dns.jsonl'), 'utf8')).toBe(
        '{"name":"exfil-1234.example.com","verdict":"nxdomain"}\n'.repeat(
          fs.readFileSync(path.join(state, 'new.vm', 'dns.jsonl'), 'utf8').split('\n').length - 1
        )
      )
    })
  }, 120_000)

  it('a runner environment variable changes the policy behind the argv (why the backend removes them)', async () => {
    await withMachine(
      'floor',
      ['--net', '--allow-host', '100.96.0.1'],
      async () => {
        expect((await guest('floor', curl(`http://100.96.0.1:${portOf(daemon)}/`))).stdout).toMatch(/exit=(7|56|52)/)
        expect(denials('floor')).toContain('denied connect to 100.96.0.1')
      },
      { SMOLVM_EGRESS_FLOOR: 'strict' }
    )
    await withMachine(
      'hostsvc',
      ['--net', '--outbound-localhost-only'],
      async () => {
        // a gateway port the allow-list denies, mapped to another host port
        expect((await guest('hostsvc', curl('http://100.96.0.1:2222/'))).stdout).toBe('something else on the runner\n exit=0\n')
      },
      { SMOLVM_GUEST_HOST_SERVICE: `2222:${portOf(other)}` }
    )
  }, 180_000)

  it('stages the archive at create; start launches the workload with the create-time env and fails when it cannot; exec --timeout exits 124', async () => {
    const copy = path.join(tmp, 'copy.tar')
    fs.copyFileSync(archive, copy)
    expect(
      machine(
        'create',
        '--name',
        'w',
        '--image',
        copy,
        '--mem',
        '512',
        '--allow-host',
        '100.96.0.1',
        '--env',
        'GREETING=hi',
        '--',
        'sh',
        '-c',
        'echo "$GREETING from the workload, uid $(id -u)" > /tmp/launched; sleep 600'
      ).status
    ).toBe(0)
    fs.rmSync(copy) // consumed at create
    try {
      expect(machine('start', '--name', 'w')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Machine 'w' running \(PID: \d+\)\n$/) })
      await new Promise(r => setTimeout(r, 500))
      expect((await guest('w', 'cat /tmp/launched')).stdout).toBe('hi from the workload, uid 0\n')
      const t0 = Date.now()
      expect(machine('exec', '--name', 'w', '--timeout', '1s', '--', 'sleep', '30').status).toBe(124)
      expect(Date.now() - t0).toBeLessThan(29_000)
      expect(machine('exec', '--name', 'w', '--stream', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3')).toMatchObject({
        status: 3,
        stdout: 'out\n',
        stderr: 'err\n'
      })
    } finally {
      machine('delete', '--name', 'w', '--force')
    }
    expect(machine('create', '--name', 'bad', '--image', archive, '--mem', '512', '--allow-host', '100.96.0.1', '--', '/no/such/program').status).toBe(0)
    try {
      expect(machine('start', '--name', 'bad')).toMatchObject({
        status: 1,
        stderr: expect.stringMatching(/^Error: agent operation failed: start background CMD: /)
      })
      expect(JSON.parse(machine('ls', '--json').stdout)).toEqual([expect.objectContaining({ name: 'bad', state: 'stopped' })])
    } finally {
      machine('delete', '--name', 'bad', '--force')
    }
  }, 180_000)

  it('pulls a registry image in the guest under the egress policy: refused without --allow-host', () => {
    expect(
      machine('create', '--name', 'reg', '--image', 'docker.io/library/debian:bookworm', '--mem', '512', '--net', '--outbound-localhost-only').status
    ).toBe(0)
    try {
      expect(machine('start', '--name', 'reg')).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          "Error: agent operation failed: pull image: docker.io/library/debian:bookworm: connection to the registry refused by the machine's egress policy"
        )
      })
      expect(denials('reg')).toContain('denied connect to docker.io:443')
    } finally {
      machine('delete', '--name', 'reg', '--force')
    }
  })

  it('leaves no namespace, container or gateway process behind', () => {
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/smolgw-/)
    expect(
      execFileSync('docker', ['ps', '-a', '--filter', 'label=smolvm-double=1', '--format', '{{.Names}}'], { encoding: 'utf8' })
        .split('\n')
        .filter(n => /^smolvm-double-(old|new|floor|hostsvc|w|bad|reg)$/.test(n))
    ).toEqual([])
  })
})
