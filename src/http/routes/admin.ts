import { Hono } from 'hono'
import { unlockUser } from '../../auth/admin.js'
import { bearer, requireAdmin, requireStrongSession } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'

/** The admin area: a strong session of an enabled admin (API §7). */
export function adminRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/admin/*', bearer(), requireStrongSession(), requireAdmin())

  routes.post('/admin/users/:id/unlock', (c) => {
    unlockUser(c.get('services'), c.req.param('id'), c.get('access').sub, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
