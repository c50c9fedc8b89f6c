import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { proxySessions, sessions, users } from '../db/schema.js'
import { randomToken, type SecretKeys } from '../secret-keys.js'
import { parseAMR } from './session-strength.js'

export type ProxySessions = ReturnType<typeof createProxySessions>

/** The person behind a live proxy cookie, as forward auth needs them. */
export interface ProxyPerson {
  userId: string
  username: string
  displayName: string
  email: string | null
  disabled: boolean
  amr: string[]
}

/**
 * Forward auth's own browser session (API §13): a random cookie for AUTH_COOKIE_DOMAIN,
 * stored only as an HMAC, never a refresh token (every app under the domain sees it). It
 * belongs to one web UI session and is read through it on every request, so whatever ends
 * that session (sign-out, disabling, a role or password change: API §7) ends it too, with
 * no second revocation path to forget.
 */
export function createProxySessions(deps: {
  db: DB
  clock: Clock
  secretKeys: Pick<SecretKeys, 'hashToken'>
}) {
  const { db, clock, secretKeys } = deps
  // Prepared once: this runs in front of every request of every protected app. One lookup
  // by primary key, joined to its session and person.
  const byHash = db
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      disabled: users.disabled,
      amr: sessions.amr,
    })
    .from(proxySessions)
    .innerJoin(sessions, eq(sessions.id, proxySessions.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(proxySessions.hash, sql.placeholder('hash')),
        gt(proxySessions.expiresAt, sql.placeholder('now')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare()

  return {
    /** A new proxy cookie value for a live web UI session; it lasts no longer than it. */
    issue(session: { id: string; expiresAt: number }): string {
      const token = randomToken(32)
      const now = unixSeconds(clock)
      db.insert(proxySessions)
        .values({
          hash: secretKeys.hashToken(token),
          sessionId: session.id,
          createdAt: now,
          expiresAt: session.expiresAt,
        })
        .run()
      return token
    },

    /** The person of a proxy cookie whose session is still live; null otherwise. */
    resolve(token: string): ProxyPerson | null {
      if (token.length === 0 || token.length > 128) return null
      const row = byHash.get({ hash: secretKeys.hashToken(token), now: unixSeconds(clock) })
      return row ? { ...row, amr: parseAMR(row.amr) } : null
    },
  }
}
