import fs from 'node:fs'

export interface GuestUser {
  uid: number
  gid: number
}

/** The uid the agent gets when the workspace belongs to root: never root itself. */
export const DEDICATED_UID = 1000

/**
 * The agent runs as the workspace owner's uid:gid (what the door writes back is owned as the
 * workspace is, whatever uid the agent had). A root-owned workspace gets a dedicated
 * unprivileged user instead.
 */
export function guestUserFor(workspace: string): GuestUser {
  const st = fs.statSync(workspace)
  if (st.uid === 0) return { uid: DEDICATED_UID, gid: DEDICATED_UID }
  return { uid: st.uid, gid: st.gid }
}
