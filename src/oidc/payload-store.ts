import { and, eq, isNull, lte, notInArray, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { oidcPayloads } from '../db/schema.js'

/** What oidc-provider stores for one model instance (a session, grant, code, token…). */
export interface OIDCPayload {
  [key: string]: unknown
  accountId?: string
  grantId?: string
  userCode?: string
  uid?: string
  consumed?: number
}

export type OIDCPayloads = ReturnType<typeof createOIDCPayloads>

/**
 * oidc-provider's storage in `oidc_payloads` (API §12), the one module that writes the table.
 * Plain SQL, no oidc-provider import: the sessions module uses it to end a person's provider
 * sessions, grants and tokens (§7) without loading the provider.
 */
export function createOIDCPayloads({ db, clock }: { db: DB; clock: Clock }) {
  const now = () => unixSeconds(clock)
  const live = (at: number) =>
    sql`(${oidcPayloads.expiresAt} IS NULL OR ${oidcPayloads.expiresAt} > ${at})`

  function rowPayload(row: { payload: string; consumedAt: number | null } | undefined) {
    if (!row) return undefined
    const payload = JSON.parse(row.payload) as OIDCPayload
    return row.consumedAt === null ? payload : { ...payload, consumed: row.consumedAt }
  }

  function findBy(kind: string, column: 'id' | 'uid' | 'userCode', value: string) {
    const row = db
      .select({ payload: oidcPayloads.payload, consumedAt: oidcPayloads.consumedAt })
      .from(oidcPayloads)
      .where(and(eq(oidcPayloads.kind, kind), eq(oidcPayloads[column], value), live(now())))
      .get()
    return rowPayload(row)
  }

  return {
    upsert(kind: string, id: string, payload: OIDCPayload, expiresInSeconds?: number): void {
      const row = {
        kind,
        id,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        // An interaction is not the person's yet: it must survive the sign-in that it asks for.
        accountId: kind === 'Interaction' ? null : (payload.accountId ?? null),
        expiresAt: expiresInSeconds ? now() + expiresInSeconds : null,
        consumedAt: null,
      }
      db.insert(oidcPayloads)
        .values(row)
        .onConflictDoUpdate({ target: [oidcPayloads.kind, oidcPayloads.id], set: row })
        .run()
    },
    find: (kind: string, id: string) => findBy(kind, 'id', id),
    findByUid: (kind: string, uid: string) => findBy(kind, 'uid', uid),
    findByUserCode: (kind: string, userCode: string) => findBy(kind, 'userCode', userCode),
    /**
     * Marks a single-use artifact (an authorization code) used with a conditional UPDATE: of
     * two concurrent redemptions one wins; the row stays so that a replay is recognised and
     * oidc-provider revokes what the first use issued (RFC 6749 §4.1.2).
     */
    consume(kind: string, id: string): void {
      db.update(oidcPayloads)
        .set({ consumedAt: now() })
        .where(
          and(
            eq(oidcPayloads.kind, kind),
            eq(oidcPayloads.id, id),
            isNull(oidcPayloads.consumedAt),
          ),
        )
        .run()
    },
    destroy(kind: string, id: string): void {
      db.delete(oidcPayloads)
        .where(and(eq(oidcPayloads.kind, kind), eq(oidcPayloads.id, id)))
        .run()
    },
    revokeByGrantId(grantId: string): void {
      db.delete(oidcPayloads).where(eq(oidcPayloads.grantId, grantId)).run()
    },
    /**
     * Ends what the provider holds for a person (API §7): grants, codes, access and refresh
     * tokens, and with `includeSessions` its browser sessions too. A single sign-out keeps the
     * provider's session row so an authorization in progress can resume after the person signs
     * in again; that row authorizes nothing without a matching web UI session (see the
     * `ui_session` check in provider-policy.ts).
     */
    forgetAccount(accountId: string, options: { includeSessions: boolean }): void {
      db.delete(oidcPayloads)
        .where(
          and(
            eq(oidcPayloads.accountId, accountId),
            options.includeSessions ? undefined : notInArray(oidcPayloads.kind, ['Session']),
          ),
        )
        .run()
    },
    /** Deletes rows that expired more than a day ago (a replayed code past that is unknown). */
    pruneExpired(): void {
      db.delete(oidcPayloads)
        .where(lte(oidcPayloads.expiresAt, now() - 86_400))
        .run()
    },
    /** The kinds of rows held for a person (what §7's revocations are checked against). */
    kindsOf: (accountId: string) =>
      db
        .select({ kind: oidcPayloads.kind })
        .from(oidcPayloads)
        .where(eq(oidcPayloads.accountId, accountId))
        .all()
        .map((r) => r.kind),
  }
}
