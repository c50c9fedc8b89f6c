import { Hono } from 'hono'
import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import { unixSeconds } from '../../clock.js'
import { sessions } from '../../db/schema.js'
import { notFound } from '../../errors.js'
import { currentUser } from '../middleware/bearer.js'
import { requestContext, type AppEnv } from '../env.js'

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

/** The signed-in person's own sessions: see where they are signed in, end any of them. */
export function meSessionRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  routes.get('/me/sessions', (c) => {
    const { db, clock } = c.get('services')
    const user = currentUser(c)
    const rows = db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, user.id),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, unixSeconds(clock)),
        ),
      )
      .orderBy(desc(sessions.lastUsedAt))
      .all()
    return c.json({
      sessions: rows.map((s) => ({
        id: s.id,
        created_at: iso(s.createdAt),
        last_used_at: iso(s.lastUsedAt),
        expires_at: iso(s.expiresAt),
        address: s.address,
        user_agent: s.userAgent,
        methods: JSON.parse(s.amr) as string[],
        current: s.id === c.get('access').sid,
      })),
    })
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
