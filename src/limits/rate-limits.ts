import { eq, lt, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { rateLimits } from '../db/schema.js'

export interface Policy {
  /** Failures within `windowSeconds` (counted from the first one) that cause a block. */
  failures: number
  windowSeconds: number
  blockSeconds: number
}

export interface LimitSettings {
  loginFailures: number
  loginBlockSeconds: number
  addressFailuresPerDay: number
  secondFactorFailures: number
  pinFailures: number
  pinDisableAfter: number
  pinAddressFailures: number
}

export const DEFAULT_LIMITS: LimitSettings = {
  loginFailures: 10,
  loginBlockSeconds: 15 * 60,
  addressFailuresPerDay: 100,
  secondFactorFailures: 5,
  pinFailures: 5,
  pinDisableAfter: 10,
  pinAddressFailures: 10,
}

const DAY = 86_400

/**
 * Every rate-limit policy of API §6, declared once. "Consecutive" counters are windows that
 * a success resets; they forget a day after their first failure.
 */
export function policiesFrom(limits: LimitSettings) {
  return {
    /** Password and passkey sign-in, per (submitted username, address). */
    loginUserAddress: {
      failures: limits.loginFailures,
      windowSeconds: DAY,
      blockSeconds: limits.loginBlockSeconds,
    },
    /** Every password, passkey and second-factor failure of an address. */
    loginAddress: { failures: limits.addressFailuresPerDay, windowSeconds: DAY, blockSeconds: DAY },
    /** TOTP and recovery codes share one counter per user. */
    secondFactorUser: {
      failures: limits.secondFactorFailures,
      windowSeconds: DAY,
      blockSeconds: limits.loginBlockSeconds,
    },
    /** PIN per user: the block; the running count that disables the PIN lives on the user. */
    pinUser: {
      failures: limits.pinFailures,
      windowSeconds: 100 * 365 * DAY,
      blockSeconds: limits.loginBlockSeconds,
    },
    /** PIN per address, whether or not the user id exists. */
    pinAddress: {
      failures: limits.pinAddressFailures,
      windowSeconds: 15 * 60,
      blockSeconds: 15 * 60,
    },
  } satisfies Record<string, Policy>
}

export type PolicyName = keyof ReturnType<typeof policiesFrom>
export type RateLimits = ReturnType<typeof createRateLimits>

/** Counters in SQLite (so a restart keeps them), timed by the injected clock. */
export function createRateLimits(deps: { db: DB; clock: Clock; limits: LimitSettings }) {
  const { db, clock } = deps
  const policies = policiesFrom(deps.limits)
  const rowKey = (policy: PolicyName, subject: string) => `${policy}:${subject}`

  const byKey = db
    .select({ blockedUntil: rateLimits.blockedUntil })
    .from(rateLimits)
    .where(eq(rateLimits.key, sql.placeholder('key')))
    .prepare()

  /** Seconds until the block ends; 0 when not blocked. Writes nothing. */
  function blockedFor(policy: PolicyName, subject: string): number {
    const row = byKey.get({ key: rowKey(policy, subject) })
    const now = unixSeconds(clock)
    return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil - now : 0
  }

  return {
    policies,
    blockedFor,

    /** The longest block among several counters; 0 when none is blocked. */
    retryAfter(checks: [PolicyName, string][]): number {
      return Math.max(0, ...checks.map(([policy, subject]) => blockedFor(policy, subject)))
    },

    /** Counts one failure; returns true when this failure started a block. */
    fail(policy: PolicyName, subject: string): boolean {
      const { failures, windowSeconds, blockSeconds } = policies[policy]
      const key = rowKey(policy, subject)
      const now = unixSeconds(clock)
      return db.transaction(() => {
        const row = db.select().from(rateLimits).where(eq(rateLimits.key, key)).get()
        const fresh = !row || now >= row.windowStartedAt + windowSeconds
        const count = (fresh ? 0 : row.failures) + 1
        const blocked = count >= failures
        const values = {
          failures: blocked ? 0 : count,
          windowStartedAt: fresh || blocked ? now : row.windowStartedAt,
          blockedUntil: blocked ? now + blockSeconds : (row?.blockedUntil ?? null),
          updatedAt: now,
        }
        db.insert(rateLimits)
          .values({ key, ...values })
          .onConflictDoUpdate({ target: rateLimits.key, set: values })
          .run()
        return blocked
      })
    },

    /** Forgets a counter and its block (a success, or an admin unlock). */
    reset(policy: PolicyName, subject: string): void {
      db.delete(rateLimits)
        .where(eq(rateLimits.key, rowKey(policy, subject)))
        .run()
    },

    /** Admin unlock: every counter of `policy` whose subject starts with `subjectPrefix`. */
    resetMatching(policy: PolicyName, subjectPrefix: string): void {
      const prefix = rowKey(policy, subjectPrefix)
      db.delete(rateLimits)
        .where(sql`substr(${rateLimits.key}, 1, ${prefix.length}) = ${prefix}`)
        .run()
    },

    /** Drops counters untouched for two days (longer than any window or block). */
    prune(): void {
      db.delete(rateLimits)
        .where(lt(rateLimits.updatedAt, unixSeconds(clock) - 2 * DAY))
        .run()
    },
  }
}
