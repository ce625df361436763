import http from 'node:http'
import https from 'node:https'
import { tlsHint } from '../proxy/daemon.js'

/** What a relayed request did, for git.jsonl. */
export interface RelayOutcome {
  decision: 'allowed' | 'rejected-upstream'
  reason: string
  status?: number
  bytes_up: number
  bytes_down: number
}

const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'git-protocol', 'user-agent', 'content-encoding', 'accept-encoding']

export const CREDENTIAL_REFUSED = "the upstream refused the gate's credential; give the action a `github-token` that"

/** A plain-text answer from the gate itself (git prints it for refused fetches). */
export function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' })
  res.end(`bot-bottle git gate: ${text}\n`)
}

/**
 * The HTTP relay to the one upstream repository: the client's git headers plus the gate's
 * credential go up, status and git's response headers come back (an upstream 401 becomes a
 * 403, so guest git never asks for a password).
 */
export class UpstreamRelay {
  private readonly client: typeof http | typeof https

  constructor(
    private readonly upstream: URL,
    /** the upstream's repository path, e.g. /acme/widgets.git */
    private readonly repoPath: string,
    private readonly authHeader: { name: string; value: string } | undefined,
    private readonly agent: http.Agent
  ) {
    this.client = upstream.protocol === 'https:' ? https : http
  }

  /** `target` is the route as the gate matched it (normalised path + query), never the raw request URL. */
  request(
    req: http.IncomingMessage,
    target: string,
    onResponse: (res: http.IncomingMessage) => void,
    extra: http.OutgoingHttpHeaders = {}
  ): http.ClientRequest {
    const headers: http.OutgoingHttpHeaders = { host: this.upstream.host }
    for (const h of FORWARDED_REQUEST_HEADERS) if (req.headers[h] !== undefined) headers[h] = req.headers[h]
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete headers[k]
      else headers[k] = v
    }
    if (this.authHeader) headers[this.authHeader.name] = this.authHeader.value
    const { protocol, hostname, port } = this.upstream
    return this.client.request(
      { protocol, hostname, port: port || undefined, method: req.method, path: this.repoPath + target, headers, agent: this.agent },
      onResponse
    )
  }

  /** Passes the upstream's status and git's response headers back; returns the status sent. */
  relayHead(res: http.ServerResponse, ures: http.IncomingMessage): number {
    const status = ures.statusCode === 401 ? 403 : (ures.statusCode ?? 502)
    const headers: http.OutgoingHttpHeaders = {}
    for (const h of ['content-type', 'content-encoding', 'cache-control', 'expires', 'pragma']) if (ures.headers[h] !== undefined) headers[h] = ures.headers[h]
    res.writeHead(status, headers)
    return status
  }

  /** 502 naming the upstream (and the input that fixes a certificate problem). */
  unreachable(res: http.ServerResponse, err: Error): void {
    if (!res.headersSent) refuse(res, 502, `upstream ${this.upstream.origin} unreachable (${err.message})${tlsHint(err)}`)
    else res.destroy()
  }

  /** Streams a fetch (info/refs, upload-pack) both ways; `done` gets the outcome once the answer is sent. */
  forward(req: http.IncomingMessage, res: http.ServerResponse, target: string, done: (o: RelayOutcome) => void): void {
    let up = 0
    let down = 0
    const ureq = this.request(req, target, ures => {
      const status = this.relayHead(res, ures)
      if (ures.statusCode === 401) {
        ures.resume()
        res.end(`bot-bottle git gate: ${CREDENTIAL_REFUSED} can read this repository\n`)
      } else {
        ures.on('data', (c: Buffer) => (down += c.length))
        ures.pipe(res)
      }
      res.on('close', () => done({ decision: 'allowed', reason: 'origin', status, bytes_up: up, bytes_down: down }))
    })
    ureq.on('error', err => {
      done({ decision: 'rejected-upstream', reason: `upstream unreachable (${err.message})`, bytes_up: up, bytes_down: down })
      this.unreachable(res, err)
    })
    req.on('data', (c: Buffer) => (up += c.length))
    req.pipe(ureq)
  }
}
