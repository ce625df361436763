import type { IncomingMessage } from 'node:http'
import https from 'node:https'
import { BottleError } from '../util/errors.js'
import { NO_RUNNER_PROXY, type RunnerProxy, upstreamAgent } from '../util/runner-proxy.js'
import type { RegistryLogin } from './credentials.js'
import type { ImageReference } from './reference.js'

/**
 * The distribution API's client side for one repository: GETs under `/v2/<name>/`, the
 * registry's auth challenge answered (a bearer token from its token service, per the Docker
 * token protocol, with the login as basic auth when there is one; or basic auth itself),
 * redirects followed (a blob is often served from storage elsewhere: the login and token are
 * never sent there), and a registry that stops sending given up. HTTPS only; the runner's
 * proxy and the `ca-certificates` input apply.
 */
export class RegistryError extends BottleError {}

export interface ClientOptions {
  login?: RegistryLogin
  /** extra CAs to trust (the `ca-certificates` input) */
  ca?: string[]
  proxy?: RunnerProxy
  /** no byte for this long (before or during a response): the registry is stalled */
  idleMs?: number
  /** fewer bytes than this over three idle times while a body is read: the registry trickles (a stall the idle timer cannot see) */
  minBytesPerWindow?: number
  /** a line for the log (where the login goes) */
  note?: (line: string) => void
}

const MAX_REDIRECTS = 5
/** A body arriving slower than this (over three idle times, 1 MiB per 3 minutes by default) is refused: a trickle never ends a run. */
const MIN_BYTES_PER_WINDOW = 1024 * 1024
const TOKEN_BYTES = 1024 * 1024

