import { and, eq, isNotNull } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { invalidCredentials, pinDisabled } from '../errors.js'
import type { Counter, RateLimits } from '../limits/rate-limits.js'
import type { Audit, RequestContext } from './audit.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Pins } from './pins.js'
import type { IssuedTokens, Issuer } from './token-response.js'
import type { Users } from './users.js'

export interface QuickLoginDeps {
  db: DB
  users: Users
  hasher: PasswordHasher
  pins: Pins
  limits: RateLimits
  audit: Audit
  issuer: Issuer
}

/** The household picker: only people who opted in and have a PIN (API §4). */
export function listProfiles(db: DB): { id: string; display_name: string }[] {
  return db
    .select({ id: users.id, display_name: users.displayName })
    .from(users)
    .where(and(eq(users.quickLogin, true), isNotNull(users.pinHash), eq(users.disabled, false)))
    .orderBy(users.displayName)
    .all()
}

/**
 * Profile + PIN sign-in. The caller has already checked the network. The attempt is paid for
 * before argon2 runs (API §6), so 64 PINs at once get at most 5 checks; an unknown or
 * not-opted-in profile runs a dummy verification and counts against the address like a wrong
 * PIN, so the answers do not tell them apart.
 */
export async function loginWithPIN(
  deps: QuickLoginDeps,
  input: { userId: string; pin: string },
  context: RequestContext,
): Promise<IssuedTokens> {
  const user = deps.users.findById(input.userId)
  const usable = user && user.pinHash && user.quickLogin && !user.disabled ? user : null
  // A disabled PIN says so (a person can act on it) rather than "try later".
  if (usable?.pinDisabled) throw pinDisabled()
  const counters: Counter[] = [['pinAddress', context.addressKey]]
  if (usable) counters.push(['pinUser', usable.id])
  const payment = await deps.limits.pay(counters, { userId: null, method: 'pin', context })
  const ok = await payment.check(async () =>
    usable
      ? (await deps.hasher.verify(usable.pinHash!, input.pin)).ok
      : (await deps.hasher.dummyVerify(input.pin), false),
  )
  if (!ok || !usable) {
    // The running count first: it must count even if the block below fails to start.
    if (usable) deps.pins.recordFailure(usable.id, context)
    await payment.failed()
    deps.audit.record({
      type: 'login.failed',
      userId: usable?.id ?? null,
      context,
      detail: { method: 'pin' },
    })
    throw invalidCredentials()
  }
  await payment.succeeded()
  return deps.issuer.signIn(
    usable,
    ['pin'],
    context,
    { method: 'pin' },
    // Read again after argon2, in the sign-in's own commit: a failure that ran meanwhile may
    // have disabled the PIN, and then nothing is written.
    () => {
      if (!deps.pins.acceptCorrect(usable.id)) throw pinDisabled()
    },
  )
}
