import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { DEFAULT_IMAGE_CACHE_MB, DEFAULT_SMOLVM_VERSION } from '../../config/fields.js'
import { BottleError, CommandError, errorMessage } from '../../util/errors.js'
import { runCommand, spawnChunks, spawnLines, type RunResult, type StreamedProcess } from '../../util/process.js'
import type { Backend, BackendRef, BottleNetwork, BottleSpec, ExecOptions, GuestEndpoint, Probe } from '../types.js'
import { copyInByTar } from '../copy-in.js'
import * as argv from './argv.js'
import { checkArchiveSize, type FetchOptions, guestImageArchive } from './guest-image.js'
import { pruneImageCache, smolvmArchiveDir } from './image-cache.js'
import { checkMountSources } from './mounts.js'
import { pinnedEnv, removalWarning } from './policy-env.js'
import { loopbackListeners, loopbackVerdict, type LoopbackListener } from './loopback-listeners.js'

const SECRET_FILE_MAX_BYTES = 1024 * 1024
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Why smolvm would not hand `value` to the guest as it is, through `--secret-file`: it trims
 * trailing line breaks (secrets.rs:417), refuses files over 1 MiB (secrets.rs:40, 88-104) and
 * reads them as UTF-8. The value is never named: it may be a secret.
 */
export function secretFileProblem(value: string): string | undefined {
  if (/[\r\n]$/.test(value)) return "ends in a line break, which smolvm's --secret-file would drop"
  if (Buffer.byteLength(value, 'utf8') > SECRET_FILE_MAX_BYTES) return "is over 1 MiB, the most smolvm's --secret-file takes"
  if (LONE_SURROGATE.test(value)) return "is not valid Unicode, which smolvm's --secret-file cannot carry"
  return undefined
}

/** One 0600 file per variable in a 0700 dir: what `--secret-file` points smolvm at. */
function writeEnvFiles(dir: string, env: Record<string, string>): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new BottleError(`the guest environment has an invalid variable name '${k}'`) // it names a file
      const file = path.join(dir, k)
      fs.writeFileSync(file, v, { mode: 0o600 })
      return [k, file]
    })
  )
}

/** The smolvm CLI driver: the bottle is a smolvm machine. */
export class SmolvmBackend implements Backend {
  readonly kind = 'smolvm' as const
  /** what `start` needs of `create`'s spec: the guest user, its home and the workspace copy's bounds */
  private readonly homes = new Map<string, { home: string; workspace?: BottleSpec['workspace']; memory: string; uid: number; gid: number }>()
  /** per machine: the dir of its env files, removed with it */
  private readonly envDirs = new Map<string, string>()
  /** per machine: how long create took and how the image came, for the ready line */
  private readonly created = new Map<string, { ms: number; image: string }>()
  private readonly pinned: ReturnType<typeof pinnedEnv>
  /** the most the image archives may take (`smolvm-image-cache-mb`), smolvm's staged copies counted with them */
  imageCacheBytes = DEFAULT_IMAGE_CACHE_MB * 1024 * 1024
  /** how the image is fetched from its registry when the runner's docker does not hold it (set from the config) */
  imageFetch: FetchOptions = {}
  /** what listens on the runner's loopback before the daemons start (replaceable in tests) */
  loopbackProbe: () => Promise<LoopbackListener[]> = () => loopbackListeners()
  constructor(
    readonly cli: string,
    private readonly docker = 'docker',
    /** where `docker save` archives are kept, one per image ID, for the next run */
    private readonly imageCache = path.join(process.env['RUNNER_TOOL_CACHE'] ?? process.env['RUNNER_TEMP'] ?? '/tmp', 'bot-bottle-smolvm-images'),
    runnerEnv: NodeJS.ProcessEnv = process.env
  ) {
    this.pinned = pinnedEnv(runnerEnv)
  }

  private run(args: readonly string[], opts: { input?: ExecOptions['input']; timeoutMs?: number } = {}): Promise<RunResult> {
    return runCommand(this.cli, args, { ...opts, env: this.pinned.env })
  }

