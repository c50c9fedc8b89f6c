import { Hono } from 'hono'
import { networkNotAllowed } from '../../errors.js'
import type { CIDR } from '../../limits/cidr.js'
import { isInsideNetworks } from '../../limits/client-address.js'
import type { Metrics } from '../../metrics.js'
import type { AppEnv } from '../env.js'

/** Prometheus text, only from AUTH_METRICS_NETWORKS (API §9). */
export function metricsRoutes(metrics: Metrics, networks: CIDR[]): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/metrics', async (c) => {
    if (!isInsideNetworks(c.get('client'), networks)) throw networkNotAllowed()
    c.header('Content-Type', metrics.registry.contentType)
    c.header('Cache-Control', 'no-store')
    return c.body(await metrics.registry.metrics())
  })
  return routes
}
