import type http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { RECORD_CAPS, RecordSink, type RecordWatch } from '../transcript/record-sink.js'

/** What the host-side daemons (model proxy, egress proxy, git gate) share: listen, log, close. */

// Every socket a daemon accepted, until it closes. A socket handed over by CONNECT (or an upgrade)
// leaves the http server's own bookkeeping, so closeAllConnections() misses it while server.close()
// still waits for it: one tunnel held open by the guest would hold the teardown.
const accepted = new WeakMap<http.Server, Set<Socket>>()

/** Listens on host:port (0 = any free port); resolves with the port. */
export async function listen(server: http.Server, host: string, port = 0): Promise<number> {
  server.on('clientError', (_e, socket) => socket.destroy())
  const sockets = new Set<Socket>()
  accepted.set(server, sockets)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return (server.address() as AddressInfo).port
}

/** An append-only JSON-lines decision log (0600, capped), each record stamped with its start time. */
export function decisionLog(file: string, watch?: RecordWatch): { record(started: number, fields: object): void; end(): Promise<void> } {
  const sink = new RecordSink(file, RECORD_CAPS.decisionLog, watch, 'a')
  return {
    record: (started, fields) => sink.write(`${JSON.stringify({ time: new Date(started).toISOString(), ...fields })}\n`),
    end: () => sink.end()
  }
}

/** For an upstream certificate a daemon could not verify: the input that fixes it. */
export function tlsHint(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code ?? ''
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code) ? '; if it uses a private CA, give that CA in the `ca-certificates` input' : ''
}

/** Drops every connection (tunnels included), stops listening, then runs `after` (e.g. flushing a log). */
export function shutdown(server: http.Server, after: () => Promise<void> | void = () => undefined): Promise<void> {
  return new Promise<void>(resolve => {
    server.close(() => void Promise.resolve(after()).then(() => resolve()))
    server.closeAllConnections()
    for (const socket of accepted.get(server) ?? []) socket.destroy()
  })
}
