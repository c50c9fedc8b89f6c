import { Hono } from 'hono'
import { JWKS_MAX_AGE_SECONDS, type SigningKeys } from '../../auth/signing-keys.js'
import type { AppEnv } from '../env.js'

export function wellKnownRoutes(deps: { signingKeys: SigningKeys }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', async (c) => {
    await deps.signingKeys.ensureCurrent()
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
    c.header('Content-Type', 'application/json')
    return c.body(deps.signingKeys.publishedJWKS())
  })
  return routes
}
