import * as core from '@actions/core'

// Apart from daemons.ts: the post step reports how the daemons ended (through undo) without
// loading the proxies and the gate.

/** How one daemon's stop went: its summary line, or why it could not be stopped. */
export type DaemonClosed = { daemon: string; summary: string; error?: undefined } | { daemon: string; error: string; summary?: undefined }

/** One warning line for each daemon that could not be stopped, and (with `summaries`) one info line for each that was. */
export function reportClosed(closed: DaemonClosed[], prefix = '', summaries = true): void {
  for (const c of closed) {
    if (c.error !== undefined) core.warning(`${prefix}could not stop the ${c.daemon}: ${c.error}`)
    else if (summaries) core.info(c.summary)
  }
}
