import { Hono } from 'hono'
import type { StorageWatch } from './db/storage-watch.js'
import type { CIDR } from './limits/cidr.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import type { Readiness } from './readiness.js'
import type { Services } from './services.js'
import type { AppEnv } from './http/env.js'
import { bodySize } from './http/middleware/body-size.js'
import { clientAddress } from './http/middleware/client.js'
import { createGuards } from './http/middleware/bearer.js'
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js'
import { serviceHostsOf } from './http/middleware/household-network.js'
import { noStore, notReadyYet } from './http/middleware/require-ready.js'
import { requestId } from './http/middleware/request-id.js'
import { requestLog } from './http/middleware/request-log.js'
import { securityHeaders } from './http/middleware/security-headers.js'
import { adminRoutes } from './http/routes/admin.js'
import { adminAppRoutes } from './http/routes/admin-apps.js'
import { adminGroupRoutes } from './http/routes/admin-groups.js'
import { browserEntryRoutes } from './http/routes/browser-entry.js'
import { healthRoutes } from './http/routes/health.js'
import { loginRoutes } from './http/routes/login.js'
import { meCredentialRoutes } from './http/routes/me-credentials.js'
import { meSecondFactorRoutes } from './http/routes/me-second-factors.js'
import { meSessionRoutes } from './http/routes/me-sessions.js'
import { meRoutes } from './http/routes/me.js'
import { metricsRoutes } from './http/routes/metrics.js'
import { mfaLoginRoutes } from './http/routes/mfa-login.js'
import { passwordResetRoutes } from './http/routes/password-reset.js'
import { quickLoginRoutes } from './http/routes/quick-login.js'
import { tokenRoutes } from './http/routes/tokens.js'
import { wellKnownRoutes } from './http/routes/well-known.js'
import { forwardAuthRoutes } from './http/routes/forward-auth.js'
import { proxyAppSources } from './http/ui/proxy-return.js'
import { uiRoutes } from './http/ui/ui-routes.js'
import { createUICookies } from './http/ui/cookies.js'
import { oidcInteractionRoutes } from './http/ui/routes-oidc-interaction.js'
import { oidcRoutes } from './http/routes/oidc.js'
import { oidcProviderFor, redirectOrigins } from './http/routes/oidc-setup.js'

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
  app.use(
    '*',
    requestId(),
    requestLog(logger, metrics?.metrics),
    securityHeaders(),
    clientAddress(trustProxy, logger),
    bodySize(),
  )
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

/**
 * The real app, built once start-up has finished from the ready services: every route
 * factory and middleware receives what it uses here, never per request. No I/O.
 */
export function createApp(services: Services, shellDeps: AppShell): App {
  const app = createShell(shellDeps)
  const { config } = services
  const guards = createGuards(services)
  const deps = {
    ...services,
    guards,
    quickLoginNetworks: config.quickLoginNetworks,
    serviceHosts: serviceHostsOf(config),
  }
  app.route('/', wellKnownRoutes(services))
  app.route('/', forwardAuthRoutes(services))
  const oidcOrigins = redirectOrigins(services.apps)
  const proxyApps = proxyAppSources(services.apps, config)
  const formActionOrigins = () => [...oidcOrigins(), ...proxyApps()]
  app.route('/ui', uiRoutes({ ...deps, formActionOrigins }))
  // The OIDC provider (API §12); its interactions first, the provider's own routes after.
  const cookies = createUICookies({ secure: config.issuer.startsWith('https:') })
  const { oidc, browserPersonOf } = oidcProviderFor({
    ...services,
    logger: shellDeps.logger,
    cookies,
  })
  app.route('/', oidcInteractionRoutes({ ...services, oidc, browserPersonOf, cookies }))
  app.route('/', oidcRoutes({ oidc, signingKeys: services.signingKeys }))
  app.use('/v1/*', noStore())
  const v1 = [
    loginRoutes(deps),
    mfaLoginRoutes(deps),
    quickLoginRoutes(deps),
    tokenRoutes(deps),
    passwordResetRoutes(deps),
    meRoutes(deps),
    meCredentialRoutes(deps),
    meSecondFactorRoutes(deps),
    meSessionRoutes(deps),
    adminRoutes(deps),
    adminGroupRoutes(deps),
    adminAppRoutes(deps),
  ]
  for (const routes of v1) app.route('/v1', routes)
  return app
}
