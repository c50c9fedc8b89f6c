import type { Context, MiddlewareHandler } from 'hono'
import type { AccessTokens } from '../../auth/access-tokens.js'
import { isPinOnly } from '../../auth/session-strength.js'
import type { Sessions } from '../../auth/sessions.js'
import type { UserRow, Users } from '../../auth/users.js'
import { forbidden, stepUpRequired, unauthorized } from '../../errors.js'
import type { AppEnv } from '../env.js'

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

export interface GuardDeps {
  accessTokens: Pick<AccessTokens, 'verifyCached'>
  sessions: Pick<Sessions, 'isActive'>
  users: Pick<Users, 'findById'>
}

export type Guards = ReturnType<typeof createGuards>

/**
 * The authentication of bearer routes, built once. Each route group applies what it needs
 * itself, so no group depends on being mounted after another.
 */
export function createGuards(deps: GuardDeps) {
  /**
   * A valid access token (signature, alg, iss, aud, exp, typ) whose session has not been
   * revoked and whose user is enabled (API §5). The user is looked up once, here.
   */
  const bearer: MiddlewareHandler<AppEnv> = async function bearerMiddleware(c, next) {
    const match = BEARER.exec(c.req.header('authorization') ?? '')
    if (!match) throw unauthorized()
    const access = await deps.accessTokens.verifyCached(match[1]!)
    if (!access || !deps.sessions.isActive(access.sid)) throw unauthorized()
    const user = deps.users.findById(access.sub)
    if (!user || user.disabled) throw unauthorized()
    c.set('access', access)
    c.set('user', user)
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

  return { bearer, strong, admin }
}

/** The signed-in user of a bearer-protected request (set by the bearer guard). */
export const currentUser = (c: Context<AppEnv>): UserRow => c.get('user')
