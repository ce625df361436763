/** The docker backend speaks the engine API itself: against the real engine the test command starts. */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { DockerBackend, unreachableReason } from '../../src/backend/docker/docker-backend.js'
import { EngineUnreachableError } from '../../src/backend/docker/engine-client.js'
import { contextName, resolveEngineEndpoint } from '../../src/backend/docker/engine-endpoint.js'
import { COLLECT_CAP_BYTES } from '../../src/backend/docker/engine-exec.js'
import { StreamFrames } from '../../src/backend/docker/stream-frames.js'
import type { BottleSpec } from '../../src/backend/types.js'
import { GUEST_IMAGE, RELAY_IMAGE } from '../../test/harness/paths.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-engine-'))
const id = crypto.randomBytes(3).toString('hex')
const inspect = (what: string) => JSON.parse(execFileSync('docker', ['inspect', what], { encoding: 'utf8' }))[0]

describe('where the engine answers (as the docker CLI resolves it)', () => {
  const config = path.join(tmp, 'docker-config')
  const addContext = (name: string, host: string) => {
    const dir = path.join(config, 'contexts', 'meta', crypto.createHash('sha256').update(name).digest('hex'))
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }))
  }

  it('the default socket, DOCKER_HOST, then a context named by DOCKER_CONTEXT or the config', () => {
    addContext('desktop-linux', 'unix:///Users/me/.docker/run/docker.sock')
    addContext('remote', 'ssh://me@builder')
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'desktop-linux' }))
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: path.join(tmp, 'none') })).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' })
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config })).toMatchObject({ kind: 'unix', socketPath: '/Users/me/.docker/run/docker.sock' })
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' })).toMatchObject({ kind: 'unsupported', url: 'ssh://me@builder' })
    // DOCKER_HOST wins over any context, as in the CLI
    expect(contextName({ DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'remote' })).toBeUndefined()
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toMatchObject({ kind: 'tcp', host: '10.0.0.5', port: 2375 })
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' })
    // not an engine scheme the CLI takes: refused rather than guessed at (https:// would have been plain HTTP)
    expect(resolveEngineEndpoint({ DOCKER_HOST: 'https://10.0.0.5:2376' })).toMatchObject({ kind: 'unsupported', url: 'https://10.0.0.5:2376' })
  })

  it('TLS asked for and its files unreadable: refused with the file named, never spoken in the clear to whoever answers', async () => {
    // a plain-HTTP listener answering as an engine would: what a man in the middle can do
    const heard: string[] = []
    const plain = http.createServer((req, res) => {
      heard.push(`${req.method} ${req.url}`)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Version: '99.0.0', ApiVersion: '1.45' }))
    })
    await new Promise<void>(resolve => plain.listen(0, '127.0.0.1', resolve))
    try {
      const port = (plain.address() as { port: number }).port
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(tmp, 'no-certs') }
      const endpoint = resolveEngineEndpoint(env)
      expect(endpoint).toMatchObject({ kind: 'unsupported' })
      expect(await new DockerBackend({ endpoint }).probe()).toEqual({
        usable: false,
        reason: expect.stringMatching(/^docker: DOCKER_HOST points at tcp:\/\/127\.0\.0\.1:\d+: TLS is asked for and .*no-certs\/ca\.pem cannot be read/)
      })
      expect(heard).toEqual([])
    } finally {
      await new Promise(resolve => plain.close(resolve))
    }
    // a context with only its CA (server verified, no client certificate), or skipping verification: still TLS
    const addTlsContext = (name: string, skip: boolean, files: string[]) => {
      const digest = crypto.createHash('sha256').update(name).digest('hex')
      const meta = path.join(config, 'contexts', 'meta', digest)
      fs.mkdirSync(meta, { recursive: true })
      fs.writeFileSync(
        path.join(meta, 'meta.json'),
        JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: 'tcp://10.0.0.9:2376', SkipTLSVerify: skip } } })
      )
      const tlsDir = path.join(config, 'contexts', 'tls', digest, 'docker')
      fs.mkdirSync(tlsDir, { recursive: true })
      for (const f of files) fs.writeFileSync(path.join(tlsDir, f), `${f} bytes`)
    }
    addTlsContext('ca-only', false, ['ca.pem'])
    addTlsContext('skip-verify', true, [])
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'ca-only' })).toMatchObject({
      kind: 'tcp',
      tls: { verify: true, ca: Buffer.from('ca.pem bytes') }
    })
    expect(resolveEngineEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'skip-verify' })).toMatchObject({ kind: 'tcp', tls: { verify: false } })
  })

  it('an endpoint it cannot speak to, or a socket nobody serves, is one line saying what to do', async () => {
    const ssh = { kind: 'unsupported' as const, url: 'ssh://me@builder', source: "docker context 'remote'" }
    expect(await new DockerBackend({ endpoint: ssh }).probe()).toEqual({
      usable: false,
      reason: expect.stringMatching(/^docker: docker context 'remote' points at ssh:\/\/me@builder, .*set DOCKER_HOST=unix:/)
    })
    const dead = { kind: 'unix' as const, socketPath: path.join(tmp, 'nobody.sock'), source: 'DOCKER_HOST' }
    expect(await new DockerBackend({ endpoint: dead }).probe()).toEqual({
      usable: false,
      reason: 'docker: the docker daemon is unreachable (start dockerd, or set DOCKER_HOST to a running engine)'
    })
    expect(unreachableReason(new EngineUnreachableError('unix:///var/run/docker.sock', 'EACCES', 'EACCES'), dead)).toMatch(
      /permission denied on the docker socket \(add the runner user to the `docker` group/
    )
  })
})

