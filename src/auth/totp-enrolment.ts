import { loadQRCode } from '../lazy.js'
import type { Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { invalidRequest } from '../errors.js'
import type { SecretKeys } from '../secret-keys.js'
import type { Audit, RequestContext } from './audit.js'
import type { RecoveryCodes } from './recovery-codes.js'
import type { TOTP } from './totp.js'
import type { UserChanges, UserRow, Users } from './users.js'
import type { AccountDeps } from './account.js'
import {
  assertRecentSignIn,
  confirmPassword,
  type Proof,
  type RecentSignInDeps,
} from './recent-sign-in.js'
import { countPasskeys } from './passkey-store.js'

export interface TOTPEnrolmentDeps {
  db: DB
  clock: Clock
  secretKeys: SecretKeys
  totp: TOTP
  recoveryCodes: RecoveryCodes
  audit: Audit
  issuerName: string
  users: Pick<Users, 'update'>
}

const setUser = (deps: TOTPEnrolmentDeps, userId: string, values: UserChanges) =>
  deps.users.update(userId, values)

/**
 * Starts enrolment: a new secret, kept sealed (AES-256-GCM, bound to the user) as pending
 * until a correct code confirms it; an active TOTP stays in force until then.
 */
export async function setupTOTP(
  deps: TOTPEnrolmentDeps & RecentSignInDeps,
  user: UserRow,
  proof: Proof,
  context: RequestContext,
): Promise<{ secret: string; uri: string; qrSVG: string }> {
  await assertRecentSignIn(deps, user, proof, context)
  const secret = await deps.totp.newSecret()
  setUser(deps, user.id, {
    totpPendingSealed: deps.secretKeys.encrypt('totp-secret', secret, user.id),
  })
  const uri = await deps.totp.uri(secret, deps.issuerName, user.username)
  const QRCode = (await loadQRCode()).default
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { secret, uri, qrSVG: svg }
}

/** Activates the pending secret with a correct code; returns ten new recovery codes, once. */
export async function confirmTOTP(
  deps: TOTPEnrolmentDeps & RecentSignInDeps,
  user: UserRow,
  code: string,
  proof: Proof,
  context: RequestContext,
): Promise<string[]> {
  if (!user.totpPendingSealed)
    throw invalidRequest('code: set up the authenticator app first', 'code')
  // Confirming is what replaces an active secret, so it is held to the same rule as setup.
  await assertRecentSignIn(deps, user, proof, context)
  const secret = deps.secretKeys.decrypt('totp-secret', user.totpPendingSealed, user.id)
  const step = await deps.totp.verify(secret, code, null)
  if (step === null)
    throw invalidRequest('code: does not match; check the device clock and try the next code')
  setUser(deps, user.id, {
    totpSecretSealed: user.totpPendingSealed,
    totpPendingSealed: null,
    totpLastStep: step,
  })
  const codes = deps.recoveryCodes.regenerate(user.id)
  deps.audit.record({ type: 'totp.enabled', userId: user.id, actorId: user.id, context })
  return codes
}

/**
 * Removes the authenticator app after re-checking the password. Recovery codes stay while a
 * passkey is still a second factor they can stand in for.
 */
export async function removeTOTP(
  deps: TOTPEnrolmentDeps & AccountDeps,
  user: UserRow,
  currentPassword: string,
  context: RequestContext,
): Promise<void> {
  await confirmPassword(deps, user, currentPassword, context)
  setUser(deps, user.id, { totpSecretSealed: null, totpPendingSealed: null, totpLastStep: null })
  if (countPasskeys(deps.db, user.id) === 0) deps.recoveryCodes.removeAll(user.id)
  deps.audit.record({ type: 'totp.removed', userId: user.id, actorId: user.id, context })
}

/** Ten new recovery codes (the old ones stop working), after re-checking the password. */
export async function regenerateRecoveryCodes(
  deps: TOTPEnrolmentDeps & AccountDeps,
  user: UserRow,
  currentPassword: string,
  context: RequestContext,
): Promise<string[]> {
  await confirmPassword(deps, user, currentPassword, context)
  if (!user.totpSecretSealed && countPasskeys(deps.db, user.id) === 0) {
    throw invalidRequest('current_password: enrol TOTP or a passkey first', 'current_password')
  }
  deps.audit.record({
    type: 'recovery_codes.regenerated',
    userId: user.id,
    actorId: user.id,
    context,
  })
  return deps.recoveryCodes.regenerate(user.id)
}
