import { invalidCredentials } from '../errors.js'
import type { Counter, RateLimits } from '../limits/rate-limits.js'
import type { Audit, RequestContext } from './audit.js'
import { normalizePassword, normalizeUsername } from './credentials-policy.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Pins } from './pins.js'
import type { IssuedTokens, Issuer } from './token-response.js'
import type { UserRow, Users } from './users.js'
import type { DB } from '../db/client.js'
import type { OneTimeCodes } from './one-time-codes.js'
import { countPasskeys } from './passkey-store.js'
import { requiresSecondFactor, startMFA, type MFARequired } from './second-factor.js'

export interface PasswordLoginDeps {
  users: Users
  hasher: PasswordHasher
  issuer: Issuer
  audit: Audit
  limits: RateLimits
  pins: Pins
  db: DB
  codes: OneTimeCodes
}

/**
 * The counters a password attempt is held to. They key on the submitted username whether or
 * not it exists, so a block never tells which accounts exist (API §6).
 */
export function passwordLimitChecks(submitted: string, context: RequestContext): Counter[] {
  const subject =
    normalizeUsername(submitted) ?? submitted.normalize('NFKC').toLowerCase().slice(0, 64)
  return [
    ['loginUserAddress', `${subject}|${context.addressKey}`],
    ['loginAddress', context.addressKey],
  ]
}

/**
 * Checks a username and password. Unknown user, wrong password and disabled account give the
 * same 401, and each runs one argon2 verification, so neither answer nor timing tells them
 * apart (API §4). The attempt is paid for before argon2 runs (API §6): a burst gets at most
 * the limit's worth of checks, the rest 429 at once. Returns the user on success; callers
 * decide whether a second factor follows.
 */
export async function verifyPassword(
  deps: PasswordLoginDeps,
  input: { username: string; password: string },
  context: RequestContext,
): Promise<UserRow> {
  const checks = passwordLimitChecks(input.username, context)
  const payment = await deps.limits.pay(checks, { userId: null, method: 'password', context })
  const username = normalizeUsername(input.username)
  const user = username ? deps.users.findByUsername(username) : null
  const password = normalizePassword(input.password)
  const reason = await payment.check(async () => {
    if (!user || !user.passwordHash) {
      await deps.hasher.dummyVerify(password)
      return 'unknown_user'
    }
    const result = await deps.hasher.verify(user.passwordHash, password)
    if (!result.ok) return 'wrong_password'
    if (user.disabled) return 'disabled'
    if (result.needsRehash) await deps.users.upgradeHash(user.id, input.password)
    return null
  })
  if (reason !== null || !user) {
    const blocked = await payment.failed()
    deps.audit.record({
      type: 'login.failed',
      userId: user?.id ?? null,
      context,
      detail: { method: 'password', reason, ...(blocked ? { blocked: true } : {}) },
    })
    throw invalidCredentials()
  }
  await payment.succeeded()
  return user
}

/**
 * Password sign-in. Once a second factor is enrolled the password alone never yields tokens:
 * the answer is an `mfa_token` for the second step (API §4.1).
 */
export async function loginWithPassword(
  deps: PasswordLoginDeps,
  input: { username: string; password: string },
  context: RequestContext,
): Promise<IssuedTokens | MFARequired> {
  const user = await verifyPassword(deps, input, context)
  const passkeyCount = countPasskeys(deps.db, user.id)
  if (requiresSecondFactor(user, passkeyCount)) {
    deps.audit.record({
      type: 'login.mfa_required',
      userId: user.id,
      context,
      detail: { method: 'password' },
    })
    return startMFA(deps.codes, user, ['pwd'], passkeyCount)
  }
  const tokens = await deps.issuer.signIn(user, ['pwd'], context, { method: 'password' })
  // Only a complete sign-in lifts a PIN block: a password answered mfa_required lifts nothing.
  deps.pins.resetFailures(user, 'password', context)
  return tokens
}
