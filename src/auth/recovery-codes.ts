import { randomInt } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { recoveryCodes } from '../db/schema.js'
import type { SecretKeys } from '../secret-keys.js'

export const RECOVERY_CODE_COUNT = 10
// 12 characters of 32 = 60 bits each (API §10 asks at least 50), read aloud in three groups.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789' // no l, o, 0, 1
const GROUPS = 3
const GROUP_LENGTH = 4

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>

/** Ten single-use codes per user, shown once, stored as HMACs only. */
export function createRecoveryCodes(deps: { db: DB; clock: Clock; secretKeys: SecretKeys }) {
  const { db, clock, secretKeys } = deps
  const hash = (userId: string, code: string) =>
    secretKeys.hashToken(`recovery:${userId}:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`)

  return {
    /** Replaces every code of the user with ten new ones, returned once. */
    regenerate(userId: string): string[] {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
        Array.from({ length: GROUPS }, () =>
          Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
        ).join('-'),
      )
      db.transaction(() => {
        db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run()
        const createdAt = unixSeconds(clock)
        for (const code of codes) {
          db.insert(recoveryCodes)
            .values({ hash: hash(userId, code), userId, createdAt })
            .run()
        }
      })
      return codes
    },

    /** Uses a code up; the DELETE is the check, so it works once even under a race. */
    consume(userId: string, code: string): boolean {
      const deleted = db
        .delete(recoveryCodes)
        .where(and(eq(recoveryCodes.hash, hash(userId, code)), eq(recoveryCodes.userId, userId)))
        .run()
      return deleted.changes === 1
    },

    removeAll(userId: string): void {
      db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run()
    },
  }
}
