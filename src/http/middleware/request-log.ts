import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics.js'
import type { AppEnv } from '../env.js'

/** One answered request's log line and metrics observation, whichever way it was answered. */
export type RequestLine = (
  requestId: string,
  method: string,
  path: string,
  route: string,
  status: number,
  startedMs: number,
) => void

/**
 * One log line and one metrics observation per request. Only the method, path (no query
 * string), status and timing are logged: headers and bodies, where credentials live, never
 * are. Metrics are labelled by the route pattern (`/v1/admin/users/:id`), not the raw path.
 */
export function requestLine(logger: Logger, metrics?: Metrics): RequestLine {
  // The line's fields are fixed and never hold a secret, so it skips pino's redaction pass,
  // which cost four fifths of the line (bench/README.md). Every other log call keeps it.
  const lines = logger.child({}, { redact: [] })
  return (requestId, method, path, route, status, startedMs) => {
    const seconds = (performance.now() - startedMs) / 1000
    lines[status >= 500 ? 'error' : 'info'](
      {
        req_id: requestId,
        method,
        path,
        status,
        duration_ms: Math.round(seconds * 100_000) / 100,
      },
      'request',
    )
    metrics?.observeRequest(route, method, status, seconds)
  }
}

/** `requestLine` for an answer made by hono: its route pattern is the last one matched. */
export function requestLogger(logger: Logger, metrics?: Metrics) {
  const line = requestLine(logger, metrics)
  return function logRequest(
    c: Context<AppEnv>,
    requestId: string,
    startedMs: number,
    status: number,
  ): void {
    const route = metrics
      ? (matchedRoutes(c)
          .filter((r) => r.method !== 'ALL')
          .at(-1)?.path ?? 'unmatched')
      : ''
    line(requestId, c.req.method, c.req.path, route, status, startedMs)
  }
}
