import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { commonLists } from './common-words.js'
import { assessSecret } from './secret-policy.js'

/**
 * Why a file could not be read, in words an operator can act on. For a permission error it
 * names the file's (or the blocking folder's) owner and mode, the uid the service runs as, and
 * the fix: Docker mounts a `file:` secret with the host's owner and mode, so a 0600 file owned
 * by root (Unraid) or uid 1026 (Synology) is unreadable to the image's `node` user (1000).
 */
export function explainReadError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
  if (isPastedSecret(path)) {
    return (
      `names no readable file (${code}), and its value looks like a secret itself (not ` +
      'shown); put the secret in a file and name that file instead'
    )
  }
  const head = `cannot read ${path} (${code})`
  if (code !== 'EACCES' && code !== 'EPERM') return head
  const uid = process.getuid?.()
  const gid = process.getgid?.()
  if (uid === undefined || gid === undefined) return head
  const runsAs = `the service runs as uid ${uid} (gid ${gid})`
  const blocking = blockingFolder(resolve(path))
  if (blocking) {
    return (
      `${head}: ${runsAs} and cannot enter the folder ${blocking.path} ` +
      `(owner uid ${blocking.uid}, mode ${blocking.mode}); let uid ${uid} in with ` +
      `chmod o+x ${blocking.path}, or mount the file somewhere else`
    )
  }
  const file = ownerAndMode(path)
  const facts = file ? `it belongs to uid ${file.uid} with mode ${file.mode} and ` : ''
  return (
    `${head}: ${facts}${runsAs}; fix it with chown ${uid}:${gid} ${path} && chmod 400 ${path}, ` +
    `or make it group-readable: chgrp ${gid} ${path} && chmod 440 ${path} ` +
    '(for a Docker secret, change the host file it is mounted from)'
  )
}

/**
 * The secret itself pasted where its file's path belongs (`AUTH_SECRET_FILE=<secret>`): echoing
 * it would put the secret into the container log. A real path is absolute under a folder that
 * exists, or fails the strength check (short, or made of words such as "secrets").
 */
function isPastedSecret(value: string): boolean {
  const top = /^\/[^/]+/.exec(value)?.[0]
  if (top && existsSync(top)) return false
  return assessSecret(value, commonLists().words).ok
}

function ownerAndMode(path: string): { uid: number; mode: string; path: string } | null {
  try {
    const stats = statSync(path)
    return { uid: stats.uid, mode: (stats.mode & 0o777).toString(8).padStart(3, '0'), path }
  } catch {
    return null
  }
}

/** The first folder on the way to `path` the service may not enter, if any. */
function blockingFolder(path: string): { uid: number; mode: string; path: string } | null {
  const folders: string[] = []
  for (let dir = dirname(path); !folders.includes(dir); dir = dirname(dir)) folders.unshift(dir)
  for (const dir of folders) {
    try {
      accessSync(dir, constants.X_OK)
    } catch {
      return ownerAndMode(dir)
    }
  }
  return null
}
