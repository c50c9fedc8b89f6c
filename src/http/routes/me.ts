import { Hono } from 'hono'
import { userMethods } from '../../auth/household.js'
import type { DB } from '../../db/client.js'
import type { Guards } from '../middleware/bearer.js'
import type { AppEnv } from '../env.js'
import { methodsView, publicUser } from '../views.js'

/** `GET /v1/me`: the one bearer route a PIN-only session may read (API §5). */
export function meRoutes(deps: { db: DB; guards: Guards }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/me', deps.guards.bearer, (c) => {
    const user = c.get('user')
    return c.json({ ...publicUser(user), methods: methodsView(userMethods(deps.db, user)) })
  })
  return routes
}
