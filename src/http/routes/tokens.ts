import { Hono } from 'hono'
import { logout, refreshSession } from '../../auth/refresh.js'
import { parseBody } from '../body.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { refreshBody } from '../schemas.js'
import { tokenResponse } from '../views.js'

export function tokenRoutes(deps: DepsOf<typeof refreshSession>): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.post('/token/refresh', async (c) => {
    const { refresh_token } = await parseBody(c, refreshBody)
    return c.json(tokenResponse(await refreshSession(deps, refresh_token, requestContext(c))))
  })

  routes.post('/logout', async (c) => {
    const { refresh_token } = await parseBody(c, refreshBody)
    logout(deps, refresh_token, requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
