import { invalidMFAToken } from '../errors.js'
import type { AMR } from './access-tokens.js'
import type { OneTimeCodes } from './one-time-codes.js'
import type { UserRow } from './users.js'

/** An `mfa_token` lives five minutes and is used once (API §4.1). */
export const MFA_TOKEN_TTL_SECONDS = 300

/** A password was right and a second step must follow (API §4.1). */
export interface MFARequired {
  kind: 'mfa_required'
  mfaToken: string
  methods: ('totp' | 'webauthn' | 'recovery_code')[]
}

interface MFAState {
  amr: AMR[]
}

export function secondFactorMethods(user: UserRow, passkeyCount: number): MFARequired['methods'] {
  const methods: MFARequired['methods'] = []
  if (user.totpSecretSealed) methods.push('totp')
  if (passkeyCount > 0) methods.push('webauthn')
  if (methods.length > 0) methods.push('recovery_code')
  return methods
}

/** On by default once a second factor is enrolled. */
export function requiresSecondFactor(user: UserRow, passkeyCount: number): boolean {
  return user.mfaEnabled && secondFactorMethods(user, passkeyCount).length > 0
}

/** The half-finished sign-in: bound to the user and to what they already proved. */
export function startMFA(
  codes: OneTimeCodes,
  user: UserRow,
  proven: AMR[],
  passkeyCount: number,
): MFARequired {
  const state: MFAState = { amr: proven }
  const { code } = codes.create('mfa', {
    userId: user.id,
    ttlSeconds: MFA_TOKEN_TTL_SECONDS,
    data: state,
  })
  return { kind: 'mfa_required', mfaToken: code, methods: secondFactorMethods(user, passkeyCount) }
}

/** Reads an `mfa_token` without using it up: a wrong code leaves it usable. */
export function peekMFA(codes: OneTimeCodes, token: string): { userId: string; amr: AMR[] } {
  const found = codes.peek('mfa', token)
  if (!found?.userId) throw invalidMFAToken()
  return { userId: found.userId, amr: (found.data as MFAState).amr }
}

/** Uses the `mfa_token` up once the second factor is proven; refuses a token used meanwhile. */
export function finishMFA(codes: OneTimeCodes, token: string): void {
  if (!codes.consume('mfa', token)) throw invalidMFAToken()
}

/** The amr of a completed two-factor sign-in (RFC 8176): both methods and `mfa`. */
export const twoFactorAMR = (proven: AMR[], second: AMR): AMR[] => [
  ...new Set<AMR>([...proven, second, 'mfa']),
]
