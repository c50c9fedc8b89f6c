import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { invalidCredentials } from '../errors.js'
import type { RateLimits } from '../limits/rate-limits.js'
import type { SecretKeys } from '../secret-keys.js'
import type { Audit, RequestContext } from './audit.js'
import type { OneTimeCodes } from './one-time-codes.js'
import type { Pins } from './pins.js'
import type { RecoveryCodes } from './recovery-codes.js'
import { finishMFA, peekMFA, twoFactorAMR } from './second-factor.js'
import type { IssuedTokens, Issuer } from './token-response.js'
import { TOTP_PERIOD_SECONDS, type TOTP } from './totp.js'
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
  pins: Pins
  clock: Clock
}

type Method = 'totp' | 'recovery_code'

/** A proof checked before the commit, used up inside it: false when used meanwhile. */
type UseUp = () => boolean
const usedMeanwhile = new Error('the second factor was used meanwhile')

/**
 * The second step of a sign-in (API §4.1). TOTP and recovery codes share one counter per
 * user, paid for before the code is checked; a wrong code keeps the `mfa_token` usable, the
 * limits bound the tries, and the blocks double until a success (API §6).
 *
 * The code (its TOTP time step, or the recovery code) and the `mfa_token` are used up in the
 * session's own commit: a session write that fails (a full disk) uses up nothing and counts
 * as no attempt, and of two requests with one code, the commit that comes second writes
 * nothing and is a wrong code.
 */
async function completeWith(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
  method: Method,
  check: (user: UserRow) => Promise<UseUp | null>,
): Promise<IssuedTokens> {
  const pending = peekMFA(deps.codes, input.mfaToken)
  const payment = await deps.limits.pay(
    [
      ['secondFactorUser', pending.userId],
      ['loginAddress', context.addressKey],
    ],
    { userId: pending.userId, method, context },
  )
  const user = deps.users.findById(pending.userId)
  const tokens = await payment.check(async () => {
    const useUp = user && !user.disabled ? await check(user) : null
    if (!user || !useUp) return null
    const inCommit = () => {
      // Only a plain `true` uses it up: the commit cannot wait for anything (fails closed).
      if (useUp() !== true) throw usedMeanwhile
      finishMFA(deps.codes, input.mfaToken) // a token used meanwhile: nothing is written
    }
    const amr = twoFactorAMR(pending.amr, 'otp')
    return deps.issuer
      .signIn(user, amr, context, { method, mfa: true }, inCommit)
      .catch((thrown: unknown) => {
        if (thrown === usedMeanwhile) return null
        throw thrown
      })
  })
  if (!tokens || !user) {
    const blocked = await payment.failed()
    deps.audit.record({
      type: 'login.failed',
      userId: pending.userId,
      context,
      detail: { method, ...(blocked ? { blocked: true } : {}) },
    })
    throw invalidCredentials()
  }
  await payment.succeeded()
  // A complete password sign-in (tokens issued) lifts a PIN block (API §6).
  deps.pins.resetFailures(user, 'password', context)
  return tokens
}

export function loginWithTOTP(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
): Promise<IssuedTokens> {
  return completeWith(deps, input, context, 'totp', async (user) => {
    if (!user.totpSecretSealed) return null
    // A clock stepped back behind the last used step: no code can be later than it (otplib
    // would throw on such an `afterTimeStep`, a 500), so the answer is a plain wrong code.
    const step = Math.floor(unixSeconds(deps.clock) / TOTP_PERIOD_SECONDS)
    if (user.totpLastStep !== null && user.totpLastStep > step) return null
    const secret = deps.secretKeys.decrypt('totp-secret', user.totpSecretSealed, user.id)
    const used = await deps.totp.verify(secret, input.code.trim(), user.totpLastStep)
    if (used === null) return null
    // The time step is claimed with a conditional UPDATE: of two requests with one code, one
    // wins (a step is used once, API §4.1).
    return () => deps.users.claimTOTPStep(user.id, used)
  })
}

export function loginWithRecoveryCode(
  deps: MFALoginDeps,
  input: { mfaToken: string; code: string },
  context: RequestContext,
): Promise<IssuedTokens> {
  // The DELETE is the check (an HMAC lookup, no argon2): it runs in the commit itself.
  return completeWith(
    deps,
    input,
    context,
    'recovery_code',
    async (user) => () => deps.recoveryCodes.consume(user.id, input.code),
  )
}
