import type { Services } from './services.js'
import { createGuards } from './http/middleware/bearer.js'
import { serviceHostsOf } from './http/middleware/household-network.js'
import { noStore } from './http/middleware/require-ready.js'
import { adminRoutes } from './http/routes/admin.js'
import { adminAppRoutes } from './http/routes/admin-apps.js'
import { adminGroupRoutes } from './http/routes/admin-groups.js'
import { loginRoutes } from './http/routes/login.js'
import { meCredentialRoutes } from './http/routes/me-credentials.js'
import { meSecondFactorRoutes } from './http/routes/me-second-factors.js'
import { meSessionRoutes } from './http/routes/me-sessions.js'
import { meRoutes } from './http/routes/me.js'
import { mfaLoginRoutes } from './http/routes/mfa-login.js'
import { passwordResetRoutes } from './http/routes/password-reset.js'
import { quickLoginRoutes } from './http/routes/quick-login.js'
import { tokenRoutes } from './http/routes/tokens.js'
import { wellKnownRoutes } from './http/routes/well-known.js'
import { forwardAuthRoutes } from './http/routes/forward-auth.js'
import { createShell, type App, type AppShell } from './http/shell.js'
import { proxyAppSources } from './http/ui/proxy-return.js'
import { uiRoutes } from './http/ui/ui-routes.js'
import { createUICookies } from './http/ui/cookies.js'
import { oidcInteractionRoutes } from './http/ui/routes-oidc-interaction.js'
import { oidcRoutes } from './http/routes/oidc.js'
import { oidcProviderFor, redirectOrigins } from './http/routes/oidc-setup.js'

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
