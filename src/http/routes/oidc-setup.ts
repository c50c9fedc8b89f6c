import type { Apps } from '../../auth/apps.js'
import type { Audit } from '../../auth/audit.js'
import type { Groups } from '../../auth/groups.js'
import { logout } from '../../auth/refresh.js'
import type { Sessions } from '../../auth/sessions.js'
import type { SigningKeys } from '../../auth/signing-keys.js'
import type { Users } from '../../auth/users.js'
import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createBrowserPersonOf } from '../../oidc/browser-person.js'
import type { OIDCPayloads } from '../../oidc/payload-store.js'
import { createOIDCProvider } from '../../oidc/provider.js'
import type { SecretKeys } from '../../secret-keys.js'
import type { UICookies } from '../ui/cookies.js'
import { providerPages } from '../ui/routes-oidc-pages.js'
import { providerRequests } from './oidc.js'

export interface OIDCSetupDeps {
  config: Pick<Config, 'issuer' | 'accessTokenTTLSeconds' | 'refreshTokenTTLSeconds'>
  apps: Pick<Apps, 'findByClientId' | 'verifySecret'>
  groups: Pick<Groups, 'namesOf'>
  users: Pick<Users, 'findById'>
  sessions: Sessions
  audit: Audit
  signingKeys: Pick<SigningKeys, 'providerKeys'>
  oidcPayloads: OIDCPayloads
  secretKeys: Pick<SecretKeys, 'hashToken'>
  logger: Logger
  cookies: UICookies
}

/**
 * The OIDC provider wired to this service: the web UI's session cookie is the sign-in it
 * follows, and a confirmed RP-initiated logout ends that session too (API §12). Building it
 * loads nothing: oidc-provider itself is imported on the first OIDC request.
 */
export function oidcProviderFor(deps: OIDCSetupDeps) {
  const sessionCookieName = deps.cookies.names.session
  const browserPersonOf = createBrowserPersonOf(deps)
  const oidc = createOIDCProvider({
    issuer: deps.config.issuer,
    apps: deps.apps,
    users: deps.users,
    groups: deps.groups,
    signingKeys: deps.signingKeys,
    payloads: deps.oidcPayloads,
    logger: deps.logger,
    pages: providerPages,
    browserPersonOf,
    sessionCookieName,
    // The provider signs its cookies; the key is derived from the master secret (an HMAC
    // of a fixed label), so cookies stay valid across restarts and nothing new is stored.
    cookieKeys: [deps.secretKeys.hashToken('oidc-provider cookie key v1')],
    ttl: {
      accessTokenSeconds: deps.config.accessTokenTTLSeconds,
      refreshTokenSeconds: deps.config.refreshTokenTTLSeconds,
    },
    onLogout(ctx) {
      const token = ctx.cookies.get(sessionCookieName, { signed: false })
      const context = providerRequests.get(ctx.req)
      if (token && context) logout(deps, token, context)
      ctx.cookies.set(sessionCookieName, null, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.issuer.startsWith('https:'),
        signed: false,
      })
    },
  })
  return { oidc, browserPersonOf }
}

/** The origins of every OIDC app's redirect URIs, for the web UI's CSP form-action. */
export const redirectOrigins = (apps: Pick<Apps, 'list'>) => () => [
  ...new Set(
    apps
      .list()
      .flatMap((app) => app.redirectUris)
      .map((uri) => new URL(uri).origin),
  ),
]
