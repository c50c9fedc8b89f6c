import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../../logger.js'
import type { AppEnv } from '../env.js'

/**
 * One line per request. Only the method, path (no query string), status and timing are
 * logged: headers and bodies, where credentials live, never are.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now()
    await next()
    const status = c.res.status
    logger[status >= 500 ? 'error' : 'info'](
      {
        req_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    )
  }
}
