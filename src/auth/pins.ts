import { eq, sql } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import type { RateLimits } from '../limits/rate-limits.js'
import type { Audit, RequestContext } from './audit.js'
import type { PasswordHasher } from './password-hasher.js'
import type { UserRow, Users } from './users.js'

export const MAX_PIN_LENGTH = 12

/** PIN rules of API §7: digits, long enough, not one digit repeated, not a straight run. */
export function pinProblem(pin: string, minLength: number): string | null {
  if (!/^\d+$/.test(pin)) return 'must be digits only'
  if (pin.length < minLength) return `must be at least ${minLength} digits`
  if (pin.length > MAX_PIN_LENGTH) return `must be at most ${MAX_PIN_LENGTH} digits`
  if (/^(\d)\1*$/.test(pin)) return 'must not be one digit repeated'
  const steps = new Set([...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10))
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return 'must not be a straight run'
  return null
}

export type Pins = ReturnType<typeof createPins>

/** Stored PINs (argon2id) and the running failure count that disables them (API §6). */
export function createPins(deps: {
  db: DB
  users: Pick<Users, 'update' | 'countPinFailure' | 'acceptPIN'>
  hasher: PasswordHasher
  limits: RateLimits
  audit: Audit
  disableAfter: number
}) {
  const { db, hasher, limits, audit } = deps
  const update = deps.users.update
  // Prepared once: every complete password, passkey and TOTP sign-in reads it (building and
  // preparing it each time was a tenth of a sign-in's work outside argon2).
  const pinState = db
    .select({ failures: users.pinFailures, disabled: users.pinDisabled })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare()

  return {
    async set(userId: string, pin: string): Promise<void> {
      update(userId, { pinHash: await hasher.hash(pin), pinFailures: 0, pinDisabled: false })
      limits.reset('pinUser', userId)
    },

    remove(userId: string): void {
      update(userId, { pinHash: null, pinFailures: 0, pinDisabled: false, quickLogin: false })
      limits.reset('pinUser', userId)
    },

    /**
     * Counts a wrong PIN in SQL (`pin_failures + 1 … RETURNING`), so concurrent failures each
     * count: the count runs on across blocks and disables the PIN at the limit, however the
     * attempts interleave (API §6).
     */
    recordFailure(userId: string, context: RequestContext): { disabled: boolean } {
      const row = deps.users.countPinFailure(userId, deps.disableAfter)
      if (row?.failures === deps.disableAfter) {
        audit.record({ type: 'pin.disabled', userId, context, detail: { failures: row.failures } })
      }
      return { disabled: row?.disabled ?? false }
    },

    /**
     * A correct PIN resets the running count, unless a failure that ran at the same time has
     * disabled the PIN meanwhile: false then, and no tokens (the row is read again here).
     */
    acceptCorrect(userId: string): boolean {
      return deps.users.acceptPIN(userId)
    },

    /**
     * A complete password or passkey sign-in (tokens issued) or an admin unlock resets the
     * count, lifts the PIN block and re-enables a disabled PIN; audited when it re-enables.
     */
    resetFailures(
      user: UserRow,
      by: 'password' | 'passkey' | 'admin',
      context?: RequestContext,
      actorId?: string,
    ): void {
      // The row of `user` was read before argon2; failures may have been counted since.
      const before = db.transaction(() => {
        const row = pinState.get({ id: user.id })
        if (!row || (row.failures === 0 && !row.disabled)) return null
        update(user.id, { pinFailures: 0, pinDisabled: false })
        return row
      })
      // Whatever the count: a block outlives it when a right PIN checked during the block reset
      // the count, and points stay held when a restart cut their checks off.
      limits.reset('pinUser', user.id)
      if (!before) return
      if (before.disabled) {
        audit.record({
          type: 'pin.enabled',
          userId: user.id,
          actorId: actorId ?? null,
          context,
          detail: { by },
        })
      }
    },
  }
}
