import type { Context, MiddlewareHandler } from 'hono'
import type { UserRow } from '../../auth/users.js'
import { forbidden, stepUpRequired, unauthorized } from '../../errors.js'
import type { AppEnv } from '../env.js'

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

/**
 * Every protected route: a valid access token (signature, alg, iss, aud, exp, typ) whose
 * session has not been revoked (API §5).
 */
export function bearer(): MiddlewareHandler<AppEnv> {
  return async function bearerMiddleware(c, next) {
    const match = BEARER.exec(c.req.header('authorization') ?? '')
    if (!match) throw unauthorized()
    const services = c.get('services')
    const access = await services.accessTokens.verifyCached(match[1]!)
    if (!access || !services.sessions.isActive(access.sid)) throw unauthorized()
    c.set('access', access)
    await next()
  }
}

/** A PIN alone is enough to look, not to change anything (API §5). */
export function requireStrongSession(options: { except?: string } = {}): MiddlewareHandler<AppEnv> {
  return async function requireStrongSessionMiddleware(c, next) {
    const amr = c.get('access').amr
    if (amr.length === 1 && amr[0] === 'pin' && c.req.path !== options.except)
      throw stepUpRequired()
    await next()
  }
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const access = c.get('access')
    const user = c.get('services').users.findById(access.sub)
    if (!user || user.disabled || user.role !== 'admin') throw forbidden()
    await next()
  }
}

/** The signed-in user of a bearer-protected request; 401 once disabled or deleted. */
export function currentUser(c: Context<AppEnv>): UserRow {
  const user = c.get('services').users.findById(c.get('access').sub)
  if (!user || user.disabled) throw unauthorized()
  return user
}
