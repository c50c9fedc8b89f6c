import type { Context, MiddlewareHandler } from 'hono'
import type { AccessTokens, VerifiedAccess } from '../../auth/access-tokens.js'
import { isPinOnly } from '../../auth/session-strength.js'
import type { Sessions } from '../../auth/sessions.js'
import type { UserRow } from '../../auth/users.js'
import { forbidden, stepUpRequired, unauthorized } from '../../errors.js'
import type { AppEnv } from '../env.js'

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

export interface GuardDeps {
  accessTokens: Pick<AccessTokens, 'verifyCached'>
  sessions: Pick<Sessions, 'liveUser'>
}

export type Guards = ReturnType<typeof createGuards>

/**
 * The authentication of bearer routes, built once. Each route group applies what it needs
 * itself, so no group depends on being mounted after another.
 */
export function createGuards(deps: GuardDeps) {
  /**
   * A valid access token (signature, alg, iss, aud, exp, typ) whose session has not been
   * revoked and whose user is enabled (API §5), the session and user read by `lookup` in one
   * statement on every request (a revocation applies at once). Sets `access` and `user`.
   */
  async function authenticate<T extends { user: UserRow }>(
    c: Context<AppEnv>,
    lookup: (access: VerifiedAccess) => T | null,
  ): Promise<T> {
    const match = BEARER.exec(c.req.header('authorization') ?? '')
    if (!match) throw unauthorized()
    const access = await deps.accessTokens.verifyCached(match[1]!)
    const found = access && lookup(access)
    if (!found || found.user.disabled) throw unauthorized()
    c.set('access', access)
    c.set('user', found.user)
    return found
  }

  const liveUser = (access: VerifiedAccess) => {
    const user = deps.sessions.liveUser(access.sid, access.sub)
    return user && { user }
  }

  /** The bearer check as a middleware; the user is looked up once, here. */
  const bearer: MiddlewareHandler<AppEnv> = async function bearerMiddleware(c, next) {
    await authenticate(c, liveUser)
    await next()
  }

  /** A PIN alone is enough to look, not to change anything (API §5). */
  const strong: MiddlewareHandler<AppEnv> = async function strongSessionMiddleware(c, next) {
    if (isPinOnly(c.get('access').amr)) throw stepUpRequired()
    await next()
  }

  const admin: MiddlewareHandler<AppEnv> = async function adminMiddleware(c, next) {
    if (c.get('user').role !== 'admin') throw forbidden()
    await next()
  }

  return { authenticate, bearer, strong, admin }
}

/** The signed-in user of a bearer-protected request (set by the bearer guard). */
export const currentUser = (c: Context<AppEnv>): UserRow => c.get('user')
