import { Hono } from 'hono'
import { notReady } from '../../errors.js'
import { JWKS_MAX_AGE_SECONDS } from '../../auth/signing-keys.js'
import type { Readiness } from '../../readiness.js'
import type { AppEnv } from '../env.js'

export function wellKnownRoutes(readiness: Readiness): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', async (c) => {
    const services = readiness.services
    if (!services) throw notReady()
    await services.signingKeys.ensureCurrent()
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
    c.header('Content-Type', 'application/json')
    return c.body(services.signingKeys.publishedJWKS())
  })
  return routes
}
