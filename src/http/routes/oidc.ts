import { Hono, type Handler } from 'hono'
import type { IncomingMessage } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { RequestContext } from '../../auth/audit.js'
import { JWKS_MAX_AGE_SECONDS, type SigningKeys } from '../../auth/signing-keys.js'
import type { OIDCProvider } from '../../oidc/provider.js'
import { requestContext, type AppEnv } from '../env.js'
import { clientAddressOf, rawOf } from './oidc-raw.js'

/** The request context of a raw request handed to the provider, for its sign-out hook. */
export const providerRequests = new WeakMap<IncomingMessage, RequestContext>()

/**
 * The OpenID Connect provider (API §12) at the issuer's root: discovery and everything under
 * /oidc. oidc-provider answers on the raw Node request and response; its JWKS is this
 * service's one JWKS (the ID token keys are published there with the access-token keys).
 */
export function oidcRoutes(deps: {
  oidc: OIDCProvider
  signingKeys: Pick<SigningKeys, 'publishedJWKS' | 'ensureCurrent'>
}): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/oidc/jwks', async (c) => {
    await deps.signingKeys.ensureCurrent('RS256')
    await deps.signingKeys.ensureCurrent('ES256')
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
    c.header('Content-Type', 'application/json')
    return c.body(deps.signingKeys.publishedJWKS())
  })
  const toProvider: Handler<AppEnv> = async (c) => {
    const { req, res } = rawOf(c)
    providerRequests.set(req, requestContext(c))
    if (c.req.method === 'GET' && c.req.path === '/oidc/auth') req.url = consentForOffline(req.url)
    await deps.oidc.handle(req, res, clientAddressOf(c))
    return RESPONSE_ALREADY_SENT
  }
  routes.all('/.well-known/openid-configuration', toProvider)
  routes.all('/oidc/*', toProvider)
  return routes
}

/**
 * oidc-provider drops `offline_access` unless `prompt` holds `consent` (OIDC Core §11). Apps
 * here are registered by an admin and need no consent screen (API §12), so the prompt is
 * added; the interaction answers it at once without showing anything. `prompt=none` is left
 * alone (it cannot be combined): such a request gets no refresh token.
 */
export function consentForOffline(url: string | undefined): string {
  const parsed = new URL(url ?? '/', 'http://x')
  const scope = parsed.searchParams.get('scope')?.split(' ') ?? []
  const prompt = parsed.searchParams.get('prompt')?.split(' ').filter(Boolean) ?? []
  if (!scope.includes('offline_access') || prompt.includes('consent') || prompt.includes('none'))
    return url ?? '/'
  parsed.searchParams.set('prompt', [...prompt, 'consent'].join(' '))
  return `${parsed.pathname}${parsed.search}`
}
