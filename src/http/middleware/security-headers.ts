import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'

/**
 * Headers every answer carries: nothing here is meant to be framed, sniffed or referred. Set
 * before the handler runs, so they go into the response as it is made (changing headers of a
 * finished response makes @hono/node-server rebuild it, which costs a third of the JWKS rate).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'no-referrer')
    await next()
  }
}
