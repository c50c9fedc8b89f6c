import type { DB } from '../db/client.js'
import type { Audit, RequestContext } from './audit.js'
import { requireUser } from './household.js'
import type { UserRow, Users } from './users.js'

/**
 * Email addresses (API §7): optional, unique whatever their case. They are not a way to sign
 * in (no mail is sent, no reset by mail), so a person may change their own without a recent
 * sign-in; `email_verified` is true only when an admin set the address.
 */
export interface EmailDeps {
  db: DB
  users: Users
  audit: Audit
}

function setEmail(deps: EmailDeps, user: UserRow, email: string | null, verified: boolean) {
  return deps.db.transaction(() => {
    deps.users.assignEmail(user.id, email, verified)
    return requireUser(deps, user.id)
  })
}

/** The person's own change: not verified (API §7). */
export function setOwnEmail(
  deps: EmailDeps,
  user: UserRow,
  email: string | null,
  context: RequestContext,
): UserRow {
  const updated = setEmail(deps, user, email, false)
  deps.audit.record({ type: 'user.email_changed', userId: user.id, actorId: user.id, context })
  return updated
}
