import { Hono } from 'hono'
import { JWKS_MAX_AGE_SECONDS, type SigningKeys } from '../../auth/signing-keys.js'
import type { AppEnv } from '../env.js'

// A plain object, not hono's `c.header` (a fetch Headers object per answer): @hono/node-server
// writes a plain object's headers as they are.
const JWKS_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
}

export function wellKnownRoutes(deps: { signingKeys: SigningKeys }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', async () => {
    await deps.signingKeys.ensureCurrent()
    return new Response(deps.signingKeys.publishedJWKS(), { headers: JWKS_HEADERS })
  })
  return routes
}
