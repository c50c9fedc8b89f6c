import { Hono } from 'hono'
import { userMethods } from '../../auth/household.js'
import { publicUser } from '../../auth/users.js'
import { bearer, currentUser, requireStrongSession } from '../middleware/bearer.js'
import type { AppEnv } from '../env.js'

export function meRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  // Hono's `/me/*` also matches `/me` itself, which a PIN-only session may read; nothing
  // under /me/* (§5).
  routes.use('/me/*', bearer(), requireStrongSession({ except: '/v1/me' }))

  routes.get('/me', (c) => {
    const user = currentUser(c)
    return c.json({ ...publicUser(user), methods: userMethods(c.get('services').db, user) })
  })

  return routes
}
