import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/** Honours a caller's X-Request-Id when it is 1–64 safe characters; always echoes one. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header('x-request-id')
    const id = given && SAFE_REQUEST_ID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  }
}