describe('an engine that accepts and never answers', () => {
  it('an exec with a timeout ends at its timeout, and a kill ends a stream at once, without an answer', async () => {
    const net = await import('node:net')
    const sock = path.join(tmp, 'mute.sock')
    const held = new Set<import('node:net').Socket>()
    const server = net.createServer(c => void held.add(c))
    await new Promise<void>(resolve => server.listen(sock, resolve))
    try {
      const mute = new DockerBackend({ endpoint: { kind: 'unix', socketPath: sock, source: 'test' } })
      const t0 = Date.now()
      const r = await mute.exec('c', ['true'], { timeoutMs: 300 })
      expect(r.code).toBeNull()
      expect(Date.now() - t0).toBeLessThan(3_000)
      const proc = mute.execStream(
        'c',
        ['claude'],
        {},
        () => undefined,
        () => undefined
      )
      proc.kill('SIGTERM')
      expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' })
    } finally {
      for (const c of held) c.destroy()
      server.close()
    }
  })
})

describe('the engine stream, reassembled', () => {
  it('frames split at every byte boundary come out whole and on the right stream', () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text)
      const header = Buffer.alloc(8)
      header[0] = stream
      header.writeUInt32BE(payload.length, 4)
      return Buffer.concat([header, payload])
    }
    const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, ''), frame(1, 'world\n')])
    for (let cut = 0; cut <= wire.length; cut++) {
      let out = ''
      let err = ''
      const frames = new StreamFrames(
        c => (out += c),
        c => (err += c)
      )
      for (const part of [wire.subarray(0, cut), wire.subarray(cut)]) for (const byte of part) frames.push(Buffer.from([byte]))
      expect([out, err]).toEqual(['hello world\n', 'oops'])
    }
  })
})

