import { and, eq, isNotNull } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { invalidCredentials, pinDisabled } from '../errors.js'
import type { RateLimits } from '../limits/rate-limits.js'
import { enforceLimits } from './password-login.js'
import type { Audit, RequestContext } from './audit.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Pins } from './pins.js'
import type { Issuer, TokenResponse } from './token-response.js'
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
 * Profile + PIN sign-in. The caller has already checked the network. Blocked requests cost
 * no argon2; an unknown or not-opted-in profile runs a dummy verification and counts against
 * the address like a wrong PIN, so the answers do not tell them apart.
 */
export async function loginWithPIN(
  deps: QuickLoginDeps,
  input: { userId: string; pin: string },
  context: RequestContext,
): Promise<TokenResponse> {
  const user = deps.users.findById(input.userId)
  const usable = user && user.pinHash && user.quickLogin && !user.disabled
  // A disabled PIN says so (a person can act on it) rather than "try later".
  if (usable && user.pinDisabled) throw pinDisabled()
  enforceLimits(
    deps,
    [
      ['pinAddress', context.addressKey],
      ['pinUser', input.userId],
    ],
    { userId: null, method: 'pin', context },
  )
  const ok = usable
    ? (await deps.hasher.verify(user.pinHash!, input.pin)).ok
    : (await deps.hasher.dummyVerify(input.pin), false)
  if (!ok || !user) {
    deps.limits.fail('pinAddress', context.addressKey)
    if (usable) {
      deps.limits.fail('pinUser', user.id)
      deps.pins.recordFailure(user, context)
    }
    deps.audit.record({
      type: 'login.failed',
      userId: usable ? user.id : null,
      context,
      detail: { method: 'pin' },
    })
    throw invalidCredentials()
  }
  deps.pins.resetFailures(user, 'pin', context)
  return deps.issuer.signIn(user, ['pin'], context, { method: 'pin' })
}
