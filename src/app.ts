import { Hono } from 'hono'
import type { Logger } from './logger.js'
import type { Readiness } from './readiness.js'
import type { AppEnv } from './http/env.js'
import { bodySize } from './http/middleware/body-size.js'
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js'
import { requestId } from './http/middleware/request-id.js'
import { requestLog } from './http/middleware/request-log.js'
import { requireReady } from './http/middleware/require-ready.js'
import { healthRoutes } from './http/routes/health.js'

export interface AppDeps {
  logger: Logger
  readiness: Readiness
}

/** Builds the HTTP app; no I/O here, so tests build it as often as they like. */
export function createApp({ logger, readiness }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use('*', requestId(), requestLog(logger), bodySize())
  app.onError(errorHandler(logger))
  app.notFound(notFoundHandler)
  app.route('/', healthRoutes(readiness))
  app.use('/v1/*', requireReady(readiness))
  return app
}
