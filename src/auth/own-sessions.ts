import { notFound } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { Sessions } from './sessions.js'
import type { UserRow } from './users.js'

export interface OwnSessionsDeps {
  sessions: Sessions
  audit: Audit
}

/**
 * Ends one of the signed-in person's own sessions ("sign out there"), audited. Another
 * person's session, an unknown id and an ended session all answer the same 404.
 */
export function revokeOwnSession(
  deps: OwnSessionsDeps,
  user: UserRow,
  sessionId: string,
  context: RequestContext,
): void {
  const session = deps.sessions.findById(sessionId)
  if (!session || session.userId !== user.id || session.revokedAt !== null) {
    throw notFound('No such session.')
  }
  deps.sessions.revoke(session.id)
  deps.audit.record({
    type: 'session.revoked',
    userId: user.id,
    actorId: user.id,
    context,
    detail: { session_id: session.id },
  })
}
