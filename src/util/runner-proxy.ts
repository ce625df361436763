import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import { formatAuthority, normalizeHost, parseHostPort } from './authority.js'

/**
 * The runner's own outbound proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as on a corporate
 * network). The host-side daemons use it for their upstream connections; the guest never does.
 */
export interface RunnerProxy {
  https?: URL
  http?: URL
  /** NO_PROXY entries, lower-case: `*`, host names (suffix match), `host:port`, IP literals */
  noProxy: string[]
}

export const NO_RUNNER_PROXY: RunnerProxy = { noProxy: [] }

function proxyUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined
  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `http://${value}`
  return URL.canParse(withScheme) ? new URL(withScheme) : undefined
}

export function parseRunnerProxy(env: { httpsProxy?: string; httpProxy?: string; noProxy?: string }): RunnerProxy {
  return {
    https: proxyUrl(env.httpsProxy),
    http: proxyUrl(env.httpProxy),
    noProxy: (env.noProxy ?? '')
      .split(/[,\s]+/)
      .map(e =>
        e
          .trim()
          .toLowerCase()
          .replace(/^\*?\./, '')
      )
      .filter(e => e !== '')
  }
}

/** The proxy to use for host:port, or undefined for a direct connection (like curl and the toolkit). */
export function proxyFor(rp: RunnerProxy, host: string, port: number, secure: boolean): URL | undefined {
  const proxy = secure ? rp.https : rp.http
  if (!proxy) return undefined
  const h = normalizeHost(host) ?? host
  for (const raw of rp.noProxy) {
    if (raw === '*') return undefined
    const entry = parseHostPort(raw)
    if (!entry || (entry.port !== undefined && entry.port !== port)) continue
    if (h === entry.host || (!net.isIP(h) && h.endsWith(`.${entry.host}`))) return undefined
  }
  return proxy
}

/** Basic credentials in the proxy URL, as a Proxy-Authorization header. */
function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {}
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return { 'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}` }
}

/** Opens a CONNECT tunnel to host:port through `proxy`; resolves with the raw socket, which `signal` ends too. */
export function openTunnel(proxy: URL, host: string, port: number, timeoutMs = 30_000, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const authority = formatAuthority(host, port)
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      timeout: timeoutMs,
      signal
    })
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200 && !signal?.aborted) {
        const end = () => socket.destroy()
        signal?.addEventListener('abort', end, { once: true })
        socket.once('close', () => signal?.removeEventListener('abort', end))
        return resolve(socket)
      }
      socket.destroy()
      reject(new Error(`the runner's proxy ${proxy.host} answered ${res.statusCode} to CONNECT ${authority}`))
    })
    req.once('timeout', () => req.destroy(new Error(`the runner's proxy ${proxy.host} did not answer CONNECT ${authority} within ${timeoutMs} ms`)))
    req.once('error', reject)
    req.end()
  })
}

/** Plain-HTTP request options that go through `proxy` (absolute URI), or direct without one. */
export function httpRequestVia(proxy: URL | undefined, target: URL, options: http.RequestOptions): http.RequestOptions {
  if (!proxy) return options
  return {
    ...options,
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port || 80),
    path: target.href,
    headers: { ...options.headers, ...proxyAuthorization(proxy) }
  }
}

/**
 * An agent for one upstream: direct (with the extra CAs, if any), or through a CONNECT tunnel
 * to the runner's proxy when that applies to the upstream's host.
 */
export function upstreamAgent(upstream: URL, rp: RunnerProxy, ca?: string[]): http.Agent {
  const secure = upstream.protocol === 'https:'
  const port = Number(upstream.port || (secure ? 443 : 80))
  const host = upstream.hostname.replace(/^\[|\]$/g, '')
  const caOption = ca?.length ? { ca: [...tls.rootCertificates, ...ca] } : {}
  const via = proxyFor(rp, host, port, secure)
  if (!via) return secure ? new https.Agent({ keepAlive: true, ...caOption }) : new http.Agent({ keepAlive: true })
  const Base = secure ? https.Agent : http.Agent
  class TunnelAgent extends Base {
    // the agent waits for the callback when createConnection returns nothing
    override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: import('node:stream').Duplex) => void): undefined {
      openTunnel(via!, host, port).then(
        socket =>
          callback?.(
            null,
            secure ? tls.connect({ ...(options as tls.ConnectionOptions), ...caOption, socket, servername: net.isIP(host) ? undefined : host }) : socket
          ),
        err => callback?.(err as Error, undefined as never)
      )
      return undefined
    }
  }
  return new TunnelAgent({ keepAlive: true, ...caOption })
}