  async probe(): Promise<Probe> {
    const version = await this.run(['--version'], { timeoutMs: 30_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }))
    if (version.code !== 0) return { usable: false, reason: `smolvm: \`smolvm --version\` failed (${version.stderr.trim().split('\n').at(-1) ?? ''})` }
    for (const sub of Object.keys(argv.REQUIRED_FLAGS)) {
      const help = await this.run(['machine', sub, '--help'], { timeoutMs: 30_000 })
      const problems = argv.helpProblems(sub, help.stdout)
      if (problems.length) {
        return {
          usable: false,
          reason:
            `smolvm: ${version.stdout.trim()} changed \`machine ${sub}\`: ${problems.join('; ')} ` +
            `(set smolvm-version to a release this backend was checked against, e.g. ${DEFAULT_SMOLVM_VERSION})`
        }
      }
    }
    const warning = removalWarning(this.pinned.removed)
    if (warning) core.warning(warning)
    return { usable: true, detail: version.stdout.trim() }
  }

  /**
   * smolvm has no network object. The daemons listen on the host's loopback; the guest reaches
   * them at the gateway, which smolvm relays to 127.0.0.1:port. That relay reaches EVERY port the
   * host has on loopback (tcp_relay.rs:235-249): the daemons check a per-run secret, and anything
   * else listening on the runner's loopback is reachable from the guest.
   */
  async createNetwork(name: string): Promise<BottleNetwork> {
    const listeners = await this.loopbackProbe()
    const line = loopbackVerdict(listeners) // throws on a smolvm API there
    if (listeners.length) core.warning(line)
    else core.info(line)
    return { name, bindHost: '127.0.0.1', wiring: 'gateway' }
  }

  guestEndpoints(_network: BottleNetwork, ports: number[]): GuestEndpoint[] {
    return ports.map(port => ({ host: argv.GATEWAY, port }))
  }

  async exposeToGuest(): Promise<void> {
    // nothing to start: smolvm's gateway relays to the host's loopback
  }

  async create(spec: BottleSpec): Promise<void> {
    const t0 = Date.now()
    checkMountSources(spec.mounts)
    // before the image is fetched or saved: a value smolvm would change fails the run at once
    for (const [k, v] of Object.entries(spec.env)) {
      const unfit = secretFileProblem(v)
      if (unfit) throw new BottleError(`smolvm: the guest environment variable ${k} ${unfit}`, "Change its value (the 'env' input), or use `backend: docker`")
    }
    this.homes.set(spec.name, { home: spec.home, workspace: spec.workspace, memory: spec.memory, ...spec.user })
    const image = await guestImageArchive(spec.image, this.imageCache, this.docker, this.imageFetch)
    const bytes = fs.statSync(image.archive).size
    checkArchiveSize(spec.image, bytes, this.pinned.env)
    const size = `${Math.round(bytes / 1048576)} MiB`
    if ('docker' in image.source)
      core.info(`smolvm: the VM gets the runner's docker image ${spec.image} as a local archive (${size}, ${image.cached ? 'cached' : 'saved'})`)
    else
      core.info(
        `smolvm: the VM gets image ${spec.image} (${image.source.digest}) from ${image.source.registry}, fetched without docker, ` +
          `as a local archive (${size}, ${image.cached ? 'cached' : 'fetched'})`
      )
    const envDir = path.join(spec.stateDir, 'smolvm-env')
    this.envDirs.set(spec.name, envDir)
    const envFiles = writeEnvFiles(envDir, spec.env)
    const r = await this.run(
      argv.createArgv({ name: spec.name, archive: image.archive, cpus: spec.cpus, memory: spec.memory, mounts: spec.mounts, envFiles, labels: spec.labels })
    )
    if (r.code !== 0) throw new CommandError('smolvm machine create', r.code, r.stderr, 'Check the `image` input and the smolvm version')
    this.created.set(spec.name, { ms: Date.now() - t0, image: image.cached ? 'cached' : 'saved' })
    await this.pruneImages(image.archive)
  }

  /**
   * Keeps the image archives (the action's and smolvm's staged copies) within
   * `smolvm-image-cache-mb`, least recently used first; never the one in use. A failure only warns.
   */
  private async pruneImages(inUseArchive: string): Promise<void> {
    try {
      const now = new Date()
      fs.utimesSync(inUseArchive, now, now) // last used: what the pruning orders by
      const ls = await this.run(['machine', 'ls', '--json'], { timeoutMs: 30_000 })
      if (ls.code !== 0) return
      const inUse = new Set((JSON.parse(ls.stdout) as { image?: unknown }[]).map(m => String(m.image ?? '')))
      const pruned = pruneImageCache({
        cacheDir: this.imageCache,
        budgetBytes: this.imageCacheBytes,
        keep: inUseArchive,
        smolvmDir: smolvmArchiveDir(this.pinned.env),
        inUse
      })
      for (const p of pruned)
        core.info(
          `smolvm: image cache over smolvm-image-cache-mb (${Math.round(this.imageCacheBytes / 1048576)} MiB): removed ${path.basename(p.archive)} ` +
            `(${Math.round(p.bytes / 1048576)} MiB)${p.staged ? ` and smolvm's staged copy ${p.staged}` : ''}`
        )
    } catch (err) {
      core.warning(`smolvm: could not prune the image cache in ${this.imageCache}: ${errorMessage(err)}`)
    }
  }

  async start(name: string): Promise<void> {
    const t0 = Date.now()
    const r = await this.run(argv.startArgv(name))
    if (r.code !== 0) throw new CommandError('smolvm machine start', r.code, r.stderr, 'Check the image has `sh` and the runner has memory for `memory`')
    const h = this.homes.get(name)
    if (h) {
      // As docker's bottle: the guest user's home and the workspace copy are tmpfs in the VM's memory (mounted
      // as root, which smolvm's exec is), so nothing the agent writes lands on the VM's disk image on the runner.
      const w = h.workspace
      const own = `uid=${h.uid},gid=${h.gid}`
      const script =
        'set -e; mkdir -p "$1"; mount -t tmpfs -o "$2" tmpfs "$1"; chmod 700 "$1"; ' +
        'if [ -n "$3" ]; then mkdir -p "$3"; mount -t tmpfs -o "$4" tmpfs "$3"; chmod 755 "$3"; fi'
      const mk = await this.exec(name, [
        'sh',
        '-c',
        script,
        'sh',
        h.home,
        `${own},mode=0700,size=${argv.memoryMiB(h.memory)}m`,
        w?.path ?? '',
        w ? `${own},mode=0755,size=${w.maxBytes},nr_inodes=${w.maxEntries}` : ''
      ])
      if (mk.code !== 0) throw new CommandError(`prepare ${h.home} in the guest`, mk.code, mk.stderr)
      const priv = await this.exec(name, ['true'], { user: h })
      if (priv.code !== 0)
        throw new BottleError(
          `the guest image cannot drop to uid ${h.uid} with setpriv (${priv.stderr.trim().split('\n').at(-1) ?? ''})`,
          'Use an image with util-linux (setpriv), e.g. a Debian or Ubuntu image'
        )
    }
    const c = this.created.get(name)
    if (c)
      core.info(
        `smolvm: machine ready in ${c.ms + Date.now() - t0} ms (create ${c.ms} ms, image archive ${c.image}; start and guest setup ${Date.now() - t0} ms)`
      )
  }

  exec(name: string, cmd: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return this.run(argv.execArgv(name, cmd, opts), { input: opts.input })
  }

  execStream(name: string, cmd: readonly string[], opts: ExecOptions, onLine: (line: string) => void, onStderr: (chunk: Buffer) => void): StreamedProcess {
    return spawnLines(this.cli, argv.execArgv(name, cmd, { ...opts, stream: true }), onLine, onStderr, this.pinned.env)
  }

  execRaw(name: string, cmd: readonly string[], opts: ExecOptions, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): StreamedProcess {
    // --stream: smolvm otherwise collects all of stdout before it prints any (machine.rs:2787-2795)
    return spawnChunks(this.cli, argv.execArgv(name, cmd, { ...opts, input: undefined, stream: true }), onStdout, onStderr, this.pinned.env)
  }

  copyIn(name: string, hostPath: string, guestDir: string, opts: ExecOptions = {}): Promise<void> {
    return copyInByTar(this.exec.bind(this), name, hostPath, guestDir, opts)
  }

  async remove(name: string): Promise<void> {
    const r = await this.run(argv.deleteArgv(name))
    if (r.code !== 0 && !/not found/i.test(r.stderr)) throw new CommandError('smolvm machine delete', r.code, r.stderr)
    const envDir = this.envDirs.get(name)
    if (envDir) fs.rmSync(envDir, { recursive: true, force: true })
  }

  async removeNetwork(): Promise<void> {
    // nothing to remove: smolvm has no network object
  }

  ref(): BackendRef {
    return { backend: 'smolvm', cli: this.cli }
  }

  private async machines(): Promise<{ name: string; labels?: Record<string, string> }[]> {
    const r = await this.run(argv.listArgv())
    if (r.code !== 0) throw new CommandError('smolvm machine ls', r.code, r.stderr)
    return JSON.parse(r.stdout || '[]') as { name: string; labels?: Record<string, string> }[]
  }

  async listRuns(runLabel: string, ownerLabel: string): Promise<{ run: string; owner?: string }[]> {
    return (await this.machines()).filter(m => m.labels?.[runLabel]).map(m => ({ run: m.labels![runLabel]!, owner: m.labels![ownerLabel] }))
  }

  async sweep(label: string, value: string): Promise<string[]> {
    const mine = (await this.machines()).filter(m => m.labels?.[label] === value).map(m => m.name)
    for (const m of mine) await this.remove(m)
    return mine.map(m => `machine ${m}`)
  }
}
