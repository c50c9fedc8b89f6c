import { RateLimiterRes, type RateLimiterSQLite } from 'rate-limiter-flexible'
import type { LimitSettings } from '../config.js'
import type { Database } from '../db/client.js'
import { rateLimited } from '../errors.js'
import type { BlockedEvents } from './blocked-events.js'
import type { Policy, Refusal } from './policy.js'
import { ESCALATION_PREFIX, openLimiters, type Limiters } from './limiter-store.js'

const DAY = 86_400

/** Every rate-limit policy of API §6, declared once: one rate-limiter-flexible limiter each. */
export function policiesFrom(limits: LimitSettings) {
  return {
    /** Password and passkey sign-in, per (submitted username, address). */
    loginUserAddress: {
      points: limits.loginFailures,
      windowSeconds: DAY,
      blockSeconds: limits.loginBlockSeconds,
      consecutive: true,
    },
    /** Every password, passkey and second-factor failure of an address. */
    loginAddress: {
      points: limits.addressFailuresPerDay,
      windowSeconds: DAY,
      blockSeconds: DAY,
      consecutive: false,
    },
    /** TOTP and recovery codes share one counter per user; its blocks double. */
    secondFactorUser: {
      points: limits.secondFactorFailures,
      windowSeconds: DAY,
      blockSeconds: limits.loginBlockSeconds,
      consecutive: true,
      doublesUpToSeconds: DAY,
    },
    /** PIN per user: the block. The running count that disables the PIN lives on the user. */
    pinUser: {
      points: limits.pinFailures,
      windowSeconds: 0,
      blockSeconds: limits.loginBlockSeconds,
      consecutive: true,
    },
    /** PIN per address, whether or not the user id exists. */
    pinAddress: {
      points: limits.pinAddressFailures,
      windowSeconds: 15 * 60,
      blockSeconds: 15 * 60,
      consecutive: false,
    },
    /** WebAuthn options per address: each writes a challenge row, so they are rationed. */
    passkeyOptions: { points: 30, windowSeconds: 60, blockSeconds: 0, consecutive: false },
  } satisfies Record<string, Policy>
}

export type { Policy, Refusal }
export type PolicyName = keyof ReturnType<typeof policiesFrom>
export type Counter = [PolicyName, string]
export type RateLimits = ReturnType<typeof createRateLimits>

/**
 * Added to a counter when its block starts: a block is then far above any count of attempts,
 * so the points that attempts still in flight give back can never bring it under the limit.
 */
const BLOCK_MARK = 1_000_000
const isBlock = (policy: Policy, res: RateLimiterRes) =>
  res.consumedPoints >= policy.points + BLOCK_MARK / 2

/** An attempt that has paid: it must end in exactly one of these. */
export interface Payment {
  /** The secret was right: points back, and the consecutive counters of the method reset. */
  succeeded(): Promise<void>
  /** The secret was wrong: the points stay; true when this failure started a block. */
  failed(): Promise<boolean>
  /** Runs the check; if it throws (queue full, storage error), every point goes back. */
  check<T>(run: () => Promise<T>): Promise<T>
}

/**
 * The limits of API §6 on rate-limiter-flexible: an attempt pays a point on each counter it
 * touches *before* its secret is checked (`consume` is one atomic UPDATE), so however many
 * attempts arrive at once, at most `points` secrets are checked per key.
 */
