import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BottleError, CommandError } from '../../util/errors.js'
import { runChecked, runCommand, spawnLines, type RunResult, type StreamedProcess } from '../../util/process.js'
import type { Backend, BackendRef, BottleNetwork, BottleSpec, ExecOptions, GuestEndpoint, Probe } from '../types.js'
import { copyInByTar } from '../copy-in.js'
import * as argv from './argv.js'

/** Reads the KEY=VALUE lines of an env file (the same file docker gets with --env-file). */
function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

/** The smolvm CLI driver: the bottle is a smolvm machine. */
export class SmolvmBackend implements Backend {
  readonly kind = 'smolvm' as const
  // virtiofs volumes nested in one another are not verified on a real VM: the restore after the run is the wall there
  readonly nestedMounts = false
  /** what `start` needs of `create`'s spec: the guest user and its home */
  private readonly homes = new Map<string, { home: string; uid: number; gid: number }>()
  private readonly archives = new Map<string, string>()
  constructor(
    readonly cli: string,
    private readonly docker = 'docker'
  ) {}

  async probe(): Promise<Probe> {
    const version = await runCommand(this.cli, ['--version'], { timeoutMs: 30_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }))
    if (version.code !== 0) return { usable: false, reason: `smolvm: \`smolvm --version\` failed (${version.stderr.trim().split('\n').at(-1) ?? ''})` }
    for (const [sub, flags] of Object.entries(argv.REQUIRED_FLAGS)) {
      const help = await runCommand(this.cli, ['machine', sub, '--help'], { timeoutMs: 30_000 })
      const missing = flags.filter(f => !help.stdout.includes(f))
      if (missing.length) {
        return { usable: false, reason: `smolvm: ${version.stdout.trim()} lacks \`machine ${sub} ${missing.join(' ')}\` (set smolvm-version to a release that has them, e.g. 1.9.2)` }
      }
    }
    return { usable: true, detail: version.stdout.trim() }
  }

  /** smolvm has no network object: the VM's only destination is the host's loopback. */
  async createNetwork(name: string): Promise<BottleNetwork> {
    return { name, bindHost: '127.0.0.1', wiring: 'loopback' }
  }

  guestEndpoints(network: BottleNetwork, ports: number[]): GuestEndpoint[] {
    return ports.map(port => ({ host: network.bindHost, port }))
  }

  async exposeToGuest(): Promise<void> {
    // nothing to start: the VM reaches the host's loopback directly
  }

  async create(spec: BottleSpec): Promise<void> {
    this.homes.set(spec.name, { home: spec.home, ...spec.user })
    const image = await this.localImageArchive(spec)
    const r = await runCommand(this.cli, argv.createArgv({ ...spec, image: image ?? spec.image }, readEnvFile(spec.envFile)))
    if (r.code !== 0) throw new CommandError('smolvm machine create', r.code, r.stderr, 'Check the `image` input and the smolvm version')
  }

  /**
   * An image the runner's docker engine has (built or pulled there) is exported with
   * `docker save` and given to smolvm as a local archive, which smolvm flattens in the guest;
   * any other reference is a registry image that the VM pulls itself.
   */
  private async localImageArchive(spec: BottleSpec): Promise<string | undefined> {
    const inspect = await runCommand(this.docker, ['image', 'inspect', '--format', '{{.Id}}', spec.image]).catch(() => undefined)
    if (!inspect || inspect.code !== 0) return undefined
    const archive = path.join(spec.stateDir, 'guest-image.tar')
    await runChecked(this.docker, ['save', '--output', archive, spec.image], { fix: 'Free disk space in RUNNER_TEMP, or use a registry image' })
    this.archives.set(spec.name, archive)
    core.info(`smolvm: the VM gets the runner's docker image ${spec.image} as a local archive (${Math.round(fs.statSync(archive).size / 1048576)} MiB)`)
    return archive
  }

  async start(name: string): Promise<void> {
    const r = await runCommand(this.cli, argv.startArgv(name))
    const archive = this.archives.get(name)
    if (archive) fs.rmSync(archive, { force: true }) // loaded into the machine at start
    if (r.code !== 0) throw new CommandError('smolvm machine start', r.code, r.stderr, 'Check the image can be pulled by the VM and the runner has memory for `memory`')
    const h = this.homes.get(name)
    if (h) {
      // No tmpfs-with-owner on smolvm: make the guest user's home as root once.
      const mk = await this.exec(name, ['sh', '-c', 'mkdir -p "$1" && chown "$2" "$1" && chmod 700 "$1"', 'sh', h.home, `${h.uid}:${h.gid}`])
      if (mk.code !== 0) throw new CommandError(`prepare ${h.home} in the guest`, mk.code, mk.stderr)
      const priv = await this.exec(name, ['true'], { user: h })
      if (priv.code !== 0) throw new BottleError(`the guest image cannot drop to uid ${h.uid} with setpriv (${priv.stderr.trim().split('\n').at(-1) ?? ''})`, 'Use an image with util-linux (setpriv), e.g. a Debian or Ubuntu image')
    }
  }

  exec(name: string, cmd: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return runCommand(this.cli, argv.execArgv(name, cmd, opts), { input: opts.input })
  }

  execStream(name: string, cmd: readonly string[], opts: ExecOptions, onLine: (line: string) => void, onStderr: (chunk: Buffer) => void): StreamedProcess {
    return spawnLines(this.cli, argv.execArgv(name, cmd, { ...opts, stream: true }), onLine, onStderr)
  }

  copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    return copyInByTar(this.exec.bind(this), name, hostPath, guestDir, opts)
  }

  async remove(name: string): Promise<void> {
    const r = await runCommand(this.cli, argv.deleteArgv(name))
    if (r.code !== 0 && !/not found/i.test(r.stderr)) throw new CommandError('smolvm machine delete', r.code, r.stderr)
  }

  async removeNetwork(): Promise<void> {
    // nothing to remove: smolvm has no network object
  }

  ref(): BackendRef {
    return { backend: 'smolvm', cli: this.cli }
  }

  async listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]> {
    const list = JSON.parse((await runChecked(this.cli, argv.listArgv())) || '[]') as { labels?: Record<string, string> }[]
    return list.filter(m => m.labels?.[runLabel]).map(m => ({ run: m.labels![runLabel]!, owner: m.labels![ownerLabel] }))
  }

  async sweep(label: string, value: string): Promise<string[]> {
    const list = JSON.parse((await runChecked(this.cli, argv.listArgv())) || '[]') as { name: string; labels?: Record<string, string> }[]
    const mine = list.filter(m => m.labels?.[label] === value).map(m => m.name)
    for (const m of mine) await this.remove(m)
    return mine.map(m => `machine ${m}`)
  }
}
