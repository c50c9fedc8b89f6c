import { randomUUID } from 'node:crypto'
import { and, count, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { DB } from '../db/client.js'
import { passkeys, refreshTokens, sessions, userGroups, users } from '../db/schema.js'
import { invalidGrant } from '../errors.js'
import { randomToken, type SecretKeys } from '../secret-keys.js'
import type { AMR } from './access-tokens.js'
import type { UserRow } from './users.js'

export type SessionRow = typeof sessions.$inferSelect

export interface NewSession {
  userId: string
  amr: AMR[]
  authTime: number
  address: string | null
  userAgent: string | null
}

export type RefreshOutcome =
  | { kind: 'rotated'; session: SessionRow; refreshToken: string; refreshExpiresIn: number }
  | { kind: 'reused'; session: SessionRow }
  | { kind: 'refusedInGrace'; session: SessionRow; firstRefusal: boolean }

export type Sessions = ReturnType<typeof createSessions>

/**
 * A person's group names (the row's `users.id`) joined by commas, in no set order, for a
 * statement that reads them with the rest: names are a-z 0-9 - (groups.ts), so a comma joins
 * them safely. Sorted afterwards (sortedGroupNames): an ORDER BY inside the aggregate costs
 * SQLite a temporary b-tree on every request.
 */
export const groupNamesOfUser = sql<
  string | null
>`(select group_concat(${userGroups.groupName}, ',') from ${userGroups} where ${userGroups.userId} = ${users.id})`

/** groupNamesOfUser's text as a sorted list (ASCII names: as SQLite's BINARY order sorts). */
export const sortedGroupNames = (text: string | null): string[] =>
  text ? text.split(',').sort() : []

/** What `GET /v1/me` shows of a person, read with the check of their session (liveMember). */
export interface LiveMember {
  user: UserRow
  /** Their groups' names, sorted. */
  groups: string[]
  passkeys: number
}

/**
 * Sessions and their refresh tokens (API §5). Refresh tokens are random, stored only as
 * HMACs, rotated on every use; rotated ones stay on record so that presenting one again is
 * recognised as theft and ends the session.
 */
export function createSessions(deps: {
  db: DB
  clock: Clock
  secretKeys: SecretKeys
  config: Pick<
    Config,
    'refreshTokenTTLSeconds' | 'refreshIdleTTLSeconds' | 'refreshReuseGraceSeconds'
  >
  /**
   * What else ends with a person's sessions (API §7): the OIDC provider's grants and tokens,
   * and, when every session of theirs ends, its browser sessions too.
   */
  onRevoke?: (userId: string, everySession: boolean) => void
}) {
  const { db, clock, secretKeys, config } = deps
  // Rotated tokens whose in-grace refusal was already audited: one event per token, so
  // replaying a just-rotated token in a loop cannot flood the audit log. Bounded; a restart
  // forgets it, which at worst writes one more event.
  const graceRefusalsSeen = new Set<string>()

  function issueRefreshToken(session: SessionRow, now: number) {
    const refreshToken = randomToken(32)
    const idleExpiresAt = Math.min(now + config.refreshIdleTTLSeconds, session.expiresAt)
    insertRefreshToken.run({
      hash: secretKeys.hashToken(refreshToken),
      sessionId: session.id,
      issuedAt: now,
      idleExpiresAt,
    })
    return { refreshToken, refreshExpiresIn: idleExpiresAt - now }
  }

  const insertRefreshToken = db
    .insert(refreshTokens)
    .values({
      hash: sql.placeholder('hash'),
      sessionId: sql.placeholder('sessionId'),
      issuedAt: sql.placeholder('issuedAt'),
      idleExpiresAt: sql.placeholder('idleExpiresAt'),
      rotatedAt: null,
    })
    .prepare()
  // Prepared once: every sign-in writes a session (drizzle built and SQLite prepared this insert
  // on each one, about a tenth of a sign-in's time outside argon2).
  const insertSession = db
    .insert(sessions)
    .values({
      id: sql.placeholder('id'),
      userId: sql.placeholder('userId'),
      amr: sql.placeholder('amr'),
      authTime: sql.placeholder('authTime'),
      createdAt: sql.placeholder('createdAt'),
      lastUsedAt: sql.placeholder('lastUsedAt'),
      expiresAt: sql.placeholder('expiresAt'),
      revokedAt: sql.placeholder('revokedAt'),
      address: sql.placeholder('address'),
      userAgent: sql.placeholder('userAgent'),
    })
    .prepare()
  // The session's state alone (the bench's floor of /v1/me: bench/server-child.ts).
  const sessionState = db
    .select({ revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare()
  // Prepared once, checked on every bearer-protected request: the bearer check as one statement: the session's state and the token's user, each looked
  // up by its own id (as two statements did). Each statement takes and drops SQLite's read
  // lock; on the bearer path the statements cost more than the rest of the check.
  const sessionStateAndUser = db
    .select({ revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sql.placeholder('userId')))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare()
  // The same, with what `/v1/me` shows besides the user row (their groups, their number of
  // passkeys): four statements in one.
  const sessionStateAndMember = db
    .select({
      revokedAt: sessions.revokedAt,
      expiresAt: sessions.expiresAt,
      user: users,
      groups: groupNamesOfUser,
      passkeys: sql<number>`(select count(*) from ${passkeys} where ${passkeys.userId} = ${users.id})`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sql.placeholder('userId')))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare()
  const live = (row: { revokedAt: number | null; expiresAt: number } | undefined) =>
    !!row && row.revokedAt === null && row.expiresAt > unixSeconds(clock)

  // The rotation's statements, prepared once: building and preparing them per refresh cost
  // about a third of a refresh's time outside its commit (bench/README.md).
  const tokenWithSession = db
    .select()
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.hash, sql.placeholder('hash')))
    .prepare()
  const claimToken = db
    .update(refreshTokens)
    .set({
      rotatedAt: sql`${sql.placeholder('now')}`,
      rotatedAtMs: sql`${sql.placeholder('nowMs')}`,
    })
    .where(and(eq(refreshTokens.hash, sql.placeholder('hash')), isNull(refreshTokens.rotatedAt)))
    .prepare()
  const touchSession = db
    .update(sessions)
    .set({ lastUsedAt: sql`${sql.placeholder('now')}` })
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare()

  /**
   * A new session's row, not written yet: its id is known before the commit, so the access
   * token can be signed while the commit runs (token-response.ts).
   */
  function draft(input: NewSession): SessionRow {
    const now = unixSeconds(clock)
    return {
      id: randomUUID(),
      userId: input.userId,
      amr: JSON.stringify(input.amr),
      authTime: input.authTime,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + config.refreshTokenTTLSeconds,
      revokedAt: null,
      address: input.address,
      userAgent: input.userAgent,
    }
  }

  /**
   * Writes a drafted session and its first refresh token. Two statements: call it inside the
   * transaction that also writes the sign-in's audit event (one durable commit in all).
   */
  function write(session: SessionRow) {
    insertSession.run(session)
    return issueRefreshToken(session, session.createdAt)
  }

  function revoke(sessionId: string): void {
    const ended = db
      .update(sessions)
      .set({ revokedAt: unixSeconds(clock) })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ userId: sessions.userId })
      .get()
    if (ended) deps.onRevoke?.(ended.userId, false)
  }

  return {
    draft,
    write,

    create(input: NewSession) {
      const session = draft(input)
      return db.transaction(() => ({ session, ...write(session) }))
    },

    /**
     * Rotates a refresh token. Runs as one SQLite transaction and marks the token used with a
     * conditional UPDATE, so of two concurrent refreshes exactly one wins. A token rotated
     * earlier than the grace window is reuse: the whole session is revoked. The grace is
     * compared in milliseconds: in whole seconds a 2 s grace spared reuses 2.9 s late.
     */
    refresh(refreshToken: string): RefreshOutcome {
      const hash = secretKeys.hashToken(refreshToken)
      const nowMs = clock.now().getTime()
      const now = Math.floor(nowMs / 1000)
      return db.transaction(() => {
        const row = tokenWithSession.get({ hash })
        if (!row || row.sessions.revokedAt !== null) throw invalidGrant()
        const { refresh_tokens: token, sessions: session } = row
        if (token.rotatedAt !== null) {
          // A token rotated before the millisecond column existed counts from the start of
          // its second: the earliest it can have been, so the grace never stretches.
          const rotatedMs = token.rotatedAtMs ?? token.rotatedAt * 1000
          if (nowMs - rotatedMs <= config.refreshReuseGraceSeconds * 1000) {
            const firstRefusal = !graceRefusalsSeen.has(hash)
            if (graceRefusalsSeen.size >= 10_000) graceRefusalsSeen.clear()
            graceRefusalsSeen.add(hash)
            return { kind: 'refusedInGrace', session, firstRefusal } as const
          }
          revoke(session.id)
          return { kind: 'reused', session } as const
        }
        if (now >= token.idleExpiresAt || now >= session.expiresAt) throw invalidGrant()
        const claimed = claimToken.run({ hash, now, nowMs })
        if (claimed.changes !== 1) throw invalidGrant()
        touchSession.run({ now, id: session.id })
        return {
          kind: 'rotated',
          session: { ...session, lastUsedAt: now },
          ...issueRefreshToken(session, now),
        } as const
      })
    },

    /**
     * The live session a current (not rotated, not idle-expired) refresh token belongs to,
     * without rotating it: how the web UI's session cookie is checked on each page.
     */
    peek(refreshToken: string): SessionRow | null {
      const row = db
        .select()
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.hash, secretKeys.hashToken(refreshToken)))
        .get()
      const now = unixSeconds(clock)
      if (!row || row.refresh_tokens.rotatedAt !== null || row.refresh_tokens.idleExpiresAt <= now)
        return null
      const session = row.sessions
      return session.revokedAt === null && session.expiresAt > now ? session : null
    },

    /** The session of a refresh token, to revoke it at logout; null when unknown. */
    sessionOfRefreshToken(refreshToken: string): string | null {
      const row = db
        .select({ sessionId: refreshTokens.sessionId })
        .from(refreshTokens)
        .where(eq(refreshTokens.hash, secretKeys.hashToken(refreshToken)))
        .get()
      return row?.sessionId ?? null
    },

    revoke,

    revokeAllForUser(userId: string, exceptSessionId?: string): void {
      const now = unixSeconds(clock)
      db.update(sessions)
        .set({ revokedAt: now })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            exceptSessionId ? sql`${sessions.id} <> ${exceptSessionId}` : undefined,
          ),
        )
        .run()
      deps.onRevoke?.(userId, true)
    },

    /** True while the session is neither revoked nor past its absolute lifetime. */
    isActive(sessionId: string): boolean {
      return live(sessionState.get({ id: sessionId }))
    },

    /**
     * The user `userId` while the session `sessionId` is active (isActive), in one statement;
     * null when the session has ended or either is unknown. Whether the user is disabled is
     * the caller's to check.
     */
    liveUser(sessionId: string, userId: string): UserRow | null {
      const row = sessionStateAndUser.get({ id: sessionId, userId })
      return live(row) ? row!.user : null
    },

    /** liveUser with the person's groups and passkey count, in one statement. */
    liveMember(sessionId: string, userId: string): LiveMember | null {
      const row = sessionStateAndMember.get({ id: sessionId, userId })
      if (!live(row)) return null
      const { user, groups, passkeys } = row!
      return { user, groups: sortedGroupNames(groups), passkeys }
    },

    /**
     * Deletes sessions (and, by cascade, their refresh tokens) that ended more than a day
     * ago: expired or revoked ones can never be used again, so the tables stay small.
     */
    pruneEnded(): void {
      const cutoff = unixSeconds(clock) - 86_400
      db.delete(sessions)
        .where(sql`${sessions.expiresAt} < ${cutoff} OR ${sessions.revokedAt} < ${cutoff}`)
        .run()
    },

    /** A person's live sessions, most recently used first; `current` marks the asking one. */
    listLive(userId: string, currentSessionId: string) {
      return db
        .select()
        .from(sessions)
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            gt(sessions.expiresAt, unixSeconds(clock)),
          ),
        )
        .orderBy(desc(sessions.lastUsedAt))
        .all()
        .map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          lastUsedAt: s.lastUsedAt,
          expiresAt: s.expiresAt,
          address: s.address,
          userAgent: s.userAgent,
          methods: JSON.parse(s.amr) as string[],
          current: s.id === currentSessionId,
        }))
    },

    countActive: () =>
      db
        .select({ n: count() })
        .from(sessions)
        .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, unixSeconds(clock))))
        .get()?.n ?? 0,

    findById: (id: string) => db.select().from(sessions).where(eq(sessions.id, id)).get() ?? null,
  }
}
