import { Hono } from 'hono'
import { JWKS_MAX_AGE_SECONDS, type SigningKeys } from '../../auth/signing-keys.js'
import type { AppEnv } from '../env.js'

// A plain object, not hono's `c.header` (a fetch Headers object per answer): @hono/node-server
// writes a plain object's headers as they are.
const JWKS_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
}

const jwksResponse = (text: string) => new Response(text, { headers: JWKS_HEADERS })

export function wellKnownRoutes(deps: {
  signingKeys: Pick<SigningKeys, 'currentJWKS'>
}): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', (): Response | Promise<Response> => {
    const text = deps.signingKeys.currentJWKS()
    return typeof text === 'string' ? jwksResponse(text) : text.then(jwksResponse)
  })
  return routes
}
