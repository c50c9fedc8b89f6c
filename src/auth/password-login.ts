import { invalidCredentials, rateLimited } from '../errors.js'
import type { PolicyName, RateLimits } from '../limits/rate-limits.js'
import type { Audit, RequestContext } from './audit.js'
import { normalizePassword, normalizeUsername } from './credentials-policy.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Pins } from './pins.js'
import type { Issuer, TokenResponse } from './token-response.js'
import type { UserRow, Users } from './users.js'
import type { DB } from '../db/client.js'
import type { OneTimeCodes } from './one-time-codes.js'
import { countPasskeys } from './passkeys.js'
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
export function passwordLimitChecks(
  submitted: string,
  context: RequestContext,
): [PolicyName, string][] {
  const subject =
    normalizeUsername(submitted) ?? submitted.normalize('NFKC').toLowerCase().slice(0, 64)
  return [
    ['loginUserAddress', `${subject}|${context.addressKey}`],
    ['loginAddress', context.addressKey],
  ]
}

/** Refuses a blocked attempt with 429 before any argon2 work, and audits it. */
export function enforceLimits(
  deps: Pick<PasswordLoginDeps, 'limits' | 'audit'>,
  checks: [PolicyName, string][],
  audit: { userId: string | null; method: string; context: RequestContext },
): void {
  const wait = deps.limits.retryAfter(checks)
  if (wait === 0) return
  deps.audit.record({
    type: 'login.blocked',
    userId: audit.userId,
    context: audit.context,
    detail: { method: audit.method },
  })
  throw rateLimited(wait)
}

/**
 * Checks a username and password. Unknown user, wrong password and disabled account give the
 * same 401, and each runs one argon2 verification, so neither answer nor timing tells them
 * apart (API §4). Returns the user on success; callers decide whether a second factor follows.
 */
export async function verifyPassword(
  deps: PasswordLoginDeps,
  input: { username: string; password: string },
  context: RequestContext,
): Promise<UserRow> {
  const checks = passwordLimitChecks(input.username, context)
  enforceLimits(deps, checks, { userId: null, method: 'password', context })
  const username = normalizeUsername(input.username)
  const user = username ? deps.users.findByUsername(username) : null
  const password = normalizePassword(input.password)
  let reason: string | null = null
  if (!user || !user.passwordHash) {
    await deps.hasher.dummyVerify(password)
    reason = 'unknown_user'
  } else {
    const result = await deps.hasher.verify(user.passwordHash, password)
    if (!result.ok) reason = 'wrong_password'
    else if (user.disabled) reason = 'disabled'
    else if (result.needsRehash) await deps.users.upgradeHash(user.id, input.password)
  }
  if (reason !== null || !user) {
    const blocked = checks
      .map(([policy, subject]) => deps.limits.fail(policy, subject))
      .some(Boolean)
    deps.audit.record({
      type: 'login.failed',
      userId: user?.id ?? null,
      context,
      detail: { method: 'password', reason, ...(blocked ? { blocked: true } : {}) },
    })
    throw invalidCredentials()
  }
  deps.limits.reset(checks[0]![0], checks[0]![1])
  deps.pins.resetFailures(user, 'password', context)
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
): Promise<TokenResponse | MFARequired> {
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
  return deps.issuer.signIn(user, ['pwd'], context, { method: 'password' })
}
