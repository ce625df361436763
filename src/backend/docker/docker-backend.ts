import { spawn } from 'node:child_process'
import path from 'node:path'
import { BackendUnavailableError, BottleError, CommandError } from '../../util/errors.js'
import { runChecked, runCommand, spawnLines, type RunResult, type StreamedProcess } from '../../util/process.js'
import type { Backend, BottleNetwork, BottleSpec, ExecOptions, Probe } from '../types.js'
import * as argv from './argv.js'

/** The docker CLI driver. `docker` is whatever `docker` is on PATH (or DOCKER_CLI). */
export class DockerBackend implements Backend {
  readonly kind = 'docker' as const
  constructor(private readonly cli = 'docker') {}

  async probe(): Promise<Probe> {
    let r: RunResult
    try {
      r = await runCommand(this.cli, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return { usable: false, reason: 'docker: the docker CLI is not installed (install Docker Engine, e.g. `apt-get install docker.io`)' }
      }
      return { usable: false, reason: `docker: cannot run the docker CLI (${(err as Error).message})` }
    }
    if (r.code === 0 && r.stdout.trim()) return { usable: true, detail: `docker engine ${r.stdout.trim()}` }
    const text = r.stderr.trim()
    if (/permission denied/i.test(text)) {
      return { usable: false, reason: 'docker: permission denied on the docker socket (add the runner user to the `docker` group, or run as root)' }
    }
    if (/cannot connect|is the docker daemon running|no such file/i.test(text)) {
      return { usable: false, reason: 'docker: the docker daemon is unreachable (start dockerd, or set DOCKER_HOST to a running engine)' }
    }
    return { usable: false, reason: `docker: \`docker version\` failed: ${text.split('\n')[0] ?? 'no output'}` }
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<BottleNetwork> {
    await runChecked(this.cli, argv.networkCreateArgv(name, labels))
    const gateway = (await runChecked(this.cli, argv.networkInspectGatewayArgv(name))).trim().split(/\s+/)[0] ?? ''
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) {
      throw new BottleError(`docker network ${name} has no IPv4 gateway (got '${gateway}')`, 'Check the docker daemon\'s default address pools')
    }
    // The host daemons bind to the internal network's gateway address: the one host
    // address the container can reach on a network with no route out.
    return { name, bindHost: gateway, guestHost: gateway }
  }

  async create(spec: BottleSpec): Promise<void> {
    await this.ensureImage(spec.image)
    await runChecked(this.cli, argv.createArgv(spec))
  }

  /** Pulls the image only when the engine does not have it, with an error that names it. */
  private async ensureImage(image: string): Promise<void> {
    if ((await runCommand(this.cli, argv.imageInspectArgv(image))).code === 0) return
    const pull = await runCommand(this.cli, argv.pullArgv(image))
    if (pull.code !== 0) {
      const why = pull.stderr.trim().split('\n').at(-1) ?? ''
      throw new BottleError(`docker cannot find or pull the image '${image}' (${why})`, 'Set the `image` input to an image the runner has locally or can pull')
    }
  }

  async start(name: string): Promise<void> {
    await runChecked(this.cli, argv.startArgv(name))
  }

  exec(name: string, cmd: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return runCommand(this.cli, argv.execArgv(name, cmd, opts), { input: opts.input, timeoutMs: opts.timeoutMs })
  }

  execStream(
    name: string,
    cmd: readonly string[],
    opts: ExecOptions,
    onLine: (line: string) => void,
    onStderr: (chunk: Buffer) => void
  ): StreamedProcess {
    return spawnLines(this.cli, argv.execArgv(name, cmd, opts), onLine, onStderr)
  }

  async copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    // tar on the host, untar in the guest as the guest user: files end up owned by that user.
    const tar = spawn('tar', ['-c', '-C', path.dirname(hostPath), path.basename(hostPath)], { stdio: ['ignore', 'pipe', 'pipe'] })
    const r = await this.exec(name, ['tar', '-x', '-o', '-f', '-', '-C', guestDir], { ...opts, input: tar.stdout })
    if (r.code !== 0) throw new CommandError(`copy ${hostPath} into the guest`, r.code, r.stderr, 'The guest image needs `tar`')
  }

  async remove(name: string): Promise<void> {
    const r = await runCommand(this.cli, argv.removeArgv(name))
    if (r.code !== 0 && !/no such container/i.test(r.stderr)) throw new CommandError('docker rm', r.code, r.stderr)
  }

  async removeNetwork(name: string): Promise<void> {
    const r = await runCommand(this.cli, argv.networkRemoveArgv(name))
    if (r.code !== 0 && !/not found|no such network/i.test(r.stderr)) throw new CommandError('docker network rm', r.code, r.stderr)
  }

  async list(label: string, value: string): Promise<string[]> {
    const out = await runChecked(this.cli, argv.listArgv(label, value))
    return out.split('\n').filter(Boolean)
  }
}

export function assertUsable(p: Probe): void {
  if (!p.usable) throw new BackendUnavailableError(p.reason)
}
