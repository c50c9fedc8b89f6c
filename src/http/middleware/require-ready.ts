import type { MiddlewareHandler } from 'hono'
import { notReady } from '../../errors.js'
import type { AppEnv } from '../env.js'

/** While starting (or after a failed start) every route but health answers 503 `not_ready`. */
export function notReadyYet(): MiddlewareHandler<AppEnv> {
  return async function notReadyYetMiddleware() {
    throw notReady()
  }
}

/** The API's answers are never cached. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStoreMiddleware(c, next) {
    c.header('Cache-Control', 'no-store')
    await next()
  }
}
