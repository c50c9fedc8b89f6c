import type { MiddlewareHandler } from 'hono'
import { notReady } from '../../errors.js'
import type { Readiness } from '../../readiness.js'
import type { AppEnv } from '../env.js'

/** Every `/v1/*` route answers 503 `not_ready` until start-up has fully succeeded. */
export function requireReady(readiness: Readiness): MiddlewareHandler<AppEnv> {
  return async function requireReadyMiddleware(c, next) {
    if (readiness.status !== 'ready' || !readiness.services) throw notReady()
    c.set('services', readiness.services)
    c.header('Cache-Control', 'no-store')
    await next()
  }
}
