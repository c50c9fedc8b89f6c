import { and, eq, ne } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { conflict, invalidRequest } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import { requireUser, type Actor } from './household.js'
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

const EMAIL_MAX = 254

/** Lower-cased and trimmed, so the unique index compares addresses case-insensitively. */
function normalizeEmail(email: string | null): string | null {
  if (email === null) return null
  const normalized = email.trim().toLowerCase()
  if (normalized.length === 0) return null
  if (normalized.length > EMAIL_MAX || !/^[^\s@]+@[^\s@]+$/.test(normalized)) {
    throw invalidRequest('email: must be an email address of at most 254 characters')
  }
  return normalized
}

function setEmail(deps: EmailDeps, user: UserRow, email: string | null, verified: boolean) {
  const address = normalizeEmail(email)
  return deps.db.transaction(() => {
    if (address !== null) {
      const taken = deps.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, address), ne(users.id, user.id)))
        .get()
      if (taken) throw conflict('That email address belongs to someone else.')
    }
    deps.users.update(user.id, { email: address, emailVerified: address !== null && verified })
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

/** An admin's change: the admin vouches for the address, so it counts as verified. */
export function setMemberEmail(
  deps: EmailDeps,
  userId: string,
  email: string | null,
  actor: Actor,
): UserRow {
  const updated = setEmail(deps, requireUser(deps, userId), email, true)
  deps.audit.record({
    type: 'user.email_changed',
    userId,
    actorId: actor.id,
    context: actor.context,
    detail: { verified: updated.emailVerified },
  })
  return updated
}
