import { Hono } from 'hono'
import { notFound } from '../../errors.js'
import { currentUser } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'

/** The signed-in person's own sessions: see where they are signed in, end any of them. */
export function meSessionRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.get('/me/sessions', (c) => {
    const sessions = c.get('services').sessions.listLive(currentUser(c).id, c.get('access').sid)
    return c.json({ sessions })
  })

  routes.delete('/me/sessions/:id', (c) => {
    const services = c.get('services')
    const user = currentUser(c)
    const session = services.sessions.findById(c.req.param('id'))
    if (!session || session.userId !== user.id || session.revokedAt !== null)
      throw notFound('No such session.')
    services.sessions.revoke(session.id)
    services.audit.record({
      type: 'session.revoked',
      userId: user.id,
      actorId: user.id,
      context: requestContext(c),
      detail: { session_id: session.id },
    })
    return c.body(null, 204)
  })

  return routes
}
