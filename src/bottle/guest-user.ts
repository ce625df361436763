import fs from 'node:fs'

export interface GuestUser {
  uid: number
  gid: number
}

/** The uid the agent gets when the workspace belongs to root: never root itself. */
export const DEDICATED_UID = 1000

/**
 * The agent runs as the workspace owner's uid:gid, so what it writes belongs to the
 * runner afterwards. A root-owned workspace gets a dedicated unprivileged user instead.
 */
export function guestUserFor(workspace: string): GuestUser {
  const st = fs.statSync(workspace)
  if (st.uid === 0) return { uid: DEDICATED_UID, gid: DEDICATED_UID }
  return { uid: st.uid, gid: st.gid }
}

/** Whether `user` can write into `dir` by its mode bits (ACLs aside). */
export function canWrite(dir: string, user: GuestUser): boolean {
  const st = fs.statSync(dir)
  if (st.uid === user.uid) return (st.mode & 0o200) !== 0
  if (st.gid === user.gid) return (st.mode & 0o020) !== 0
  return (st.mode & 0o002) !== 0
}