describe('a bottle made through the engine API', () => {
  const backend = new DockerBackend({ relayImage: RELAY_IMAGE })
  const net = `bb-api-${id}-net`
  const name = `bb-api-${id}`
  const ws = path.join(tmp, 'ws')
  const cache = path.join(tmp, 'cache')

  beforeAll(async () => {
    const probe = await backend.probe()
    if (!probe.usable) throw new Error(`${probe.reason}. Run 'bash test/harness/dockerd.sh' (installs docker.io, starts dockerd)`)
    fs.mkdirSync(ws)
    fs.mkdirSync(cache)
  })
  afterAll(async () => {
    await backend.remove(name)
    await backend.removeNetwork(net)
  })

  it('has every wall the docker CLI flags gave it (read back with `docker inspect`)', async () => {
    await backend.createNetwork(net, { 'bot-bottle.test': id })
    const spec: BottleSpec = {
      name,
      labels: { 'bot-bottle.test': id },
      image: GUEST_IMAGE,
      user: { uid: 1001, gid: 1001 },
      home: '/home/bottle',
      mounts: [
        { host: ws, guest: '/work', readOnly: false },
        { host: cache, guest: '/cache', readOnly: true }
      ],
      env: { HOME: '/home/bottle', SECRETISH: 'a=b c' },
      stateDir: tmp,
      network: net,
      cpus: 1.5,
      memory: '512m',
      pidsLimit: 1024
    }
    await backend.create(spec)
    await backend.start(name)
    const c = inspect(name)
    expect(c.Config.User).toBe('1001:1001')
    expect(c.Config.Env).toEqual(expect.arrayContaining(['HOME=/home/bottle', 'SECRETISH=a=b c']))
    expect(c.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      NetworkMode: net,
      PidsLimit: 1024,
      NanoCpus: 1_500_000_000,
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024
    })
    expect(c.Mounts.map((m: { Destination: string; RW: boolean }) => [m.Destination, m.RW]).sort()).toEqual([
      ['/cache', false],
      ['/work', true]
    ])
    expect(inspect(net)).toMatchObject({ Internal: true, Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' } })
    // inside: who it runs as, what it may do
    const r = await backend.exec(name, ['sh', '-c', 'id -u; grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status; touch /cache/x 2>&1 || echo ro'])
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['1001', 'CapEff:\t0000000000000000', 'NoNewPrivs:\t1'])
    expect(r.stdout).toMatch(/ro\n$/)
  })

  it("exec: what a command prints beyond the cap is dropped, not held in the runner's memory", async () => {
    const flood = await backend.exec(name, ['sh', '-c', 'head -c 64M /dev/zero; head -c 20M /dev/zero >&2; exit 3'])
    expect(flood.code).toBe(3)
    expect(flood.stdout.length).toBe(COLLECT_CAP_BYTES)
    expect(flood.stderr.length).toBe(COLLECT_CAP_BYTES)
  })

  it('exec: stdin sent whole and closed, stdout and stderr apart, the exit code, a missing program', async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024).toString('base64')
    const echoed = await backend.exec(name, ['sh', '-c', 'cat; echo done >&2; exit 7'], { input: big })
    expect(echoed.code).toBe(7)
    expect(echoed.stdout).toBe(big)
    expect(echoed.stderr).toBe('done\n')
    const streamed = await backend.exec(name, ['wc', '-c'], { input: Readable.from([Buffer.from('abc'), Buffer.from('de')]) })
    expect(streamed).toEqual({ code: 0, stdout: '5\n', stderr: '' })
    const asUser = await backend.exec(name, ['sh', '-c', 'id -u; pwd'], { user: { uid: 4242, gid: 4242 }, workdir: '/tmp' })
    expect(asUser.stdout).toBe('4242\n/tmp\n')
    const missing = await backend.exec(name, ['no-such-program'])
    expect(missing.code).toBe(126) // as `docker exec` exits
    expect(missing.stdout + missing.stderr).toMatch(/executable file not found/)
    const gone = await backend.exec(`${name}-gone`, ['true'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toMatch(/No such container/i)
  })

  it('copyIn: files from a host tar that exits before the connection is up arrive whole, side by side', async () => {
    const file = path.join(tmp, 'prompt.txt')
    fs.writeFileSync(file, 'the prompt\n')
    await Promise.all([1, 2, 3, 4].map(i => backend.copyIn(name, file, `/tmp/in${i}`, { user: { uid: 1001, gid: 1001 } })))
    const r = await backend.exec(name, ['sh', '-c', 'cat /tmp/in1/prompt.txt /tmp/in4/prompt.txt; stat -c %u /tmp/in2/prompt.txt'])
    expect(r.stdout).toBe('the prompt\nthe prompt\n1001\n')
  })

  it('execStream: lines as they come; kill ends it at once', async () => {
    const lines: string[] = []
    const proc = backend.execStream(
      name,
      ['sh', '-c', 'echo one; echo two; sleep 30'],
      {},
      l => lines.push(l),
      () => undefined
    )
    const deadline = Date.now() + 10_000
    while (lines.length < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 20))
    expect(lines).toEqual(['one', 'two'])
    const t0 = Date.now()
    proc.kill('SIGTERM')
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' })
    expect(Date.now() - t0).toBeLessThan(2_000)
    const done = backend.execStream(
      name,
      ['sh', '-c', 'printf "a\\nlast"; exit 3'],
      {},
      l => lines.push(l),
      () => undefined
    )
    expect(await done.exited).toEqual({ code: 3, signal: null })
    expect(lines.slice(2)).toEqual(['a', 'last'])
  })

  it('peek: a throwaway container with no network, its output and exit code, removed after', async () => {
    const r = await backend.peek(GUEST_IMAGE, ['sh', '-c', 'id -u; cat /proc/net/dev | grep -c eth0; echo err >&2; exit 4'])
    expect(r).toEqual({ code: 4, stdout: '65534\n0\n', stderr: 'err\n' })
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `ancestor=${GUEST_IMAGE}`, '--filter', 'status=exited'], { encoding: 'utf8' }).trim()
    expect(left).toBe('')
  })

  it('removing what is already gone succeeds', async () => {
    await expect(backend.remove(`${name}-never`)).resolves.toBeUndefined()
    await expect(backend.removeNetwork(`${net}-never`)).resolves.toBeUndefined()
  })
})