/** A WWW-Authenticate challenge: the scheme and its parameters (RFC 7235 auth-params, quoted or not). */
export function parseChallenge(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header ?? '')
  if (!m) return undefined
  const params: Record<string, string> = {}
  for (const p of m[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!
  return { scheme: m[1]!.toLowerCase(), params }
}

export class RegistryClient {
  private authorization?: string
  private readonly agents = new Map<string, https.Agent>()
  private readonly idleMs: number

  constructor(
    readonly ref: ImageReference,
    private readonly opts: ClientOptions = {}
  ) {
    this.idleMs = opts.idleMs ?? 60_000
  }

  private agentFor(url: URL): https.Agent {
    let agent = this.agents.get(url.host)
    if (!agent) {
      agent = upstreamAgent(url, this.opts.proxy ?? NO_RUNNER_PROXY, this.opts.ca) as https.Agent
      this.agents.set(url.host, agent)
    }
    return agent
  }

  /** Ends the kept-alive connections. */
  close(): void {
    for (const a of this.agents.values()) a.destroy()
    this.agents.clear()
  }

  private send(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
    if (url.protocol !== 'https:')
      return Promise.reject(new RegistryError(`registry ${this.ref.registry}: refused to fetch over ${url.protocol} (${url.host}); only https is used`))
    return new Promise((resolve, reject) => {
      let response: IncomingMessage | undefined
      const req = https.request(url, { method: 'GET', headers: { 'user-agent': 'bot-bottle', ...headers }, agent: this.agentFor(url) }, res => {
        response = res
        this.watchRate(url, res)
        resolve(res)
      })
      req.setTimeout(this.idleMs, () => {
        const stalled = new RegistryError(
          `registry ${url.host} stalled: nothing received for ${Math.round(this.idleMs / 1000)} s`,
          "Check the registry's health and the runner's network"
        )
        // mid-body, whoever reads the response gets the reason (not a bare "aborted")
        if (response) response.destroy(stalled)
        req.destroy(stalled)
      })
      req.on('error', err =>
        reject(
          err instanceof RegistryError
            ? err
            : new RegistryError(
                `registry ${url.host} could not be reached (${(err as NodeJS.ErrnoException).code ?? err.message})`,
                "Check the `image` input and the runner's network"
              )
        )
      )
      req.end()
    })
  }

  /**
   * Refuses a body that arrives, but too slowly to ever end (a byte every few seconds keeps the
   * idle timer quiet): its socket's bytes are counted every three idle times, unless the reader
   * is the slow side (the body's buffer full).
   */
  private watchRate(url: URL, res: IncomingMessage): void {
    const min = this.opts.minBytesPerWindow ?? MIN_BYTES_PER_WINDOW
    const windowMs = 3 * this.idleMs
    const socket = res.socket
    let last = socket?.bytesRead ?? 0
    const timer = setInterval(() => {
      const now = socket?.bytesRead ?? 0
      const got = now - last
      last = now
      if (res.complete || res.readableLength >= res.readableHighWaterMark) return
      if (got < min)
        res.destroy(
          new RegistryError(
            `registry ${url.host} is too slow: ${got} bytes in the last ${Math.round(windowMs / 1000)} s`,
            "Check the registry's health and the runner's network"
          )
        )
    }, windowMs)
    timer.unref()
    const stop = () => clearInterval(timer)
    res.once('end', stop)
    res.once('close', stop)
    res.once('error', stop)
  }

  /**
   * GETs `path` under the repository (`manifests/<ref>`, `blobs/<digest>`): the 2xx response,
   * its body unread; anything else is thrown as one line.
   */
  async get(path: string, accept?: string): Promise<IncomingMessage> {
    const base = new URL(`https://${this.ref.apiHost}/v2/${this.ref.repository}/${path}`)
    let url = base
    let authorized = false
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      // the login and the token go to the registry only, never to where it redirects
      const sameOrigin = url.origin === base.origin
      const headers: Record<string, string> = accept ? { accept } : {}
      if (sameOrigin && this.authorization) headers['authorization'] = this.authorization
      const res = await this.send(url, headers)
      const status = res.statusCode ?? 0
      if (status >= 200 && status < 300) return res
      const location = res.headers.location
      res.resume()
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        url = new URL(location, url)
        continue
      }
      if (status === 401 && sameOrigin && !authorized) {
        await this.authenticate(res.headers['www-authenticate'])
        authorized = true
        hop--
        continue
      }
      throw this.refused(status, path)
    }
    throw new RegistryError(`registry ${this.ref.registry}: more than ${MAX_REDIRECTS} redirects for ${path}`)
  }

  private refused(status: number, path: string): RegistryError {
    const what = path.startsWith('manifests/') ? `image ${this.ref.canonical}` : `${path.replace('blobs/', 'blob ')} of ${this.ref.canonical}`
    if (status === 401 || status === 403)
      return new RegistryError(
        `registry ${this.ref.registry} refused ${what} (HTTP ${status}, ${this.opts.login ? `with the login from ${this.opts.login.source}` : 'anonymously'})`,
        "Give a login that may pull it: the 'image-registry-username' and 'image-registry-password' inputs, or `docker login` on the runner"
      )
    if (status === 404) return new RegistryError(`registry ${this.ref.registry} has no ${what} (HTTP 404)`, 'Check the `image` input: its name, tag or digest')
    if (status === 429)
      return new RegistryError(
        `registry ${this.ref.registry} is rate-limiting this runner (HTTP 429)`,
        'Log in to the registry (pulls by a login have higher limits) or try later'
      )
    return new RegistryError(`registry ${this.ref.registry} answered HTTP ${status} for ${what}`, 'Try again later, or check the registry')
  }

  /** Answers the registry's challenge once: a token from its realm, or basic auth with the login. */
  private async authenticate(header: string | string[] | undefined): Promise<void> {
    const challenge = parseChallenge(Array.isArray(header) ? header[0] : header)
    const basic = this.opts.login ? `Basic ${Buffer.from(`${this.opts.login.username}:${this.opts.login.password}`).toString('base64')}` : undefined
    if (challenge?.scheme === 'basic') {
      if (!basic) throw this.refused(401, 'manifests/')
      this.authorization = basic
      return
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params['realm'])
      throw new RegistryError(`registry ${this.ref.registry} asked for an authentication this client does not speak (${String(header).slice(0, 80)})`)
    const realm = URL.canParse(challenge.params['realm']) ? new URL(challenge.params['realm']) : undefined
    if (!realm) throw new RegistryError(`registry ${this.ref.registry} named a token service that is not a URL`)
    // as docker does, the login goes to the token service the registry names: say where, when it is another host
    if (basic && realm.host !== this.ref.apiHost)
      this.opts.note?.(`registry ${this.ref.registry}: its token service is ${realm.host}; the login from ${this.opts.login?.source} is sent there`)
    if (challenge.params['service']) realm.searchParams.set('service', challenge.params['service'])
    realm.searchParams.set('scope', challenge.params['scope'] ?? `repository:${this.ref.repository}:pull`)
    const res = await this.send(realm, basic ? { authorization: basic } : {})
    const body = await readAll(res, TOKEN_BYTES, `the token service ${realm.host}`)
    if ((res.statusCode ?? 0) !== 200) {
      if (res.statusCode === 401 || res.statusCode === 403) throw this.refused(res.statusCode, 'manifests/')
      throw new RegistryError(`the token service ${realm.host} of registry ${this.ref.registry} answered HTTP ${res.statusCode}`, 'Try again later')
    }
    let token: unknown
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown }
      token = parsed.token ?? parsed.access_token
    } catch {
      token = undefined
    }
    if (typeof token !== 'string' || !/^[\x21-\x7e]{1,8192}$/.test(token))
      throw new RegistryError(`the token service ${realm.host} of registry ${this.ref.registry} sent no token`)
    this.authorization = `Bearer ${token}`
  }
}

/** A response body up to `max` bytes (more is refused: a manifest or token is small). */
export async function readAll(res: IncomingMessage, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length
    if (n > max) {
      res.destroy()
      throw new RegistryError(`${what} sent more than ${max} bytes`)
    }
    chunks.push(c)
  }
  return Buffer.concat(chunks)
}
