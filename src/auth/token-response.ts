import { unixSeconds, type Clock } from '../clock.js'
import type { AccessTokens, AMR } from './access-tokens.js'
import type { SessionRow, Sessions } from './sessions.js'
import type { UserRow } from './users.js'
import type { Audit, RequestContext } from './audit.js'
import type { DB } from '../db/client.js'
import type { Groups } from './groups.js'

/** A completed sign-in (or refresh): what API §4's token response is made from. */
export interface IssuedTokens {
  kind: 'tokens'
  accessToken: string
  expiresInSeconds: number
  refreshToken: string
  refreshExpiresInSeconds: number
  sessionId: string
  user: UserRow
}

export type Issuer = ReturnType<typeof createIssuer>

/** Turns a proven identity into a session and its tokens. */
export function createIssuer(deps: {
  db: DB
  audit: Audit
  clock: Clock
  sessions: Sessions
  accessTokens: AccessTokens
  groups: Pick<Groups, 'namesOf'>
}) {
  async function accessFor(user: UserRow, session: SessionRow) {
    return deps.accessTokens.issue({
      sub: user.id,
      sid: session.id,
      role: user.role,
      amr: JSON.parse(session.amr) as AMR[],
      auth_time: session.authTime,
      preferred_username: user.username,
      name: user.displayName,
      // Read at every issue: a change to a person's groups reaches the next refresh.
      groups: deps.groups.namesOf(user.id),
    })
  }

  async function respond(
    user: UserRow,
    session: SessionRow,
    refresh: { refreshToken: string; refreshExpiresIn: number },
  ): Promise<IssuedTokens> {
    const access = await accessFor(user, session)
    return {
      kind: 'tokens',
      accessToken: access.token,
      expiresInSeconds: access.expiresIn,
      refreshToken: refresh.refreshToken,
      refreshExpiresInSeconds: refresh.refreshExpiresIn,
      sessionId: session.id,
      user,
    }
  }

  return {
    respond,
    /**
     * A new session for a user who just proved `amr`, with its `login.succeeded` audit event
     * in the same transaction: one durable commit (one fsync). `inCommit` writes what the
     * sign-in uses up into that same transaction, and may throw to write nothing. The access
     * token is signed only once the commit is durable.
     */
    async signIn(
      user: UserRow,
      amr: AMR[],
      context: RequestContext,
      detail: Record<string, unknown>,
      inCommit?: () => void,
    ): Promise<IssuedTokens> {
      const session = deps.sessions.draft({
        userId: user.id,
        amr,
        authTime: unixSeconds(deps.clock),
        address: context.address,
        userAgent: context.userAgent?.slice(0, 256) ?? null,
      })
      const refresh = deps.db.transaction(() => {
        inCommit?.()
        deps.audit.record({ type: 'login.succeeded', userId: user.id, context, detail })
        return deps.sessions.write(session)
      })
      return respond(user, session, refresh)
    },
  }
}
