import { loadQRCode } from '../lazy.js'
import { eq } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { invalidRequest } from '../errors.js'
import type { SecretKeys } from '../secret-keys.js'
import type { Audit, RequestContext } from './audit.js'
import type { RecoveryCodes } from './recovery-codes.js'
import type { TOTP } from './totp.js'
import type { UserRow } from './users.js'

export interface TOTPEnrolmentDeps {
  db: DB
  clock: Clock
  secretKeys: SecretKeys
  totp: TOTP
  recoveryCodes: RecoveryCodes
  audit: Audit
  issuerName: string
}

const setUser = (deps: TOTPEnrolmentDeps, userId: string, values: Partial<UserRow>) =>
  deps.db
    .update(users)
    .set({ ...values, updatedAt: unixSeconds(deps.clock) })
    .where(eq(users.id, userId))
    .run()

/**
 * Starts enrolment: a new secret, kept sealed (AES-256-GCM, bound to the user) as pending
 * until a correct code confirms it; an active TOTP stays in force until then.
 */
export async function setupTOTP(
  deps: TOTPEnrolmentDeps,
  user: UserRow,
): Promise<{ secret: string; otpauth_uri: string; qr_svg: string }> {
  const secret = await deps.totp.newSecret()
  setUser(deps, user.id, {
    totpPendingSealed: deps.secretKeys.encrypt('totp-secret', secret, user.id),
  })
  const uri = await deps.totp.uri(secret, deps.issuerName, user.username)
  const QRCode = (await loadQRCode()).default
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { secret, otpauth_uri: uri, qr_svg: svg }
}

/** Activates the pending secret with a correct code; returns ten new recovery codes, once. */
export async function confirmTOTP(
  deps: TOTPEnrolmentDeps,
  user: UserRow,
  code: string,
  context: RequestContext,
): Promise<{ recovery_codes: string[] }> {
  if (!user.totpPendingSealed) throw invalidRequest('code: start with POST /v1/me/totp/setup')
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
  return { recovery_codes: codes }
}

export function removeTOTP(
  deps: TOTPEnrolmentDeps,
  user: UserRow,
  keepRecoveryCodes: boolean,
  context: RequestContext,
): void {
  setUser(deps, user.id, { totpSecretSealed: null, totpPendingSealed: null, totpLastStep: null })
  if (!keepRecoveryCodes) deps.recoveryCodes.removeAll(user.id)
  deps.audit.record({ type: 'totp.removed', userId: user.id, actorId: user.id, context })
}