export function createRateLimits(deps: {
  database: Database
  limits: LimitSettings
  blockedEvents: BlockedEvents
}) {
  const policies = policiesFrom(deps.limits)
  let store: Limiters<PolicyName> | null = null
  // Opened on first use, so commands and start-up that never limit anything open nothing.
  const limiters = () => (store ??= openLimiters(deps.database, policies))
  const limiterOf = (name: PolicyName): RateLimiterSQLite => limiters().byPolicy[name]
  const keyOf = ([name, subject]: Counter) => `${name}:${subject}`

  /**
   * How many paid attempts each counter has still being checked (in this process, the only
   * one). A success lowers its counter to them instead of deleting it: their points stay
   * held, so the checks running alongside a success are not made free by it.
   */
  const checking = new Map<string, number>()
  function track(key: string, change: 1 | -1): void {
    const count = (checking.get(key) ?? 0) + change
    if (count > 0) checking.set(key, count)
    else checking.delete(key)
  }

  /**
   * Gives one point back, never below zero: when a success deleted the counter (or its window
   * ended) after the point was taken, the point is gone already, and giving it back would
   * allow an extra attempt. One synchronous statement (the library's reward, undone when it
   * went below zero, took two round trips through its promises on every sign-in).
   */
  const giveBackOne = (counter: Counter, windowEnd: number | null): void =>
    limiters().giveBack(keyOf(counter), windowEnd)
  /**
   * The window a point was taken in, as its end (ms, the store's unit); null for a counter
   * without one. A point goes back only to that window: an attempt paid before a window
   * ended and answered after the next began must not take a point off the new window's
   * failures (each such success would buy one more wrong secret than the limit).
   */
  const windowOf = (res: RateLimiterRes): number | null =>
    res.msBeforeNext < 0 ? null : Date.now() + res.msBeforeNext

  /** Seconds to wait: a block's remaining time; for points held by checks in flight, 1. */
  function waitOf(name: PolicyName, res: RateLimiterRes): number {
    const policy: Policy = policies[name]
    if (policy.blockSeconds > 0 && !isBlock(policy, res)) return 1
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
  }

  /** Starts the block of a spent counter, once however many failures see it spent. */
  async function startBlock([name, subject]: Counter): Promise<boolean> {
    const policy: Policy = policies[name]
    const limiter = limiterOf(name)
    const now = await limiter.get(subject)
    if (!now || now.consumedPoints < policy.points || isBlock(policy, now)) return false
    // Of two failures that both saw the counter spent, the first to add the mark starts it.
    const claim = await limiter.penalty(subject, BLOCK_MARK)
    if (claim.consumedPoints >= policy.points + BLOCK_MARK * 1.5) return false
    let seconds = policy.blockSeconds
    if (policy.doublesUpToSeconds) {
      const blocks = (await limiters().escalation.penalty(`${name}:${subject}`)).consumedPoints
      seconds = Math.min(seconds * 2 ** Math.min(blocks - 1, 30), policy.doublesUpToSeconds)
    }
    await limiter.set(subject, policy.points + BLOCK_MARK, seconds)
    return true
  }

  /**
   * A success of the method (its own point already untracked): the consecutive failures and
   * the doubling start again; the points of attempts still being checked stay. A block that
   * failures checked alongside it started stays too: only its end, an unlock or (for a PIN)
   * a password or passkey sign-in lifts it (API §6). One synchronous statement each.
   */
  function forget(counter: Counter): void {
    const policy: Policy = policies[counter[0]]
    const key = keyOf(counter)
    limiters().lower(key, checking.get(key) ?? 0, policy.points + BLOCK_MARK / 2)
    if (policy.doublesUpToSeconds) limiters().deleteKeys([`${ESCALATION_PREFIX}:${key}`])
  }

  return {
    policies,

    /**
     * Takes a point from every counter, or refuses the attempt with 429 at once when one has
     * none left: then it gives back what it took (a refused attempt counts toward no limit),
     * starts no block, and the refusals of one block make one `login.blocked` event.
     */
    async pay(counters: Counter[], refusal: Refusal): Promise<Payment> {
      // Each point is tracked as soon as it is taken, so a success meanwhile leaves it held.
      const taken = await Promise.allSettled(
        counters.map((counter) =>
          limiterOf(counter[0])
            .consume(counter[1])
            .then((res) => (track(keyOf(counter), 1), res)),
        ),
      )
      const failure = (i: number): unknown =>
        taken[i]!.status === 'rejected' ? (taken[i] as PromiseRejectedResult).reason : null
      // Every consume wrote its point, refused or not; a storage error keeps its own.
      const windows = taken.map((result) => {
        const res = result.status === 'fulfilled' ? result.value : result.reason
        return res instanceof RateLimiterRes ? windowOf(res) : undefined
      })
      const giveBack = () =>
        counters.forEach((counter, i) => {
          const windowEnd = windows[i]
          if (windowEnd !== undefined) giveBackOne(counter, windowEnd)
        })
      const error = counters.map((_, i) => failure(i)).find((reason) => reason instanceof Error)
      let wait = 0
      let blockedKey = ''
      counters.forEach(([name, subject], i) => {
        const refused = failure(i)
        if (!(refused instanceof RateLimiterRes)) return
        const seconds = waitOf(name, refused)
        if (seconds > wait) [wait, blockedKey] = [seconds, `${name}:${subject}`]
      })
      if (error || wait > 0) {
        taken.forEach(
          (result, i) => result.status === 'fulfilled' && track(keyOf(counters[i]!), -1),
        )
        giveBack()
        if (error) throw error
        deps.blockedEvents.refused(blockedKey, wait, refusal)
        throw rateLimited(wait)
      }
      let settled = false
      const settle = () => {
        if (settled) throw new Error('an attempt was settled twice')
        settled = true
        for (const counter of counters) track(keyOf(counter), -1)
      }
      return {
        async succeeded() {
          settle()
          counters.forEach((counter, i) => {
            if (policies[counter[0]].consecutive) forget(counter)
            else giveBackOne(counter, windows[i] ?? null)
          })
        },
        async failed() {
          settle()
          let started = false
          for (const counter of counters) if (await startBlock(counter)) started = true
          return started
        },
        async check(run) {
          try {
            return await run()
          } catch (thrown) {
            settle()
            giveBack()
            throw thrown
          }
        },
      }
    },

    /** A plain rate (no block): 429 with the time until the window ends. */
    async rate([name, subject]: Counter, refusal: Refusal): Promise<void> {
      try {
        await limiterOf(name).consume(subject)
      } catch (reason) {
        if (!(reason instanceof RateLimiterRes)) throw reason
        const wait = waitOf(name, reason)
        deps.blockedEvents.refused(`${name}:${subject}`, wait, refusal)
        throw rateLimited(wait)
      }
    },

    /**
     * Forgets a counter, its block and its doubling (a stronger sign-in, an admin unlock, a
     * new PIN). One DELETE done at once, so the callers, not all async, need not wait.
     */
    reset(policy: PolicyName, subject: string): void {
      const key = `${policy}:${subject}`
      // The points of attempts still being checked stay paid for: lifting a PIN block during
      // a burst must not let as many again be checked alongside them.
      const held = checking.get(key) ?? 0
      if (held > 0) limiters().lower(key, held, Number.MAX_SAFE_INTEGER)
      limiters().deleteKeys([...(held > 0 ? [] : [key]), `${ESCALATION_PREFIX}:${key}`])
    },

    /** Admin unlock: every counter of `policy` whose subject starts with `subjectPrefix`. */
    resetMatching(policy: PolicyName, subjectPrefix: string): void {
      // The library deletes one key at a time; a prefix is one SQL statement on its table.
      limiters().deleteMatching(`${policy}:${subjectPrefix}`)
    },

    /** Drops counters and blocks that have ended. */
    prune: (): void => store?.deleteExpired(),

    close: () => store?.close(),
  }
}
