import { Hono } from 'hono'
import { userMethods } from '../../auth/household.js'
import { publicUser } from '../../auth/users.js'
import { bearer, currentUser, requireStrongSession } from '../middleware/bearer.js'
import type { AppEnv } from '../env.js'

export function meRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  // Hono's `/me/*` also matches `/me`: name the sub-paths so each request is checked once.
  // A PIN-only session may look at itself, refresh and log out; nothing under /me/* (§5).
  routes.use('/me', bearer())
  routes.use('/me/:rest{.+}', bearer(), requireStrongSession())

  routes.get('/me', (c) => {
    const user = currentUser(c)
    return c.json({ ...publicUser(user), methods: userMethods(c.get('services').db, user) })
  })

  return routes
}
