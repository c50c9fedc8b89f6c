import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics.js'
import type { AppEnv } from '../env.js'

/**
 * One log line and one metrics observation per request. Only the method, path (no query
 * string), status and timing are logged: headers and bodies, where credentials live, never
 * are. Metrics are labelled by the route pattern (`/v1/admin/users/:id`), not the raw path.
 */
export function requestLogger(logger: Logger, metrics?: Metrics) {
  // The line's fields are fixed and never hold a secret, so it skips pino's redaction pass,
  // which cost four fifths of the line (bench/README.md). Every other log call keeps it.
  const lines = logger.child({}, { redact: [] })
  return function logRequest(
    c: Context<AppEnv>,
    requestId: string,
    startedMs: number,
    status: number,
  ): void {
    const seconds = (performance.now() - startedMs) / 1000
    const method = c.req.method
    lines[status >= 500 ? 'error' : 'info'](
      {
        req_id: requestId,
        method,
        path: c.req.path,
        status,
        duration_ms: Math.round(seconds * 100_000) / 100,
      },
      'request',
    )
    if (metrics) {
      const handler = matchedRoutes(c)
        .filter((route) => route.method !== 'ALL')
        .at(-1)
      metrics.observeRequest(handler?.path ?? 'unmatched', method, status, seconds)
    }
  }
}
