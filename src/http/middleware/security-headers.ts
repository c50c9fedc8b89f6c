import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'

/** Headers every answer carries: nothing here is meant to be framed, sniffed or referred. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'no-referrer')
  }
}
