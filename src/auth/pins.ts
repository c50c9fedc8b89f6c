import { eq } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import type { RateLimits } from '../limits/rate-limits.js'
import type { Audit, RequestContext } from './audit.js'
import type { PasswordHasher } from './password-hasher.js'
import type { UserRow } from './users.js'

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
  clock: Clock
  hasher: PasswordHasher
  limits: RateLimits
  audit: Audit
  disableAfter: number
}) {
  const { db, clock, hasher, limits, audit } = deps
  const update = (userId: string, values: Partial<UserRow>) =>
    db
      .update(users)
      .set({ ...values, updatedAt: unixSeconds(clock) })
      .where(eq(users.id, userId))
      .run()

  return {
    async set(userId: string, pin: string): Promise<void> {
      update(userId, { pinHash: await hasher.hash(pin), pinFailures: 0, pinDisabled: false })
      limits.reset('pinUser', userId)
    },

    remove(userId: string): void {
      update(userId, { pinHash: null, pinFailures: 0, pinDisabled: false, quickLogin: false })
      limits.reset('pinUser', userId)
    },

    /** Counts a wrong PIN; the count runs on across blocks and disables the PIN at the limit. */
    recordFailure(user: UserRow, context: RequestContext): { disabled: boolean } {
      const failures = user.pinFailures + 1
      const disabled = failures >= deps.disableAfter
      update(user.id, { pinFailures: failures, pinDisabled: disabled })
      if (disabled) {
        audit.record({ type: 'pin.disabled', userId: user.id, context, detail: { failures } })
      }
      return { disabled }
    },

    /**
     * A stronger sign-in (password, passkey) or an admin unlock resets the count and
     * re-enables a disabled PIN; both are audited when they change anything.
     */
    resetFailures(
      user: UserRow,
      by: 'password' | 'passkey' | 'pin' | 'admin',
      context?: RequestContext,
      actorId?: string,
    ): void {
      if (user.pinFailures === 0 && !user.pinDisabled) return
      update(user.id, { pinFailures: 0, pinDisabled: false })
      limits.reset('pinUser', user.id)
      if (user.pinDisabled) {
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
