import { invalidGrant } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { Sessions } from './sessions.js'
import type { IssuedTokens, Issuer } from './token-response.js'
import type { Users } from './users.js'

export interface RefreshDeps {
  sessions: Sessions
  users: Users
  issuer: Issuer
  audit: Audit
}

/** Rotates a refresh token into a new token response (API §5). */
export async function refreshSession(
  deps: RefreshDeps,
  refreshToken: string,
  context: RequestContext,
): Promise<IssuedTokens> {
  const outcome = deps.sessions.refresh(refreshToken)
  if (outcome.kind !== 'rotated') {
    // Inside the grace it is usually two tabs refreshing at once, but it may be a thief racing
    // the owner: audited too (once per rotated token), the session spared as API §5 says.
    const withinGrace = outcome.kind === 'refusedInGrace'
    if (!withinGrace || outcome.firstRefusal) {
      deps.audit.record({
        type: 'refresh.reused',
        userId: outcome.session.userId,
        context,
        detail: {
          session_id: outcome.session.id,
          within_grace: withinGrace,
          session_revoked: !withinGrace,
        },
      })
    }
    throw invalidGrant()
  }
  const user = deps.users.findById(outcome.session.userId)
  if (!user || user.disabled) {
    deps.sessions.revoke(outcome.session.id)
    throw invalidGrant()
  }
  return deps.issuer.respond(user, outcome.session, outcome)
}

/** Logout revokes the session of a refresh token; an unknown token changes nothing. */
export function logout(
  deps: Pick<RefreshDeps, 'sessions' | 'audit'>,
  refreshToken: string,
  context: RequestContext,
): void {
  const sessionId = deps.sessions.sessionOfRefreshToken(refreshToken)
  if (!sessionId) return
  const session = deps.sessions.findById(sessionId)
  deps.sessions.revoke(sessionId)
  deps.audit.record({
    type: 'logout',
    userId: session?.userId ?? null,
    context,
    detail: { session_id: sessionId },
  })
}
