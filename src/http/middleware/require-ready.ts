import type { MiddlewareHandler } from 'hono'
import { notReady } from '../../errors.js'
import type { AppEnv } from '../env.js'

/** While starting (or after a failed start) every route but health answers 503 `not_ready`. */
export function notReadyYet(): MiddlewareHandler<AppEnv> {
  return async function notReadyYetMiddleware() {
    throw notReady()
  }
}

/**
 * The API's answers are never cached. On a socket the header goes on Node's response, which
 * `writeHead` merges with the answer's own (a handler's Cache-Control still wins), so no
 * fetch Headers object is built per answer (see request-frame.ts).
 */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStoreMiddleware(c, next) {
    const outgoing = c.env?.outgoing
    if (outgoing) outgoing.setHeader('Cache-Control', 'no-store')
    else c.header('Cache-Control', 'no-store')
    await next()
  }
}
