import { Hono } from 'hono'
import type { CIDR } from './limits/cidr.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import { metricsRoutes } from './http/routes/metrics.js'
import type { Readiness } from './readiness.js'
import type { AppEnv } from './http/env.js'
import { bodySize } from './http/middleware/body-size.js'
import { clientAddress } from './http/middleware/client.js'
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js'
import { requestId } from './http/middleware/request-id.js'
import { securityHeaders } from './http/middleware/security-headers.js'
import { requestLog } from './http/middleware/request-log.js'
import { requireReady } from './http/middleware/require-ready.js'
import { healthRoutes } from './http/routes/health.js'
import { uiRoutes } from './http/ui/ui-routes.js'
import { loginRoutes } from './http/routes/login.js'
import { meRoutes } from './http/routes/me.js'
import { meCredentialRoutes } from './http/routes/me-credentials.js'
import { adminRoutes } from './http/routes/admin.js'
import { mfaLoginRoutes } from './http/routes/mfa-login.js'
import { meSessionRoutes } from './http/routes/me-sessions.js'
import { meSecondFactorRoutes } from './http/routes/me-second-factors.js'
import { quickLoginRoutes } from './http/routes/quick-login.js'
import { passwordResetRoutes } from './http/routes/password-reset.js'
import { tokenRoutes } from './http/routes/tokens.js'
import { wellKnownRoutes } from './http/routes/well-known.js'

export interface AppDeps {
  logger: Logger
  readiness: Readiness
  trustProxy: CIDR[]
  metrics?: { metrics: Metrics; networks: CIDR[] } | undefined
}

/** Builds the HTTP app; no I/O here, so tests build it as often as they like. */
export function createApp({ logger, readiness, trustProxy, metrics }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(
    '*',
    requestId(),
    requestLog(logger, metrics?.metrics),
    securityHeaders(),
    clientAddress(trustProxy, logger),
    bodySize(),
  )
  app.onError(errorHandler(logger))
  app.notFound(notFoundHandler)
  app.route('/', healthRoutes(readiness))
  app.route('/', wellKnownRoutes(readiness))
  if (metrics) app.route('/', metricsRoutes(metrics.metrics, metrics.networks))
  app.route('/ui', uiRoutes(readiness))
  app.use('/v1/*', requireReady(readiness))
  const v1 = [
    loginRoutes(),
    mfaLoginRoutes(),
    quickLoginRoutes(),
    tokenRoutes(),
    passwordResetRoutes(),
    meRoutes(),
    meCredentialRoutes(),
    meSecondFactorRoutes(),
    meSessionRoutes(),
    adminRoutes(),
  ]
  for (const routes of v1) app.route('/v1', routes)
  return app
}
