import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { apps, proxySessions, sessions, users } from '../db/schema.js'
import { randomToken, type SecretKeys } from '../secret-keys.js'
import { groupNamesOfUser, sortedGroupNames } from './sessions.js'
import { parseAMR } from './session-strength.js'

export type ProxySessions = ReturnType<typeof createProxySessions>

/** Whether the app row serves the host `:host`, by its `domains` (a JSON array). */
export const servesHost = sql`exists (select 1 from json_each(${apps.domains}) where value = ${sql.placeholder('host')})`

/** What forward auth reads for one proxied request (ProxySessions.forHost). */
export interface ProxyQuestion {
  /** The app serving the host, its policy; null when none does. */
  app: { name: string; groups: string[]; allowPin: boolean; requireMfa: boolean } | null
  /** The person of a live proxy cookie (null without one) and their groups, sorted. */
  person: ProxyPerson | null
  groups: string[]
}

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
  // Forward auth's whole read in one statement (one read lock, not three), prepared once: it
  // runs in front of every request of every protected app. The app serving the host (its
  // `domains`, a JSON array read by json_each: a household has a handful of apps; two apps
  // never share a domain), the person of the cookie (one lookup by primary key, joined to
  // its live session and person), and their groups (groupNamesOfUser). Read per request, so
  // an app, session or group changed by the CLI or the admin pages applies at once.
  const live = and(
    eq(proxySessions.hash, sql.placeholder('hash')),
    gt(proxySessions.expiresAt, sql.placeholder('now')),
  )
  const liveSession = and(
    eq(sessions.id, proxySessions.sessionId),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql.placeholder('now')),
  )
  const byHostAndHash = db
    .select({
      app: apps.name,
      appGroups: apps.groups,
      allowPin: apps.allowPin,
      requireMfa: apps.requireMfa,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      disabled: users.disabled,
      amr: sessions.amr,
      groups: groupNamesOfUser,
    })
    .from(apps)
    .leftJoin(proxySessions, live)
    .leftJoin(sessions, liveSession)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(servesHost)
    .prepare()

  /** The stored form of a cookie value; '' (never stored) for one that cannot be ours. */
  const hashOf = (token: string | null) =>
    token === null || token.length === 0 || token.length > 128 ? '' : secretKeys.hashToken(token)

  return {
    /**
     * The app serving `host` and, when `token` is a live proxy cookie, its person and their
     * groups: what decideForwardAuth asks (API §13), read in one statement.
     */
    forHost(host: string, token: string | null): ProxyQuestion {
      const hash = hashOf(token)
      const row = byHostAndHash.get({ host, hash, now: unixSeconds(clock) })
      if (!row) return { app: null, person: null, groups: [] }
      const app = {
        name: row.app,
        groups: JSON.parse(row.appGroups) as string[],
        allowPin: row.allowPin,
        requireMfa: row.requireMfa,
      }
      if (hash === '' || row.userId === null) return { app, person: null, groups: [] }
      const person: ProxyPerson = {
        userId: row.userId,
        username: row.username!,
        displayName: row.displayName!,
        email: row.email,
        disabled: row.disabled!,
        amr: parseAMR(row.amr!),
      }
      return { app, person, groups: sortedGroupNames(row.groups) }
    },

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
  }
}
