import { and, eq, isNull, lt, or } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { invalidCredentials } from '../errors.js'
import type { RateLimits } from '../limits/rate-limits.js'
import type { SecretKeys } from '../secret-keys.js'
import type { Audit, RequestContext } from './audit.js'
import type { OneTimeCodes } from './one-time-codes.js'
import { enforceLimits } from './password-login.js'
import type { RecoveryCodes } from './recovery-codes.js'
import { finishMFA, peekMFA, twoFactorAMR } from './second-factor.js'
import type { Issuer, TokenResponse } from './token-response.js'
import type { TOTP } from './totp.js'
import type { UserRow, Users } from './users.js'

export interface MFALoginDeps {
  db: DB
  users: Users
  codes: OneTimeCodes
  limits: RateLimits
  audit: Audit
  issuer: Issuer
  secretKeys: SecretKeys
  totp: TOTP
  recoveryCodes: RecoveryCodes
}

type Method = 'totp' | 'recovery_code'

/**
 * The second step of a sign-in (API §4.1). TOTP and recovery codes share one counter per
 * user; a wrong code keeps the `mfa_token` usable, the limits bound the tries.
 */
async function completeWith(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
  method: Method,
  check: (user: UserRow) => Promise<boolean>,
): Promise<TokenResponse> {
  const pending = peekMFA(deps.codes, input.mfaToken)
  const checks: [Parameters<RateLimits['fail']>[0], string][] = [
    ['secondFactorUser', pending.userId],
    ['loginAddress', context.addressKey],
  ]
  enforceLimits(deps, checks, { userId: pending.userId, method, context })
  const user = deps.users.findById(pending.userId)
  if (!user || user.disabled || !(await check(user))) {
    for (const [policy, subject] of checks) deps.limits.fail(policy, subject)
    deps.audit.record({ type: 'login.failed', userId: pending.userId, context, detail: { method } })
    throw invalidCredentials()
  }
  finishMFA(deps.codes, input.mfaToken)
  deps.limits.reset('secondFactorUser', user.id)
  return deps.issuer.signIn(user, twoFactorAMR(pending.amr, 'otp'), context, { method, mfa: true })
}

export function loginWithTOTP(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
): Promise<TokenResponse> {
  return completeWith(deps, input, context, 'totp', async (user) => {
    if (!user.totpSecretSealed) return false
    const secret = deps.secretKeys.decrypt('totp-secret', user.totpSecretSealed, user.id)
    const step = await deps.totp.verify(secret, input.code.trim(), user.totpLastStep)
    if (step === null) return false
    // Claim the time step with a conditional UPDATE: of two requests with one code, one wins.
    const claimed = deps.db
      .update(users)
      .set({ totpLastStep: step })
      .where(
        and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))),
      )
      .run()
    return claimed.changes === 1
  })
}

export function loginWithRecoveryCode(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
): Promise<TokenResponse> {
  return completeWith(deps, input, context, 'recovery_code', async (user) =>
    deps.recoveryCodes.consume(user.id, input.code),
  )
}
