import type { DB } from '../db/client.js'
import { invalidGrant } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { OneTimeCodes } from './one-time-codes.js'
import type { Sessions } from './sessions.js'
import type { Users } from './users.js'

/** Reset codes live a day (API §7): long enough to hand over, short enough to go stale. */
export const RESET_CODE_TTL_SECONDS = 86_400

export interface PasswordResetDeps {
  db: DB
  users: Users
  codes: OneTimeCodes
  sessions: Sessions
  audit: Audit
}

/** A one-time code with which a person sets their own password; replaces earlier ones. */
export function issueResetCode(
  deps: Pick<PasswordResetDeps, 'codes'>,
  userId: string,
): { code: string; expiresAt: number } {
  deps.codes.deleteAll('reset', userId)
  return deps.codes.create('reset', { userId, ttlSeconds: RESET_CODE_TTL_SECONDS })
}

/** Redeems a reset code: sets the password, ends the user's sessions and pending codes. */
export async function redeemResetCode(
  deps: PasswordResetDeps,
  input: { code: string; newPassword: string },
  context: RequestContext,
): Promise<void> {
  // Pasted from the CLI's output or a message, a code often brings spaces or a line break.
  const code = input.code.trim()
  const peeked = deps.codes.peek('reset', code)
  const user = peeked?.userId ? deps.users.findById(peeked.userId) : null
  if (!user) throw invalidGrant('The reset code is invalid, expired or already used.')
  // Check the rules before using the code up, so a refused password does not burn it.
  deps.users.checkPassword(input.newPassword, user.username, 'new_password')
  // Hash first, then use the code up and write everything in one commit: a failure midway
  // neither burns the code nor leaves a new password beside the old sessions.
  const passwordHash = await deps.users.hashPassword(input.newPassword)
  deps.db.transaction(() => {
    if (!deps.codes.consume('reset', code)) throw invalidGrant()
    deps.users.update(user.id, { passwordHash })
    deps.sessions.revokeAllForUser(user.id)
    deps.codes.endPending(user.id)
    deps.audit.record({ type: 'password.reset', userId: user.id, context })
  })
}
