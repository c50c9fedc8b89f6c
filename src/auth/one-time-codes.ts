import { and, eq, gt, lte } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { oneTimeCodes } from '../db/schema.js'
import { randomToken, type SecretKeys } from '../secret-keys.js'

export type CodePurpose = 'setup' | 'reset' | 'mfa' | 'webauthn-login' | 'webauthn-register'

export type OneTimeCodes = ReturnType<typeof createOneTimeCodes>

/**
 * Single-use secrets stored only as HMACs (API §10). Consuming is one
 * `DELETE … WHERE … AND expires_at > ? RETURNING`: the delete is the read, so a code can
 * never be used twice, even by two requests at once.
 */
export function createOneTimeCodes(deps: { db: DB; clock: Clock; secretKeys: SecretKeys }) {
  const { db, clock, secretKeys } = deps
  /** What the row of a code is found by (its HMAC): safe to keep where the code is not. */
  const reference = (purpose: CodePurpose, code: string) =>
    secretKeys.hashToken(`${purpose}:${code}`)

  function consumeReference(
    purpose: CodePurpose,
    hash: string,
  ): { userId: string | null; data: unknown } | null {
    const row = db
      .delete(oneTimeCodes)
      .where(
        and(
          eq(oneTimeCodes.hash, hash),
          eq(oneTimeCodes.purpose, purpose),
          gt(oneTimeCodes.expiresAt, unixSeconds(clock)),
        ),
      )
      .returning()
      .get()
    if (!row) return null
    return {
      userId: row.userId,
      data: row.data === null ? null : (JSON.parse(row.data) as unknown),
    }
  }

  return {
    create(
      purpose: CodePurpose,
      options: { ttlSeconds: number; userId?: string | null; data?: unknown; code?: string },
    ): { code: string; expiresAt: number } {
      const code = options.code ?? randomToken(32)
      const now = unixSeconds(clock)
      const expiresAt = now + options.ttlSeconds
      db.delete(oneTimeCodes).where(lte(oneTimeCodes.expiresAt, now)).run()
      db.insert(oneTimeCodes)
        .values({
          hash: secretKeys.hashToken(`${purpose}:${code}`),
          purpose,
          userId: options.userId ?? null,
          data: options.data === undefined ? null : JSON.stringify(options.data),
          createdAt: now,
          expiresAt,
        })
        .run()
      return { code, expiresAt }
    },

    consume: (purpose: CodePurpose, code: string) =>
      consumeReference(purpose, reference(purpose, code)),

    reference,
    consumeReference,

    /** Looks without using up (an MFA step that failed keeps its token, API §4.1). */
    peek(purpose: CodePurpose, code: string): { userId: string | null; data: unknown } | null {
      const row = db
        .select()
        .from(oneTimeCodes)
        .where(
          and(
            eq(oneTimeCodes.hash, secretKeys.hashToken(`${purpose}:${code}`)),
            gt(oneTimeCodes.expiresAt, unixSeconds(clock)),
          ),
        )
        .get()
      if (!row) return null
      return {
        userId: row.userId,
        data: row.data === null ? null : (JSON.parse(row.data) as unknown),
      }
    },

    /**
     * Ends what a person had pending (API §7): reset codes, mfa_tokens, WebAuthn ceremonies.
     * With their sessions on a password change, a role change or disabling: a reset code
     * someone else saw, or an mfa_token won with the old password, must not outlive them.
     */
    endPending(userId: string): void {
      db.delete(oneTimeCodes).where(eq(oneTimeCodes.userId, userId)).run()
    },

    deleteAll(purpose: CodePurpose, userId?: string): void {
      db.delete(oneTimeCodes)
        .where(
          and(
            eq(oneTimeCodes.purpose, purpose),
            userId ? eq(oneTimeCodes.userId, userId) : undefined,
          ),
        )
        .run()
    },
  }
}
