import { Hono } from 'hono'
import { revokeOwnSession, type OwnSessionsDeps } from '../../auth/own-sessions.js'
import type { Guards } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'
import { sessionView } from '../views.js'

/** The signed-in person's own sessions: see where they are signed in, end any of them. */
export function meSessionRoutes(deps: OwnSessionsDeps & { guards: Guards }): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/me/sessions', deps.guards.bearer, deps.guards.strong)
  routes.use('/me/sessions/*', deps.guards.bearer, deps.guards.strong)

  routes.get('/me/sessions', (c) =>
    c.json({
      sessions: deps.sessions.listLive(c.get('user').id, c.get('access').sid).map(sessionView),
    }),
  )

  routes.delete('/me/sessions/:id', (c) => {
    revokeOwnSession(deps, c.get('user'), c.req.param('id'), requestContext(c))
    return c.body(null, 204)
  })

  return routes
}
