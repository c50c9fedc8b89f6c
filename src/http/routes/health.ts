import { Hono } from 'hono'
import type { Readiness } from '../../readiness.js'
import type { AppEnv } from '../env.js'

const LIVE = JSON.stringify({ status: 'ok' })
const JSON_TYPE = { 'Content-Type': 'application/json' }

export function healthRoutes(readiness: Readiness): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  // Liveness: the process listens. Never depends on the database, so a failed migration
  // does not make an orchestrator kill and restart the container in a loop.
  routes.get('/healthz', (c) => c.body(LIVE, 200, JSON_TYPE))
  routes.get('/readyz', (c) => {
    c.header('Cache-Control', 'no-store')
    if (readiness.status === 'ready') return c.json({ status: 'ready', checks: readiness.checks })
    c.header('Retry-After', '5')
    return c.json({ status: readiness.status, checks: readiness.checks, retry_after: 5 }, 503)
  })
  return routes
}
