import { Hono } from 'hono'
import type { StorageWatch } from '../db/storage-watch.js'
import type { CIDR } from '../limits/cidr.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { Readiness } from '../readiness.js'
import type { AppEnv } from './env.js'
import { errorHandler, notFoundHandler } from './middleware/error-handler.js'
import { notReadyYet } from './middleware/require-ready.js'
import { requestFrame } from './middleware/request-frame.js'
import { browserEntryRoutes } from './routes/browser-entry.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'

export interface AppShell {
  logger: Logger
  readiness: Readiness
  trustProxy: CIDR[]
  metrics?: { metrics: Metrics; networks: CIDR[] } | undefined
  /** Once the database is open: storage faults answer 503 and mark /readyz (API §2). */
  storage?: StorageWatch | undefined
}

export type App = Hono<AppEnv>

/** What every app serves, ready or not: middleware, errors, health, metrics, the favicon. */
export function createShell({ logger, readiness, trustProxy, metrics, storage }: AppShell): App {
  const app = new Hono<AppEnv>()
  app.use('*', requestFrame({ logger, metrics: metrics?.metrics, trustProxy }))
  app.onError(errorHandler(logger, storage))
  app.notFound(notFoundHandler)
  app.route('/', healthRoutes(readiness))
  if (metrics) app.route('/', metricsRoutes(metrics.metrics, metrics.networks))
  app.route('/', browserEntryRoutes())
  return app
}

/** Served while start-up runs (and after it failed): health answers, the rest 503 not_ready. */
export function createStartingApp(shellDeps: AppShell): App {
  const app = createShell(shellDeps)
  app.use('*', notReadyYet())
  return app
}
