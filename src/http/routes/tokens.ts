import { Hono } from 'hono'
import { z } from 'zod'
import { logout, refreshSession } from '../../auth/refresh.js'
import { parseBody } from '../body.js'
import { requestContext, type AppEnv } from '../env.js'

const refreshBody = z.object({ refresh_token: z.string().min(1).max(512) })

export function tokenRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/token/refresh', async (c) => {
    const { refresh_token } = await parseBody(c, refreshBody)
    return c.json(await refreshSession(c.get('services'), refresh_token, requestContext(c)))
  })

  routes.post('/logout', async (c) => {
    const { refresh_token } = await parseBody(c, refreshBody)
    logout(c.get('services'), refresh_token, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
