import * as bodies from '../../src/backend/docker/api-bodies.js'
import { gatewayFromIpam } from '../../src/backend/docker/docker-backend.js'
import type { BottleSpec } from '../../src/backend/types.js'

const spec: BottleSpec = {
  name: 'bb-1-1-abcd',
  labels: { 'bot-bottle.run': 'bb-1-1-abcd' },
  image: 'debian:bookworm',
  user: { uid: 1001, gid: 121 },
  home: '/home/bottle',
  mounts: [
    { host: '/work/repo', guest: '/work/repo', readOnly: false },
    { host: '/cache/claude-code', guest: '/opt/bot-bottle/claude-code', readOnly: true }
  ],
  env: { HOME: '/home/bottle', A: 'b=c' },
  stateDir: '/state',
  network: 'bb-1-1-abcd-net',
  cpus: 1.5,
  memory: '4g',
  pidsLimit: 1024
}

describe('docker engine request bodies', () => {
  const create = bodies.bottleCreateBody(spec, spec.env)

  it('creates a locked-down, labelled, non-root container on the run network', () => {
    expect(create).toMatchObject({ Image: 'debian:bookworm', User: '1001:121', Labels: { 'bot-bottle.run': 'bb-1-1-abcd' }, WorkingDir: '/' })
    expect(create.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      NetworkMode: 'bb-1-1-abcd-net',
      PidsLimit: 1024,
      NanoCpus: 1_500_000_000,
      Memory: 4 * 1024 ** 3,
      MemorySwap: 4 * 1024 ** 3,
      Tmpfs: { '/home/bottle': 'rw,exec,uid=1001,gid=121,mode=0700,size=4294967296' }
    })
    expect(create.NetworkingConfig.EndpointsConfig).toEqual({ 'bb-1-1-abcd-net': {} })
    expect(create.Env).toEqual(['HOME=/home/bottle', 'A=b=c'])
  })

  it('mounts the workspace read-write at the same path, the claude cache read-only, and never the docker socket', () => {
    expect(create.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/work/repo', Target: '/work/repo', ReadOnly: false },
      { Type: 'bind', Source: '/cache/claude-code', Target: '/opt/bot-bottle/claude-code', ReadOnly: true }
    ])
    expect(JSON.stringify(create)).not.toMatch(/docker\.sock|Privileged|Binds/)
  })

  it('runs an idle PID 1 from the image through sh', () => {
    expect(create.Entrypoint).toEqual(['sh'])
    expect(create.Cmd).toEqual(['-c', bodies.IDLE_SCRIPT])
  })

  it('reads memory sizes as the docker CLI does (binary units)', () => {
    expect(bodies.memoryBytes('512m')).toBe(512 * 1024 ** 2)
    expect(bodies.memoryBytes('1.5g')).toBe(1.5 * 1024 ** 3)
    expect(bodies.memoryBytes('2048k')).toBe(2048 * 1024)
    expect(bodies.memoryBytes('1000')).toBe(1000)
    expect(bodies.memoryBytes('64MiB')).toBe(64 * 1024 ** 2)
    expect(() => bodies.memoryBytes('lots')).toThrow(/not a memory size/)
  })

  it('builds exec with user, workdir and stdin only when asked', () => {
    expect(bodies.execCreateBody(['claude', '-p', 'x y'], {})).toEqual({
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: ['claude', '-p', 'x y']
    })
    expect(bodies.execCreateBody(['tar', '-x'], { user: { uid: 5, gid: 6 }, workdir: '/w', input: 'data' })).toMatchObject({
      AttachStdin: true,
      User: '5:6',
      WorkingDir: '/w'
    })
  })

  it('builds an internal network, without the host address when asked', () => {
    expect(bodies.networkCreateBody('n', { a: 'b' })).toEqual({
      Name: 'n',
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      Labels: { a: 'b' },
      Options: {}
    })
    expect(bodies.networkCreateBody('n', {}, true).Options).toEqual({ 'com.docker.network.bridge.inhibit_ipv4': 'true' })
  })

  it('the relay: nobody, no capabilities, read-only, small, on the default bridge with host.docker.internal', () => {
    const relay = bodies.relayCreateBody({ image: 'r', labels: {}, script: 'S', targetHost: 'host.docker.internal', ports: [1, 2] })
    expect(relay.Cmd).toEqual(['node', '-e', 'S', 'host.docker.internal', '1', '2'])
    expect(relay.User).toBe('65534:65534')
    expect(relay.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      NetworkMode: 'bridge',
      ExtraHosts: ['host.docker.internal:host-gateway'],
      PidsLimit: 64
    })
  })
})

describe('gatewayFromIpam', () => {
  it.each([
    ['172.18.0.1/172.18.0.0/16', '172.18.0.1'],
    ['/172.17.0.0/16', '172.17.0.1'],
    ['/10.200.3.0/24 ', '10.200.3.1'],
    ['/fd00::/64 /192.168.65.0/24', '192.168.65.1'],
    ['', undefined],
    ['/fd00::/64', undefined]
  ])('%j → %s', (pairs, want) => {
    expect(gatewayFromIpam(pairs)).toBe(want)
  })
})

describe('peekCreateBody: the image asked its platform before the bottle exists', () => {
  it('runs in a throwaway container with no network, no capabilities, a read-only root and nobody as user', () => {
    const b = bodies.peekCreateBody('debian:12', ['sh', '-c', 'uname -s'])
    expect(b).toMatchObject({ Image: 'debian:12', User: '65534:65534', Entrypoint: ['sh'], Cmd: ['-c', 'uname -s'] })
    expect(b.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true })
    expect(b.HostConfig.AutoRemove).toBe(true) // the engine removes it even if the action is killed mid-peek
  })
})
