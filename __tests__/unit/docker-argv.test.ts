import * as argv from '../../src/backend/docker/argv.js'
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
  envFile: '/state/guest.env',
  stateDir: '/state',
  network: 'bb-1-1-abcd-net',
  cpus: 1.5,
  memory: '4g',
  pidsLimit: 1024
}

function flagValues(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []))
}

describe('docker argv builders', () => {
  const create = argv.createArgv(spec)

  it('creates a locked-down, labelled, non-root container on the run network', () => {
    expect(create[0]).toBe('create')
    expect(flagValues(create, '--name')).toEqual(['bb-1-1-abcd'])
    expect(flagValues(create, '--label')).toEqual(['bot-bottle.run=bb-1-1-abcd'])
    expect(flagValues(create, '--network')).toEqual(['bb-1-1-abcd-net'])
    expect(flagValues(create, '--user')).toEqual(['1001:121'])
    expect(flagValues(create, '--cap-drop')).toEqual(['ALL'])
    expect(flagValues(create, '--security-opt')).toEqual(['no-new-privileges'])
    expect(flagValues(create, '--pids-limit')).toEqual(['1024'])
    expect(flagValues(create, '--cpus')).toEqual(['1.5'])
    expect(flagValues(create, '--memory')).toEqual(['4g'])
    expect(flagValues(create, '--memory-swap')).toEqual(['4g'])
    expect(flagValues(create, '--env-file')).toEqual(['/state/guest.env'])
    expect(flagValues(create, '--tmpfs')).toEqual(['/home/bottle:rw,exec,uid=1001,gid=121,mode=0700'])
  })

  it('mounts the workspace read-write at the same path, the claude cache read-only, and never the docker socket', () => {
    expect(flagValues(create, '--mount')).toEqual([
      'type=bind,source=/work/repo,target=/work/repo',
      'type=bind,source=/cache/claude-code,target=/opt/bot-bottle/claude-code,readonly'
    ])
    expect(create.join(' ')).not.toMatch(/docker\.sock|--privileged|-v /)
  })

  it('runs an idle PID 1 from the image through sh', () => {
    const i = create.indexOf('debian:bookworm')
    expect(create.slice(i - 2, i)).toEqual(['--entrypoint', 'sh'])
    expect(create[i + 1]).toBe('-c')
  })

  it('builds exec with user, workdir and stdin only when asked', () => {
    expect(argv.execArgv('c', ['claude', '-p', 'x y'], {})).toEqual(['exec', 'c', 'claude', '-p', 'x y'])
    expect(argv.execArgv('c', ['tar', '-x'], { user: { uid: 5, gid: 6 }, workdir: '/w', input: 'data' })).toEqual([
      'exec',
      '-i',
      '--user',
      '5:6',
      '--workdir',
      '/w',
      'c',
      'tar',
      '-x'
    ])
  })

  it('builds the network, removal and listing commands', () => {
    expect(argv.networkCreateArgv('n', { a: 'b' })).toEqual(['network', 'create', '--internal', '--driver', 'bridge', '--label', 'a=b', 'n'])
    expect(argv.networkCreateArgv('n', {}, true)).toEqual([
      'network',
      'create',
      '--internal',
      '--driver',
      'bridge',
      '--opt',
      'com.docker.network.bridge.inhibit_ipv4=true',
      'n'
    ])
    expect(argv.removeArgv('c')).toEqual(['rm', '--force', '--volumes', 'c'])
    expect(argv.networkRemoveArgv('n')).toEqual(['network', 'rm', 'n'])
    expect(argv.listArgv('bot-bottle.run', 's')).toEqual(['ps', '--all', '--filter', 'label=bot-bottle.run=s', '--format', '{{.Names}}'])
    expect(argv.networkListArgv('bot-bottle.run', 's')).toEqual(['network', 'ls', '--filter', 'label=bot-bottle.run=s', '--format', '{{.Name}}'])
  })
})

import { gatewayFromIpam } from '../../src/backend/docker/docker-backend.js'

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

describe('peekArgv: the image asked its platform before the bottle exists', () => {
  it('runs in a throwaway container with no network, no capabilities, a read-only root and nobody as user', () => {
    const a = argv.peekArgv('debian:12', ['sh', '-c', 'uname -s'])
    expect(a.slice(0, 2)).toEqual(['run', '--rm'])
    for (const pair of [
      ['--network', 'none'],
      ['--user', '65534:65534'],
      ['--cap-drop', 'ALL'],
      ['--security-opt', 'no-new-privileges'],
      ['--entrypoint', 'sh']
    ]) {
      expect(a[a.indexOf(pair[0]!) + 1]).toBe(pair[1])
    }
    expect(a).toContain('--read-only')
    expect(a.slice(-3)).toEqual(['debian:12', '-c', 'uname -s']) // the entrypoint's arguments after the image
  })
})
