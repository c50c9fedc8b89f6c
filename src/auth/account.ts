import type { Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { invalidRequest } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { PasswordLoginDeps } from './password-login.js'
import {
  assertRecentSignIn,
  confirmPassword,
  type Proof,
  type RecentSignInDeps,
} from './recent-sign-in.js'
import { pinProblem, type Pins } from './pins.js'
import type { Sessions } from './sessions.js'
import type { UserRow } from './users.js'

export interface AccountDeps extends PasswordLoginDeps, RecentSignInDeps {
  db: DB
  clock: Clock
  pins: Pins
  audit: Audit
  pinMinLength: number
}

export async function setPIN(
  deps: AccountDeps,
  user: UserRow,
  input: { pin: string; currentPassword: string },
  context: RequestContext,
): Promise<void> {
  const problem = pinProblem(input.pin, deps.pinMinLength)
  if (problem) throw invalidRequest(`pin: ${problem}`)
  await confirmPassword(deps, user, input.currentPassword, context)
  await deps.pins.set(user.id, input.pin)
  deps.audit.record({ type: 'pin.set', userId: user.id, actorId: user.id, context })
}

export async function removePIN(
  deps: AccountDeps,
  user: UserRow,
  proof: Proof,
  context: RequestContext,
): Promise<void> {
  await assertRecentSignIn(deps, user, proof, context)
  deps.pins.remove(user.id)
  deps.audit.record({ type: 'pin.removed', userId: user.id, actorId: user.id, context })
}

/**
 * Opting in to the household picker needs a PIN to sign in with, and a recent sign-in (it
 * opens a way in); opting out needs neither.
 */
export async function setQuickLogin(
  deps: AccountDeps,
  user: UserRow,
  enabled: boolean,
  proof: Proof,
  context: RequestContext,
): Promise<void> {
  if (enabled && !user.pinHash) throw invalidRequest('enabled: set a PIN first')
  if (enabled) await assertRecentSignIn(deps, user, proof, context)
  deps.users.update(user.id, { quickLogin: enabled })
  deps.audit.record({
    type: enabled ? 'quick_login.enabled' : 'quick_login.disabled',
    userId: user.id,
    actorId: user.id,
    context,
  })
}

/** Changes the password after re-checking the current one; ends every other session. */
export async function changePassword(
  deps: AccountDeps & { sessions: Sessions },
  user: UserRow,
  input: { currentPassword: string; newPassword: string; sessionId: string },
  context: RequestContext,
): Promise<void> {
  deps.users.checkPassword(input.newPassword, user.username, 'new_password')
  await confirmPassword(deps, user, input.currentPassword, context)
  // Hash first (the slow part), then every write in one commit: a disk that fails midway
  // leaves the old password and the other sessions as they were, never half of the change.
  const passwordHash = await deps.users.hashPassword(input.newPassword)
  deps.db.transaction(() => {
    deps.users.update(user.id, { passwordHash })
    deps.sessions.revokeAllForUser(user.id, input.sessionId)
    deps.codes.endPending(user.id)
    deps.audit.record({ type: 'password.changed', userId: user.id, actorId: user.id, context })
  })
}
