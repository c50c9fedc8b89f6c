import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createShell } from '../../src/http/shell.js'
import { createGuards } from '../../src/http/middleware/bearer.js'
import { adminRoutes } from '../../src/http/routes/admin.js'
import { adminAppRoutes } from '../../src/http/routes/admin-apps.js'
import { adminGroupRoutes } from '../../src/http/routes/admin-groups.js'
import { meCredentialRoutes } from '../../src/http/routes/me-credentials.js'
import { meSecondFactorRoutes } from '../../src/http/routes/me-second-factors.js'
import { meSessionRoutes } from '../../src/http/routes/me-sessions.js'
import { meRoutes } from '../../src/http/routes/me.js'
import { createLogger } from '../../src/logger.js'
import { createReadiness } from '../../src/readiness.js'
import { createTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

// Regression: me-credentials, me-second-factors and me-sessions used to rely on being mounted
// after the route group that added `bearer()`; a reorder silently removed authentication
// from 15 routes. Each group now declares its own.
const GROUPS = {
  me: meRoutes,
  'me-credentials': meCredentialRoutes,
  'me-second-factors': meSecondFactorRoutes,
  'me-sessions': meSessionRoutes,
  admin: adminRoutes,
  'admin-groups': adminGroupRoutes,
  'admin-apps': adminAppRoutes,
} as const

describe('bearer route groups mounted alone', () => {
  for (const [name, group] of Object.entries(GROUPS)) {
    it(`${name}: every route answers 401 without a token`, async () => {
      const app = createShell({
        logger: createLogger('silent'),
        readiness: createReadiness(),
        trustProxy: [],
      })
      const routes = (group as unknown as (deps: unknown) => Hono)({
        ...t.services,
        guards: createGuards(t.services),
      })
      app.route('/v1', routes as never)
      const paths = routes.routes.filter((r) => r.method !== 'ALL')
      expect(paths.length).toBeGreaterThan(0)
      for (const route of paths) {
        const path = `/v1${route.path.replace(/:id/g, 'x')}`
        const response = await app.request(
          path,
          {
            method: route.method,
            headers: { 'content-type': 'application/json' },
            body: route.method === 'GET' ? null : '{}',
          },
          { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
        )
        expect({ path, method: route.method, status: response.status }).toEqual({
          path,
          method: route.method,
          status: 401,
        })
      }
    })
  }
})
